#include "connectors/http/lookup_requester.h"

#include "common/json_text.h"
#include "connectors/http/json_records.h"
#include "types/column_builder.h"

namespace logidata {

// A slot of the pool, returned on destruction.
class LookupRequester::Lease {
 public:
  explicit Lease(LookupRequester& owner) : owner_(owner) {
    std::unique_lock lock(owner_.mu_);
    owner_.freed_.wait(lock, [&] { return !owner_.free_.empty(); });
    slot_ = owner_.free_.back();
    owner_.free_.pop_back();
  }
  ~Lease() {
    {
      std::lock_guard lock(owner_.mu_);
      owner_.free_.push_back(slot_);
    }
    owner_.freed_.notify_one();
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Slot& operator*() const { return *slot_; }

 private:
  LookupRequester& owner_;
  Slot* slot_;
};

LookupRequester::LookupRequester(const LookupConfig& config)
    : config_(config), pacer_(config.client.rate_limit_per_second) {}

Result<std::unique_ptr<LookupRequester>> LookupRequester::Make(const LookupConfig& config, const ConnectionConfig* connection,
                                                               const EgressPolicy* egress,
                                                               const std::atomic<bool>* cancelled) {
  std::unique_ptr<LookupRequester> r(new LookupRequester(config));
  HttpClientOptions options = config.client;
  options.cancelled = cancelled;
  options.egress = connection != nullptr ? connection->egress : egress;
  options.pacer = &r->pacer_;
  if (connection != nullptr) r->base_url_ = HttpBaseUrl(*connection);
  for (int64_t i = 0; i < config.concurrency; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->client = std::make_unique<HttpClient>(options);
    if (connection != nullptr) {
      LD_ASSIGN_OR_RETURN(HttpAuth auth, HttpAuth::FromConnection(*connection));
      slot->auth = std::move(auth);
    }
    r->free_.push_back(slot.get());
    r->slots_.push_back(std::move(slot));
  }
  return r;
}

Result<HttpClientResponse> LookupRequester::Send(Slot& slot, HttpClientRequest& request) {
  auto response = slot.auth ? SendWithAuth(*slot.client, *slot.auth, request) : slot.client->Send(request);
  requests_.fetch_add(1);
  attempts_.fetch_add(slot.client->attempts() - slot.counted_attempts);
  slot.counted_attempts = slot.client->attempts();
  return response;
}

LookupOutcome LookupRequester::Failure(const Status& status, long http_status) {
  LookupOutcome o;
  o.http_status = http_status;
  o.error = status;
  // 404: the API says the key has no entry — the on_missing policy decides.
  o.kind = status.code() == StatusCode::kNotFound ? LookupOutcome::Kind::kMissing : LookupOutcome::Kind::kError;
  // A 4xx answer is definite; exhausted retries, timeouts and other transport trouble are not.
  o.cacheable = http_status >= 400 && http_status < 500 && status.code() != StatusCode::kUnavailable;
  return o;
}

LookupOutcome LookupRequester::Extract(const nlohmann::ordered_json& result) const {
  LookupOutcome o;
  o.http_status = 200;
  if (!result.contains(config_.response_path)) return o;  // kMissing
  const nlohmann::ordered_json& at = result.at(config_.response_path);
  // Nothing found: null, or an empty list of matches (Nominatim answers [] for an unknown address).
  if (at.is_null() || (at.is_array() && at.empty())) return o;
  o.kind = LookupOutcome::Kind::kFound;
  for (const LookupField& f : config_.fields) {
    if (!at.contains(f.path)) {
      o.values.push_back(Value::Null(f.type));
      continue;
    }
    ColumnBuilder b(f.type, 1);
    Status st = AppendJsonValue(at.at(f.path), b);
    if (!st.ok()) {
      o.kind = LookupOutcome::Kind::kError;
      o.values.clear();
      o.error = st.WithContext("field '" + f.name + "' (path '" + f.path_text + "')");
      return o;
    }
    o.values.push_back(b.Finish()->GetValue(0));
  }
  return o;
}

Result<std::vector<LookupOutcome>> LookupRequester::Fetch(const std::vector<const LookupKey*>& keys) {
  const bool batched = config_.batch_size > 1;
  HttpClientRequest req;
  req.method = config_.method;
  req.headers = config_.headers;
  req.headers.push_back("Accept: application/json");
  const LookupKey& first = *keys.front();
  req.url = base_url_ + config_.url.Render(first.texts, /*url_encode=*/true);
  if (config_.body) {
    nlohmann::json body;
    if (batched) {
      nlohmann::json items = nlohmann::json::array();
      for (const LookupKey* k : keys) items.push_back(config_.body->Render(k->texts, k->values));
      body[config_.batch_request_path] = std::move(items);
    } else {
      body = config_.body->Render(first.texts, first.values);
    }
    req.body = body.dump();
    req.headers.push_back("Content-Type: application/json");
  }

  Result<HttpClientResponse> response = Status::Internal("not sent");
  long http_status = 0;
  {
    Lease lease(*this);
    response = Send(*lease, req);
    http_status = (*lease).client->last_status();
  }
  auto all = [&](LookupOutcome o) { return std::vector<LookupOutcome>(keys.size(), o); };
  if (!response.ok()) {
    const Status& st = response.status();
    if (st.code() == StatusCode::kCancelled || IsEgressRefusal(st)) return st;
    return all(Failure(st, http_status));
  }
  // A remote API is untrusted input: a response nested 100,000 levels deep would overflow the
  // parser's stack.
  if (auto deep = FindJsonTooDeep(response->body)) {
    return all(Failure(Status::DataError("the response is JSON " + deep->reason), response->status));
  }
  auto doc = nlohmann::ordered_json::parse(response->body, nullptr, false);
  if (doc.is_discarded()) {
    return all(Failure(Status::DataError("the response is not JSON: " + response->body.substr(0, 120)), response->status));
  }
  if (!batched) return std::vector<LookupOutcome>{Extract(doc)};
  const std::string where = config_.batch_path.to_string().empty() ? "the top level" : "'" + config_.batch_path.to_string() + "'";
  if (!doc.contains(config_.batch_path) || !doc.at(config_.batch_path).is_array()) {
    return all(Failure(Status::DataError("the batch response has no array of results at " + where), response->status));
  }
  const auto& results = doc.at(config_.batch_path);
  if (results.size() != keys.size()) {
    return all(Failure(Status::DataError("the batch response holds " + std::to_string(results.size()) + " results at " +
                                         where + " for " + std::to_string(keys.size()) + " keys"),
                       response->status));
  }
  std::vector<LookupOutcome> out;
  for (const auto& r : results) out.push_back(Extract(r));
  return out;
}

}  // namespace logidata
