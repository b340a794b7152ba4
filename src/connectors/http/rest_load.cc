#include "connectors/http/rest_load.h"

#include <fstream>
#include <mutex>
#include <random>

#include "connectors/connection_lookup.h"
#include "connectors/http/http_auth.h"
#include "connectors/http/http_client.h"

namespace logidata {

namespace {

class RestLoadOperator final : public Operator {
 public:
  RestLoadOperator(nlohmann::json cfg, SchemaPtr input) : cfg_(std::move(cfg)), input_(std::move(input)) {
    for (const auto& f : input_->fields()) keys_.push_back(nlohmann::json(f.name).dump() + ":");
  }

  bool EmitsOnConsume(int) const override { return false; }
  // Rows spooled in input order, so batch N of a retried run holds the same rows as batch N of
  // the first attempt and its Idempotency-Key means the same thing.
  bool RequiresOrderedInput(int) const override { return true; }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    LD_ASSIGN_OR_RETURN(connection_, LookupConnection(ctx.connections, cfg_.value("connection", std::string()), {"http", "rest"}));
    LD_ASSIGN_OR_RETURN(auth_, HttpAuth::FromConnection(connection_));
    std::random_device rd;
    std::filesystem::path dir = ctx.spill_dir.empty() ? std::filesystem::temp_directory_path() : ctx.spill_dir;
    // The executor names a spill folder per node but creates it only for operators that spill.
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    spool_path_ = dir / ("http-load-" + ctx.node_id + "-" + std::to_string(rd()) + ".ndjson");
    spool_.open(spool_path_, std::ios::binary | std::ios::trunc);
    if (!spool_) return Status::IOError("load.http: cannot create spool file " + spool_path_.string());
    return Status::OK();
  }

  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter&) override {
    std::string lines;
    const Batch& b = *batch;
    for (int64_t row = 0; row < b.num_rows(); ++row) {
      lines += '{';
      for (int c = 0; c < b.num_columns(); ++c) {
        if (c) lines += ',';
        lines += keys_[static_cast<size_t>(c)];
        lines += b.column(c)->GetValue(row).ToJson();
      }
      lines += "}\n";
    }
    std::lock_guard<std::mutex> lock(mu_);
    spool_.write(lines.data(), static_cast<std::streamsize>(lines.size()));
    if (!spool_) return Status::IOError("load.http: cannot write spool file " + spool_path_.string());
    rows_ += b.num_rows();
    return Status::OK();
  }

  Status Commit() override {
    spool_.close();
    HttpClientOptions options = HttpClientOptions::FromConfig(cfg_);
    options.cancelled = ctx_->cancelled;
    options.egress = connection_.egress;
    HttpClient client(options);
    const bool ndjson = cfg_.value("format", std::string("json_array")) == "ndjson";
    const int64_t batch_rows = cfg_.value("batch_rows", int64_t{500});
    std::string path = cfg_.value("path", std::string());
    if (!path.empty() && path.front() != '/') path = "/" + path;
    std::ifstream in(spool_path_, std::ios::binary);
    std::string line, body;
    int64_t in_body = 0, sent = 0, batch_number = 0;
    auto flush = [&]() -> Status {
      if (in_body == 0) return Status::OK();
      HttpClientRequest req;
      req.method = cfg_.value("method", std::string("POST"));
      req.url = HttpBaseUrl(connection_) + path;
      req.headers.push_back(ndjson ? "Content-Type: application/x-ndjson" : "Content-Type: application/json");
      if (cfg_.contains("headers")) {
        for (const auto& [k, v] : cfg_["headers"].items()) req.headers.push_back(k + ": " + v.get<std::string>());
      }
      // Stable across attempts of the run (same run id, same rows per batch), so a receiver that
      // honours Idempotency-Key drops a batch a retried run sends again.
      req.headers.push_back("Idempotency-Key: " + IdempotencyKey(++batch_number));
      req.body = ndjson ? body : "[" + body + "]";
      LD_RETURN_IF_ERROR(auth_.Apply(client, req));
      auto r = client.Send(req);
      if (!r.ok()) {
        return r.status().WithContext("load.http: sending rows " + std::to_string(sent + 1) + ".." +
                                      std::to_string(sent + in_body) + " (" + std::to_string(sent) + " rows delivered before)");
      }
      sent += in_body;
      in_body = 0;
      body.clear();
      return Status::OK();
    };
    while (std::getline(in, line)) {
      if (ndjson) {
        body += line;
        body += '\n';
      } else {
        if (in_body > 0) body += ',';
        body += line;
      }
      if (++in_body >= batch_rows) LD_RETURN_IF_ERROR(flush());
    }
    LD_RETURN_IF_ERROR(flush());
    ctx_->Log(LogLevel::kInfo, "sent " + std::to_string(sent) + " rows in " + std::to_string(client.attempts()) + " request(s)");
    RemoveSpool();
    return Status::OK();
  }

  void Abort() override {
    if (spool_.is_open()) spool_.close();
    RemoveSpool();
  }

 private:
  std::string IdempotencyKey(int64_t batch) const {
    std::string key = ctx_->run_id + "-" + ctx_->node_id + "-" + std::to_string(batch);
    // Header value: printable ASCII only, whatever the ids contain.
    for (char& c : key) {
      if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) c = '_';
    }
    return key;
  }

  void RemoveSpool() {
    std::error_code ec;
    if (!spool_path_.empty()) std::filesystem::remove(spool_path_, ec);
  }

  nlohmann::json cfg_;
  SchemaPtr input_;
  std::vector<std::string> keys_;
  ExecContext* ctx_ = nullptr;
  ConnectionConfig connection_;
  HttpAuth auth_ = *HttpAuth::FromConnection(ConnectionConfig{});
  std::filesystem::path spool_path_;
  std::ofstream spool_;
  std::mutex mu_;
  int64_t rows_ = 0;
};

Result<std::unique_ptr<Operator>> BindRestLoad(const BindContext& ctx) {
  if (ctx.input_schemas.empty() || ctx.input_schemas[0] == nullptr) return Status::InvalidArgument("load.http needs an input");
  if (ctx.cfg().value("connection", std::string()).empty()) return ConfigError("/connection", "a connection name is required");
  return std::unique_ptr<Operator>(new RestLoadOperator(ctx.cfg(), ctx.input_schemas[0]));
}

}  // namespace

constexpr const char* kRestLoadDetails = R"md(Rows are spooled to the run's spill folder and sent only when the rest of the run succeeded, so a failed run sends nothing. An HTTP endpoint cannot be rolled back: if a request still fails after its retries while publishing, the error says how many rows were delivered before it. Every request carries `Idempotency-Key: <run id>-<node id>-<batch number>`, identical when the run is retried, for receivers that deduplicate on it. Retries, authentication and the origin rules are those of [extract.http](extract.http.md).

**Connection** (type `http`, also `rest`): as for [extract.http](extract.http.md).)md";

ModuleDescriptor RestLoadModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kLoad;
  d.name = "http";
  d.connection_types = {"http", "rest"};
  d.summary = "Sends rows to an HTTP endpoint or webhook in batches.";
  d.description =
      "Posts the rows as JSON objects, in batches, as a JSON array or NDJSON, with the connection's authentication. "
      "Rows are spooled to disk and sent only once the rest of the run succeeded; requests retry on network "
      "errors, timeouts, 429 and 5xx with backoff and jitter, honouring Retry-After. Each request carries an "
      "Idempotency-Key header (<run id>-<node id>-<batch number>, the same when a run is retried with the same run "
      "id), so a receiver that deduplicates on it never applies a batch twice.";
  d.category = "apis";
  d.icon = "api";
  d.inputs = {{"in", "Rows to send"}};
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                      {"description", "Name of a saved HTTP connection (base URL and authentication)."}}},
      {"path", {{"type", "string"}, {"title", "Path"}, {"default", ""}, {"description", "Path after the base URL, e.g. /hooks/orders."}}},
      {"method", {{"type", "string"}, {"title", "Method"}, {"enum", {"POST", "PUT", "PATCH"}}, {"default", "POST"}, {"description", "HTTP method."}}},
      {"format", {{"type", "string"}, {"title", "Body format"}, {"enum", {"json_array", "ndjson"}}, {"default", "json_array"},
                  {"description", "json_array: one JSON array per request; ndjson: one JSON object per line."}}},
      {"batch_rows", {{"type", "integer"}, {"title", "Rows per request"}, {"minimum", 1}, {"default", 500}, {"description", "Rows sent in one request."}}},
      {"headers", {{"type", "object"}, {"title", "Headers"}, {"additionalProperties", {{"type", "string"}}}, {"default", nlohmann::json::object()},
                   {"description", "Extra request headers."}}},
  };
  props.update(HttpClientOptions::ConfigProperties());
  d.config_schema = {{"type", "object"}, {"required", {"connection"}}, {"additionalProperties", false}, {"properties", props}};
  d.factory = BindRestLoad;
  d.description += "\n\n";
  d.description += kRestLoadDetails;
  return d;
}

}  // namespace logidata
