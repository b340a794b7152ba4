#include "connectors/http/rest_extract.h"

#include "common/json_text.h"
#include "connectors/connection_lookup.h"
#include "connectors/http/http_auth.h"
#include "connectors/http/http_client.h"
#include "connectors/http/json_api_bind.h"
#include "connectors/http/json_records.h"

namespace logidata {

namespace {

struct RestPlan {
  std::string connection;
  std::string path;
  std::string method = "GET";
  std::vector<std::string> headers;
  std::vector<std::pair<std::string, std::string>> query;
  std::string body;
  std::string record_path;
  std::string pagination = "none";
  std::string page_param = "page", size_param, offset_param = "offset", limit_param = "limit";
  std::string cursor_param = "cursor", cursor_path, next_url_path = "next";
  int64_t page_size = 100, start_page = 1, max_pages = 100000;
  HttpClientOptions client;
};

// Walks the pages of one extraction.
class Pager {
 public:
  Pager(const RestPlan& plan, const ConnectionConfig& connection, HttpAuth auth, const std::atomic<bool>* cancelled)
      : plan_(plan),
        base_(HttpBaseUrl(connection)),
        auth_(std::move(auth)),
        client_(WithContext(plan.client, cancelled, connection.egress)) {
    page_ = plan.start_page;
  }

  bool done() const { return done_; }

  // Fetches the next page; its parsed document is kept until the next call.
  Result<std::vector<const nlohmann::ordered_json*>> Next() {
    HttpClientRequest req;
    req.method = plan_.method;
    req.headers = plan_.headers;
    req.body = plan_.body;
    if (!plan_.body.empty()) req.headers.push_back("Content-Type: application/json");
    req.headers.push_back("Accept: application/json");
    if (!next_url_.empty()) {
      req.url = next_url_.find("://") == std::string::npos ? base_ + next_url_ : next_url_;
    } else {
      auto query = plan_.query;
      if (plan_.pagination == "page") {
        query.emplace_back(plan_.page_param, std::to_string(page_));
        if (!plan_.size_param.empty()) query.emplace_back(plan_.size_param, std::to_string(plan_.page_size));
      } else if (plan_.pagination == "offset") {
        query.emplace_back(plan_.offset_param, std::to_string(offset_));
        query.emplace_back(plan_.limit_param, std::to_string(plan_.page_size));
      } else if (plan_.pagination == "cursor" && !cursor_.empty()) {
        query.emplace_back(plan_.cursor_param, cursor_);
      }
      req.url = AppendQuery(base_ + plan_.path, query);
    }
    const bool home = auth_.SameOrigin(req.url);
    // A next link elsewhere gets neither the connection's credentials (HttpAuth checks the
    // origin) nor credential headers typed into the node's config.
    if (!home) std::erase_if(req.headers, IsCredentialHeader);
    auto response = SendWithAuth(client_, auth_, req);
    if (!response.ok()) return response.status().WithContext("extract.http page " + std::to_string(pages_ + 1));
    // A remote API is untrusted input too: records are walked recursively, so a response nested
    // 100,000 levels deep would overflow a run thread's stack (and end the server).
    if (auto deep = FindJsonTooDeep(response->body)) {
      return Status::DataError("extract.http page " + std::to_string(pages_ + 1) + ": the response is JSON " +
                               deep->reason + " (line " + std::to_string(deep->line) + ", column " +
                               std::to_string(deep->column) + ")");
    }
    doc_ = nlohmann::ordered_json::parse(response->body, nullptr, false);
    if (doc_.is_discarded()) {
      return Status::DataError("extract.http page " + std::to_string(pages_ + 1) + ": the response is not JSON: " +
                               response->body.substr(0, 120));
    }
    auto records = FindRecords(doc_, plan_.record_path);
    if (!records.ok()) return records.status().WithContext("extract.http page " + std::to_string(pages_ + 1));
    ++pages_;
    Advance(*response, records->size());
    return records;
  }

  int pages() const { return pages_; }

 private:
  static HttpClientOptions WithContext(HttpClientOptions o, const std::atomic<bool>* cancelled, const EgressPolicy* egress) {
    o.cancelled = cancelled;
    o.egress = egress;
    return o;
  }

  static bool IsCredentialHeader(const std::string& header) {
    std::string name = header.substr(0, header.find(':'));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name == "authorization" || name == "cookie" || name == "proxy-authorization";
  }

  void Advance(const HttpClientResponse& response, size_t count) {
    const std::string& p = plan_.pagination;
    if (count == 0 || p == "none" || pages_ >= plan_.max_pages) {
      done_ = true;
      return;
    }
    if (p == "page") {
      ++page_;
      if (!plan_.size_param.empty() && static_cast<int64_t>(count) < plan_.page_size) done_ = true;
    } else if (p == "offset") {
      offset_ += static_cast<int64_t>(count);
      if (static_cast<int64_t>(count) < plan_.page_size) done_ = true;
    } else if (p == "cursor") {
      const nlohmann::ordered_json* c = JsonAtPath(doc_, plan_.cursor_path);
      if (c == nullptr || c->is_null() || (c->is_string() && c->get<std::string>().empty())) done_ = true;
      else cursor_ = c->is_string() ? c->get<std::string>() : c->dump();
    } else if (p == "link") {
      next_url_ = NextLinkFromHeader(response.Header("link"));
      if (next_url_.empty()) done_ = true;
    } else if (p == "next_url") {
      const nlohmann::ordered_json* n = JsonAtPath(doc_, plan_.next_url_path);
      if (n == nullptr || !n->is_string() || n->get<std::string>().empty()) done_ = true;
      else next_url_ = n->get<std::string>();
    }
  }

  const RestPlan& plan_;
  std::string base_;
  HttpAuth auth_;
  HttpClient client_;
  nlohmann::ordered_json doc_;
  int64_t page_ = 1, offset_ = 0;
  std::string cursor_, next_url_;
  int pages_ = 0;
  bool done_ = false;
};

class RestExtractOperator final : public Operator {
 public:
  RestExtractOperator(RestPlan plan, SchemaPtr schema) : plan_(std::move(plan)) { output_schemas_.push_back(std::move(schema)); }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    if (output_schemas_[0]->num_fields() == 0) return Status::InvalidArgument("extract.http was bound without the API; give 'columns'");
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, plan_.connection, {"http", "rest"}));
    LD_ASSIGN_OR_RETURN(HttpAuth auth, HttpAuth::FromConnection(config));
    pager_ = std::make_unique<Pager>(plan_, config, std::move(auth), ctx.cancelled);
    return Status::OK();
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (pager_->done()) return false;
    LD_ASSIGN_OR_RETURN(auto records, pager_->Next());
    LD_ASSIGN_OR_RETURN(BatchPtr batch, JsonRecordsToBatch(records, output_schemas_[0], total_));
    total_ += batch->num_rows();
    if (batch->num_rows() > 0 || pager_->pages() == 1) LD_RETURN_IF_ERROR(out.Emit(std::move(batch)));
    if (pager_->done()) ctx_->Log(LogLevel::kInfo, "read " + std::to_string(total_) + " records in " + std::to_string(pager_->pages()) + " pages");
    return !pager_->done();
  }

 private:
  RestPlan plan_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<Pager> pager_;
  int64_t total_ = 0;
};

Result<RestPlan> ReadPlan(const nlohmann::json& cfg) {
  RestPlan p;
  p.connection = cfg.value("connection", std::string());
  if (p.connection.empty()) return ConfigError("/connection", "a connection name is required");
  p.path = cfg.value("path", std::string());
  if (!p.path.empty() && p.path.front() != '/') p.path = "/" + p.path;
  p.method = cfg.value("method", std::string("GET"));
  if (cfg.contains("headers")) {
    for (const auto& [k, v] : cfg["headers"].items()) {
      if (!v.is_string()) return ConfigError("/headers/" + k, "must be a string");
      p.headers.push_back(k + ": " + v.get<std::string>());
    }
  }
  if (cfg.contains("query")) {
    for (const auto& [k, v] : cfg["query"].items()) p.query.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  }
  if (cfg.contains("body")) p.body = cfg["body"].is_string() ? cfg["body"].get<std::string>() : cfg["body"].dump();
  p.record_path = cfg.value("record_path", std::string());
  if (cfg.contains("pagination")) {
    const auto& g = cfg["pagination"];
    p.pagination = g.value("type", std::string("none"));
    p.page_param = g.value("page_param", p.page_param);
    p.size_param = g.value("size_param", p.size_param);
    p.page_size = g.value("page_size", p.page_size);
    p.start_page = g.value("start_page", p.start_page);
    p.offset_param = g.value("offset_param", p.offset_param);
    p.limit_param = g.value("limit_param", p.limit_param);
    p.cursor_param = g.value("cursor_param", p.cursor_param);
    p.cursor_path = g.value("cursor_path", p.cursor_path);
    p.next_url_path = g.value("next_url_path", p.next_url_path);
    p.max_pages = g.value("max_pages", p.max_pages);
    if (p.pagination == "cursor" && p.cursor_path.empty()) return ConfigError("/pagination/cursor_path", "cursor pagination needs cursor_path");
  }
  p.client = HttpClientOptions::FromConfig(cfg);
  return p;
}

Result<std::unique_ptr<Operator>> BindRestExtract(const BindContext& ctx) {
  LD_ASSIGN_OR_RETURN(RestPlan plan, ReadPlan(ctx.cfg()));
  return BindJsonApiExtract<RestExtractOperator, Pager>(ctx, std::move(plan));
}

}  // namespace

constexpr const char* kRestExtractDetails = R"md(**Records.** Records are found at the dotted `record_path`; nested objects become dotted columns (`user.geo.lat`), arrays stay JSON text; the schema is inferred from the first page (int + float → float64, mixed → string) unless `columns` gives it. One page is one batch.

**Pagination.** `page` (`page_param`, optional `size_param`/`page_size`), `offset` (`offset_param`, `limit_param`), `cursor` (`cursor_path` in the body → `cursor_param`), `link` (`Link: <…>; rel="next"`), `next_url` (`next_url_path` in the body). Paging stops on an empty page, a short page, a missing cursor or link, or `max_pages`.

**Authentication** comes from the connection: bearer (the secret), basic (user + secret), API key (header or query parameter), OAuth2 client credentials (token fetched from `token_url`, cached until 90 % of `expires_in`, refreshed once on a 401).

**Retries.** Network errors, timeouts, 429 and 5xx are retried up to `retries.max_retries` times with exponential backoff (`base_delay_ms` doubling, capped at `max_delay_ms`) and full jitter; `Retry-After` (seconds or an HTTP date) replaces the backoff. Other 4xx fail at once (401 Unauthenticated, 403 PermissionDenied, 404 NotFound). `rate_limit_per_second` spaces requests; `timeout_seconds` bounds each request; a response body larger than `max_response_mb` fails the request.

**Safety.** Only `http` and `https` URLs are sent, redirects are not followed, and the connection's credentials go only to its own origin (scheme, host, port): a `link` or `next_url` page elsewhere is fetched without them. On the server, addresses are checked against the organization's egress policy ([deployment](../deployment.md#egress)). Pipeline parameters written `${name}` are substituted into `path`, `query` values (URL-encoded) and `body` values (JSON strings).

**Connection** (type `http`, also `rest`): `host` is the base URL (or option `base_url`), the token, password or client secret as secret; options `auth` (none, bearer, basic, api_key, oauth2), `api_key_header`, `api_key_query`, `token_url`, `scope`, `test_path` (what "Test connection" requests). In a CLI connections file:

```json
{"connections": {"crm": {"type": "http", "host": "https://api.crm.example", "secret_env": "CRM_TOKEN",
  "options": {"auth": "bearer"}}}}
```)md";

ModuleDescriptor RestExtractModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kExtract;
  d.name = "http";
  d.connection_types = {"http", "rest"};
  d.summary = "Reads records from a REST API.";
  d.description =
      "Calls an HTTP JSON API with the connection's base URL and authentication (bearer, basic, API key, OAuth2 "
      "client credentials), follows pagination, and turns the records at `record_path` into rows; nested objects "
      "become dotted columns (`user.name`), arrays stay JSON text. Failed requests (network errors, timeouts, 429, "
      "5xx) are retried with exponential backoff and jitter, honouring Retry-After.";
  d.category = "apis";
  d.icon = "api";
  d.outputs = {{"out", "One row per record"}};
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                      {"description", "Name of a saved HTTP connection (base URL and authentication)."}}},
      {"path", {{"type", "string"}, {"title", "Path"}, {"default", ""}, {"description", "Path after the base URL, e.g. /v1/orders."}}},
      {"method", {{"type", "string"}, {"title", "Method"}, {"enum", {"GET", "POST"}}, {"default", "GET"}, {"description", "HTTP method."}}},
      {"headers", {{"type", "object"}, {"title", "Headers"}, {"additionalProperties", {{"type", "string"}}}, {"default", nlohmann::json::object()},
                   {"description", "Extra request headers."}}},
      {"query", {{"type", "object"}, {"title", "Query parameters"}, {"default", nlohmann::json::object()},
                 {"description", "Query string parameters (URL-encoded for you)."}}},
      {"body", {{"title", "Body"}, {"description", "JSON body for POST requests."}}},
      {"record_path", {{"type", "string"}, {"title", "Record path"}, {"default", ""},
                       {"description", "Dotted path to the array of records in the response, e.g. data.items; empty = the whole response."}}},
      {"columns", {{"type", "object"}, {"title", "Columns"}, {"additionalProperties", {{"type", "string"}}}, {"default", nlohmann::json::object()},
                   {"description", "Column name → type (int64, float64, string, bool, date, timestamp, decimal(p,s)); empty = infer from the first page."}}},
      {"pagination",
       {{"type", "object"},
        {"title", "Pagination"},
        {"description", "How to reach the next page."},
        {"additionalProperties", false},
        {"properties",
         {{"type", {{"type", "string"}, {"title", "Kind"}, {"enum", {"none", "page", "offset", "cursor", "link", "next_url"}}, {"default", "none"},
                    {"description", "page: ?page=N; offset: ?offset=&limit=; cursor: a token from the body; link: the Link header's rel=next; next_url: a URL in the body."}}},
          {"page_param", {{"type", "string"}, {"title", "Page parameter"}, {"default", "page"}, {"description", "Query parameter of the page number."}}},
          {"size_param", {{"type", "string"}, {"title", "Page size parameter"}, {"default", ""}, {"description", "Query parameter of the page size (page pagination)."}}},
          {"page_size", {{"type", "integer"}, {"title", "Page size"}, {"minimum", 1}, {"default", 100}, {"description", "Records per page requested."}}},
          {"start_page", {{"type", "integer"}, {"title", "First page"}, {"default", 1}, {"description", "Number of the first page."}}},
          {"offset_param", {{"type", "string"}, {"title", "Offset parameter"}, {"default", "offset"}, {"description", "Query parameter of the offset."}}},
          {"limit_param", {{"type", "string"}, {"title", "Limit parameter"}, {"default", "limit"}, {"description", "Query parameter of the limit."}}},
          {"cursor_param", {{"type", "string"}, {"title", "Cursor parameter"}, {"default", "cursor"}, {"description", "Query parameter carrying the cursor."}}},
          {"cursor_path", {{"type", "string"}, {"title", "Cursor path"}, {"default", ""}, {"description", "Dotted path of the next cursor in the body."}}},
          {"next_url_path", {{"type", "string"}, {"title", "Next URL path"}, {"default", "next"}, {"description", "Dotted path of the next page's URL in the body."}}},
          {"max_pages", {{"type", "integer"}, {"title", "Max pages"}, {"minimum", 1}, {"default", 100000}, {"description", "Stop after this many pages."}}}}}}},
  };
  props.update(HttpClientOptions::ConfigProperties());
  d.config_schema = {{"type", "object"}, {"required", {"connection"}}, {"additionalProperties", false}, {"properties", props}};
  d.factory = BindRestExtract;
  d.description += "\n\n";
  d.description += kRestExtractDetails;
  return d;
}

}  // namespace logidata
