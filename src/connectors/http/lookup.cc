#include "connectors/http/lookup.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <unordered_map>

#include "connectors/connection_lookup.h"
#include "connectors/http/lookup_cache.h"
#include "connectors/http/lookup_config.h"
#include "connectors/http/lookup_requester.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

class LookupOperator final : public Operator {
 public:
  LookupOperator(LookupConfig config, SchemaPtr input, std::string node_id)
      : config_(std::move(config)), input_(std::move(input)), node_id_(std::move(node_id)), cache_(config_.cache_size) {
    std::vector<Field> out = input_->fields();
    for (const LookupField& f : config_.fields) out.push_back({f.name, f.type, true});
    std::vector<Field> rejects = input_->fields();
    rejects.push_back({"_http_status", DataType::Int32(), true});
    rejects.push_back({"_reason", DataType::String(), true});
    output_schemas_ = {MakeSchema(std::move(out)), MakeSchema(std::move(rejects))};
  }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    started_ = std::chrono::steady_clock::now();
    const EgressPolicy* egress = nullptr;
    std::optional<ConnectionConfig> connection;
    if (!config_.connection.empty()) {
      LD_ASSIGN_OR_RETURN(ConnectionConfig c, LookupConnection(ctx.connections, config_.connection, {"http", "rest"}));
      egress = c.egress;
      connection = std::move(c);
    } else if (ctx.connections != nullptr) {
      egress = ctx.connections->Egress();
    }
    // A tenant's run (the server sandboxes its files) never goes unchecked: without a policy
    // from its resolver, the restrictive default applies (public addresses only).
    if (egress == nullptr && ctx.sandbox != nullptr) egress = &restrictive_;
    if (connection) connection->egress = egress;
    LD_ASSIGN_OR_RETURN(requester_, LookupRequester::Make(config_, connection ? &*connection : nullptr, egress, ctx.cancelled));
    return Status::OK();
  }

  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter& out) override;

  Status FinishPort(int, const std::vector<OperatorState*>&) override {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const int64_t requests = requester_ ? requester_->requests() : 0;
    const int64_t attempts = requester_ ? requester_->attempts() : 0;
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.2f", seconds);
    ctx_->Log(LogLevel::kInfo, "lookup: " + std::to_string(rows_.load()) + " rows, cache hits " + std::to_string(hits_.load()) +
                                   ", cache misses " + std::to_string(misses_.load()) + ", " + std::to_string(requests) +
                                   " requests (" + std::to_string(attempts - requests) + " retries), " +
                                   std::to_string(missing_.load()) + " rows without a result, " +
                                   std::to_string(rejected_.load()) + " rows rejected, " + std::to_string(null_keys_.load()) +
                                   " rows with a null key, " + elapsed + " s");
    if (rejected_.load() > 0) {
      ctx_->Log(LogLevel::kWarn, std::to_string(rejected_.load()) + " rows went to the rejects output");
    }
    return Status::OK();
  }

  int64_t MemoryUsage() const override { return cache_.size() * 256; }  // rough: key + outcome

 private:
  // One key's cell text and JSON value per key column; false when a key column is null.
  bool MakeKey(const Batch& batch, int64_t row, LookupKey& key, std::string& cache_key) const {
    key.texts.clear();
    key.values.clear();
    key.display.clear();
    cache_key.clear();
    for (size_t s = 0; s < config_.key_columns.size(); ++s) {
      const Column& column = *batch.column(config_.key_columns[s]);
      if (column.IsNull(row)) return false;
      Value v = column.GetValue(row);
      std::string text = v.ToString();
      std::string json = v.ToJson();
      // Length-prefixed, so ("a,b", "c") and ("a", "b,c") are different keys.
      cache_key += std::to_string(text.size()) + ":" + text + ";";
      key.display += (key.display.empty() ? "" : ", ") + config_.key_names[s] + "=" + json;
      key.values.push_back(nlohmann::json::parse(json, nullptr, false));
      key.texts.push_back(std::move(text));
    }
    return true;
  }

  // Fetches every key of `pending` (indices into keys), batch_size keys per request, on up to
  // `concurrency` threads; fulfils each ticket, also on failure (other threads may wait on it).
  Status FetchAll(const std::vector<LookupKey>& keys, const std::vector<std::string>& cache_keys,
                  std::vector<LookupCache::Ticket>& tickets, const std::vector<int>& pending);

  std::string Describe(const LookupKey& key, const LookupOutcome& o) const {
    std::string what = o.kind == LookupOutcome::Kind::kMissing
                           ? (o.error.ok() ? "no result at response path '" + config_.response_path.to_string() + "'"
                                           : o.error.ToString())
                           : o.error.ToString();
    return "lookup node '" + node_id_ + "', key " + key.display + ": " + what;
  }

  LookupConfig config_;
  SchemaPtr input_;
  std::string node_id_;
  ExecContext* ctx_ = nullptr;
  EgressPolicy restrictive_;
  std::unique_ptr<LookupRequester> requester_;
  LookupCache cache_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<int64_t> rows_{0}, hits_{0}, misses_{0}, missing_{0}, rejected_{0}, null_keys_{0};
  std::atomic<int64_t> uncached_{0};  // numbers keys when the cache is off
};

Status LookupOperator::FetchAll(const std::vector<LookupKey>& keys, const std::vector<std::string>& cache_keys,
                                std::vector<LookupCache::Ticket>& tickets, const std::vector<int>& pending) {
  const size_t per = static_cast<size_t>(config_.batch_size);
  const size_t units = (pending.size() + per - 1) / per;
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status failure;
  auto work = [&] {
    for (size_t u = next++; u < units; u = next++) {
      std::vector<const LookupKey*> unit;
      std::vector<int> members;
      for (size_t i = u * per; i < std::min(pending.size(), (u + 1) * per); ++i) {
        members.push_back(pending[i]);
        unit.push_back(&keys[static_cast<size_t>(pending[i])]);
      }
      bool stop;
      {
        std::lock_guard lock(mu);
        stop = !failure.ok();
      }
      // After a failure that stops the run, the remaining keys are not sent.
      Result<std::vector<LookupOutcome>> outcomes =
          stop ? Result<std::vector<LookupOutcome>>(Status::Cancelled("stopped after an earlier request failed"))
               : requester_->Fetch(unit);
      for (size_t i = 0; i < members.size(); ++i) {
        LookupOutcome o;
        if (outcomes.ok()) {
          o = std::move((*outcomes)[i]);
        } else {
          o.kind = LookupOutcome::Kind::kError;
          o.error = outcomes.status();
          o.cacheable = false;
        }
        auto& t = tickets[static_cast<size_t>(members[i])];
        auto ptr = std::make_shared<const LookupOutcome>(std::move(o));
        if (config_.cache) cache_.Fulfil(cache_keys[static_cast<size_t>(members[i])], t, std::move(ptr));
        else t.fetch->set_value(std::move(ptr));
      }
      if (!outcomes.ok()) {
        std::lock_guard lock(mu);
        if (failure.ok()) failure = outcomes.status();
      }
    }
  };
  const size_t threads = std::min(units, static_cast<size_t>(config_.concurrency));
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < threads; ++i) helpers.emplace_back(work);
  work();
  for (auto& t : helpers) t.join();
  return failure;
}

Status LookupOperator::Consume(int, const BatchPtr& batch_ptr, OperatorState*, Emitter& out) {
  const Batch& batch = *batch_ptr;
  const int64_t n = batch.num_rows();
  std::vector<int> row_key(static_cast<size_t>(n), -1);
  std::vector<LookupKey> keys;
  std::vector<std::string> cache_keys;
  std::vector<LookupCache::Ticket> tickets;
  std::vector<int> pending;
  std::unordered_map<std::string, int> seen;
  LookupKey key;
  std::string cache_key;
  int64_t hits = 0, misses = 0, null_keys = 0;
  for (int64_t r = 0; r < n; ++r) {
    if (!MakeKey(batch, r, key, cache_key)) {
      ++null_keys;
      continue;
    }
    if (!config_.cache) cache_key += "#" + std::to_string(uncached_++);
    auto [it, inserted] = seen.emplace(cache_key, static_cast<int>(keys.size()));
    row_key[static_cast<size_t>(r)] = it->second;
    if (!inserted) {
      ++hits;  // a duplicate within this batch rides on its first row's request
      continue;
    }
    LookupCache::Ticket t;
    if (config_.cache) {
      t = cache_.Acquire(cache_key);
    } else {
      t.fetch = std::make_shared<std::promise<OutcomePtr>>();
      t.future = t.fetch->get_future().share();
    }
    if (t.fetch) {
      ++misses;
      pending.push_back(static_cast<int>(keys.size()));
    } else {
      ++hits;
    }
    keys.push_back(key);
    cache_keys.push_back(cache_key);
    tickets.push_back(std::move(t));
  }
  rows_ += n;
  hits_ += hits;
  misses_ += misses;
  null_keys_ += null_keys;
  LD_RETURN_IF_ERROR(FetchAll(keys, cache_keys, tickets, pending));

  std::vector<OutcomePtr> outcomes;
  outcomes.reserve(keys.size());
  for (auto& t : tickets) outcomes.push_back(t.future.get());

  std::vector<ColumnBuilder> added;
  for (const LookupField& f : config_.fields) added.emplace_back(f.type, n);
  std::vector<int32_t> kept, rejected;
  ColumnBuilder statuses(DataType::Int32()), reasons(DataType::String());
  int64_t missing = 0;
  for (int64_t r = 0; r < n; ++r) {
    const int k = row_key[static_cast<size_t>(r)];
    const LookupOutcome* o = k < 0 ? nullptr : outcomes[static_cast<size_t>(k)].get();
    if (o != nullptr && o->kind == LookupOutcome::Kind::kFound) {
      kept.push_back(static_cast<int32_t>(r));
      for (size_t f = 0; f < added.size(); ++f) added[f].AppendValue(o->values[f]);
      continue;
    }
    LookupPolicy policy = LookupPolicy::kNull;  // null keys: no request, null fields
    if (o != nullptr && o->kind == LookupOutcome::Kind::kMissing) {
      ++missing;
      policy = config_.on_missing;
    } else if (o != nullptr) {
      policy = config_.on_error;
      // Cancellation and egress refusals are never a row's fault (another thread's request
      // stopped the run; these rows waited on it).
      if (o->error.code() == StatusCode::kCancelled || IsEgressRefusal(o->error)) return o->error;
    }
    if (policy == LookupPolicy::kFail) {
      return Status(o->kind == LookupOutcome::Kind::kMissing ? StatusCode::kNotFound : o->error.code(),
                    Describe(keys[static_cast<size_t>(k)], *o) +
                        (o->kind == LookupOutcome::Kind::kMissing ? " (on_missing: fail)" : " (on_error: fail)"));
    }
    if (policy == LookupPolicy::kReject) {
      rejected.push_back(static_cast<int32_t>(r));
      if (o->http_status > 0) statuses.AppendInt32(static_cast<int32_t>(o->http_status));
      else statuses.AppendNull();
      reasons.AppendString(Describe(keys[static_cast<size_t>(k)], *o));
      continue;
    }
    kept.push_back(static_cast<int32_t>(r));
    for (auto& b : added) b.AppendNull();
  }
  missing_ += missing;
  rejected_ += static_cast<int64_t>(rejected.size());

  auto take = [&](const std::vector<int32_t>& rows, std::vector<ColumnPtr>& columns) {
    for (int c = 0; c < batch.num_columns(); ++c) {
      columns.push_back(static_cast<int64_t>(rows.size()) == n ? batch.column(c) : TakeColumn(*batch.column(c), rows));
    }
  };
  std::vector<ColumnPtr> columns;
  take(kept, columns);
  for (auto& b : added) columns.push_back(b.Finish());
  LD_RETURN_IF_ERROR(out.Emit(0, Batch::Make(output_schemas_[0], std::move(columns), static_cast<int64_t>(kept.size()))));
  if (!rejected.empty()) {
    std::vector<ColumnPtr> rcols;
    take(rejected, rcols);
    rcols.push_back(statuses.Finish());
    rcols.push_back(reasons.Finish());
    LD_RETURN_IF_ERROR(out.Emit(1, Batch::Make(output_schemas_[1], std::move(rcols), static_cast<int64_t>(rejected.size()))));
  }
  return Status::OK();
}

Result<std::unique_ptr<Operator>> BindLookup(const BindContext& ctx) {
  if (ctx.input_schemas.empty() || ctx.input_schemas[0] == nullptr) return Status::InvalidArgument("lookup needs an input");
  LD_ASSIGN_OR_RETURN(LookupConfig config, ReadLookupConfig(ctx.cfg(), *ctx.input_schemas[0]));
  return std::unique_ptr<Operator>(new LookupOperator(std::move(config), ctx.input_schemas[0], ctx.node_id));
}

}  // namespace

constexpr const char* kLookupDetails = R"md(**Requests.** `url` is an absolute `http(s)` URL, or a path after the base URL of `connection` (an `http` connection, which also brings its authentication). `{column}` placeholders take the row's values, percent-encoded, so a value can never add a path segment, a parameter or a host; placeholders may appear only in the path and query, not in the scheme or host. `{{` and `}}` are literal braces. With `method: POST`, `body` is a JSON template: a string that is exactly `"{column}"` takes the value with its type (numbers stay numbers), other strings get the text. The columns the templates name are the key: rows with the same key share one request, and a row with a null key gets null fields without a request.

**Responses.** `response_path` picks the key's result in the response, and each entry of `fields` maps a new column to a path inside that result, with a type (`string` by default; `float64`, `int64`, `bool`, `date`, `timestamp`, `decimal(p,s)`; text such as `"52.52"` is parsed). Paths are JSON pointers (`/0/lat`) or dotted (`0.lat`; numbers index arrays); `""` is the whole value. A field absent from the result is null.

**Missing and failed lookups.** A key has no result when the response has nothing (or null, or an empty list) at `response_path`, or the API answers 404: `on_missing` then keeps the row with null fields (`null`, the default), sends it to `rejects` (`reject`) or fails the run (`fail`). A request that fails — another 4xx, a 5xx or a timeout after the retries, a response that is not JSON, a value that does not convert to its field's type — is handled by `on_error`: `fail` (the default) or `reject`. Rejected rows keep their columns and gain `_http_status` (null when no response came) and `_reason`, which names the node and the key. An egress refusal and a cancelled run always stop the run.

**Batching.** With `batch_size` > 1 (method POST, a body, and a URL without placeholders), up to that many keys go in one request: the body is the list of the `body` template rendered per key, placed at `batch_request_path` (`""`: the body is the list itself); the response holds one result per key, in the same order, at `batch_path`, and `response_path` applies to each.

**Cache, concurrency and rate limit.** Each distinct key is requested once while it stays in the run's LRU cache of `cache_size` keys; a duplicate of a key being fetched waits for that request. `cache: false` sends one request per row. Answers that will not change (found, missing, a 4xx) are cached; failures after the retries are not, so a later row tries again. The run log's summary line counts the rows, cache hits and misses, requests, retries, rows without a result and rejected rows. At most `concurrency` requests are in flight for the node, and `rate_limit_per_second` spaces all of them together.

**Retries and safety** are the REST connector's ([extract.http](extract.http.md)): network errors, timeouts, 429 and 5xx are retried up to `retries.max_retries` times with exponential backoff and full jitter, honouring `Retry-After`; `timeout_seconds` bounds each request; redirects are not followed; the connection's credentials go only to its own origin. On the server, every address is checked against the organization's egress policy, also for a URL without a connection, so a lookup cannot reach loopback, private or cloud-metadata addresses unless an admin allows them ([deployment](../deployment.md#egress)).

**Example: geocoding with Nominatim** (or any Nominatim-compatible server; the public one asks for at most one request per second and a descriptive User-Agent):

```json
{"id": "geo", "type": "transform", "module": "lookup",
 "config": {"url": "https://nominatim.openstreetmap.org/search?q={address}&format=jsonv2&limit=1",
            "headers": {"User-Agent": "acme-etl/1.0 (data@acme.example)"},
            "response_path": "/0",
            "fields": {"lat": {"path": "lat", "type": "float64"}, "lon": {"path": "lon", "type": "float64"},
                       "display_name": {"path": "display_name"}},
            "on_missing": "null", "rate_limit_per_second": 1, "concurrency": 1}}
```

Nominatim answers a list of matches with `lat` and `lon` as strings; `/0` takes the best match, the strings are parsed as `float64`, and an address it does not know (an empty list) gives null coordinates.)md";

ModuleDescriptor LookupModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kTransform;
  d.name = "lookup";
  d.summary = "Enriches rows with values fetched from an HTTP JSON API, such as geocoding an address.";
  d.description =
      "Calls an HTTP API for each distinct key of the input (the columns named in the URL or body template) and adds "
      "typed columns from the response. Keys are cached for the run, requests can be batched, rate-limited and run "
      "concurrently, and failures are retried like the REST connector's; rows without a result or with a failed call "
      "get null fields, go to `rejects`, or fail the run, as configured.";
  d.category = "apis";
  d.icon = "api";
  d.connection_types = {"http", "rest"};
  d.inputs = {{"in", "Rows to enrich"}};
  d.outputs = {{"out", "The input rows with the new columns"},
               {"rejects", "Rows whose lookup failed or found nothing (per on_error / on_missing), with `_http_status` and `_reason`."}};
  nlohmann::json field = {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"path"}},
      {"properties",
       {{"path", {{"type", "string"}, {"title", "Path"}, {"description", "JSON pointer (/0/lat) or dotted path (0.lat) in the key's result."}}},
        {"type", {{"type", "string"}, {"title", "Type"}, {"default", "string"},
                  {"description", "Column type: string, int64, float64, bool, date, timestamp, decimal(p,s)."}}}}}};
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"},
                      {"description", "Optional HTTP connection: its base URL comes before a relative `url`, and its authentication is used."}}},
      {"url", {{"type", "string"}, {"title", "URL template"}, {"minLength", 1},
               {"description", "Absolute URL, or a path after the connection's base URL, with {column} placeholders (values are URL-encoded), e.g. /search?q={address}&format=jsonv2&limit=1."}}},
      {"method", {{"type", "string"}, {"title", "Method"}, {"enum", {"GET", "POST"}}, {"default", "GET"}, {"description", "HTTP method."}}},
      {"headers", {{"type", "object"}, {"title", "Headers"}, {"additionalProperties", {{"type", "string"}}}, {"default", nlohmann::json::object()},
                   {"description", "Extra request headers (User-Agent, API version…)."}}},
      {"body", {{"title", "Body template"}, {"description", "JSON body for POST; strings may hold {column} placeholders. With batch_size > 1, the template of one key's item."}}},
      {"response_path", {{"type", "string"}, {"title", "Response path"}, {"default", ""},
                         {"description", "Where the key's result is in the response: JSON pointer or dotted path; empty = the whole response."}}},
      {"fields", {{"type", "object"}, {"title", "New columns"},
                  {"additionalProperties", {{"oneOf", {{{"type", "string"}}, field}}}},
                  {"description", "New column name → {path, type} in the key's result (a bare string is a path of a string column)."}}},
      {"on_missing", {{"type", "string"}, {"title", "When nothing is found"}, {"enum", {"null", "reject", "fail"}}, {"default", "null"},
                      {"description", "Empty result or 404: keep the row with null fields, send it to rejects, or fail the run."}}},
      {"on_error", {{"type", "string"}, {"title", "When a call fails"}, {"enum", {"reject", "fail"}}, {"default", "fail"},
                    {"description", "A 4xx, a 5xx or timeout after the retries, or a bad value: send the row to rejects, or fail the run."}}},
      {"batch_size", {{"type", "integer"}, {"title", "Keys per request"}, {"minimum", 1}, {"maximum", 1000}, {"default", 1},
                      {"description", "More than 1: send several keys in one POST body (the API must accept a list)."}}},
      {"batch_request_path", {{"type", "string"}, {"title", "Batch request path"}, {"default", ""},
                              {"description", "Where the list of items goes in a batch request body; empty = the body is the list."}}},
      {"batch_path", {{"type", "string"}, {"title", "Batch results path"}, {"default", ""},
                      {"description", "Where the list of results (one per key, in order) is in a batch response; empty = the response is the list."}}},
      {"cache", {{"type", "boolean"}, {"title", "Cache"}, {"default", true}, {"description", "Request each distinct key once per run while it stays cached."}}},
      {"cache_size", {{"type", "integer"}, {"title", "Cache size (keys)"}, {"minimum", 1}, {"maximum", 10000000}, {"default", 10000},
                      {"description", "Keys kept in the run's LRU cache."}}},
      {"concurrency", {{"type", "integer"}, {"title", "Concurrent requests"}, {"minimum", 1}, {"maximum", 64}, {"default", 4},
                       {"description", "Requests in flight at once for this node."}}},
  };
  props.update(HttpClientOptions::ConfigProperties());
  d.config_schema = {{"type", "object"}, {"required", {"url", "fields"}}, {"additionalProperties", false}, {"properties", props}};
  d.factory = BindLookup;
  d.description += "\n\n";
  d.description += kLookupDetails;
  return d;
}

}  // namespace logidata
