#include "connectors/http/graphql_extract.h"

#include <cctype>

#include "connectors/connection_lookup.h"
#include "connectors/http/graphql_pager.h"
#include "connectors/http/graphql_response.h"
#include "connectors/http/json_api_bind.h"
#include "connectors/http/json_records.h"

namespace logidata {

namespace {

class GraphqlExtractOperator final : public Operator {
 public:
  GraphqlExtractOperator(GraphqlPlan plan, SchemaPtr schema) : plan_(std::move(plan)) {
    output_schemas_.push_back(std::move(schema));
  }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    if (output_schemas_[0]->num_fields() == 0) {
      return Status::InvalidArgument("extract.graphql was bound without the API; give 'columns'");
    }
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, plan_.connection, {"http", "rest"}));
    LD_ASSIGN_OR_RETURN(HttpAuth auth, HttpAuth::FromConnection(config));
    pager_ = std::make_unique<GraphqlPager>(plan_, config, std::move(auth), ctx.cancelled);
    return Status::OK();
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (pager_->done()) return false;
    LD_ASSIGN_OR_RETURN(auto records, pager_->Next());
    LD_ASSIGN_OR_RETURN(BatchPtr batch, JsonRecordsToBatch(records, output_schemas_[0], total_));
    total_ += batch->num_rows();
    if (batch->num_rows() > 0 || pager_->pages() == 1) LD_RETURN_IF_ERROR(out.Emit(std::move(batch)));
    if (pager_->done()) {
      ctx_->Log(LogLevel::kInfo, "read " + std::to_string(total_) + " records in " + std::to_string(pager_->pages()) + " pages");
    }
    return !pager_->done();
  }

 private:
  GraphqlPlan plan_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<GraphqlPager> pager_;
  int64_t total_ = 0;
};

// True when `query` mentions the variable `$name` (as a whole name, not a prefix of another).
bool MentionsVariable(const std::string& query, const std::string& name) {
  const std::string needle = "$" + name;
  for (size_t at = query.find(needle); at != std::string::npos; at = query.find(needle, at + 1)) {
    size_t end = at + needle.size();
    if (end == query.size() || !(std::isalnum(static_cast<unsigned char>(query[end])) || query[end] == '_')) return true;
  }
  return false;
}

Result<GraphqlPlan> ReadPlan(const nlohmann::json& cfg) {
  GraphqlPlan p;
  p.connection = cfg.value("connection", std::string());
  if (p.connection.empty()) return ConfigError("/connection", "a connection name is required");
  p.path = cfg.value("path", p.path);
  if (!p.path.empty() && p.path.front() != '/') p.path = "/" + p.path;
  p.query = cfg.value("query", std::string());
  if (p.query.find_first_not_of(" \t\r\n") == std::string::npos) return ConfigError("/query", "a GraphQL query is required");
  p.operation_name = cfg.value("operation_name", std::string());
  if (cfg.contains("variables")) {
    if (!cfg["variables"].is_object()) return ConfigError("/variables", "must be an object of variable name → value");
    p.variables = nlohmann::ordered_json::parse(cfg["variables"].dump());
  }
  if (cfg.contains("headers")) {
    for (const auto& [k, v] : cfg["headers"].items()) {
      if (!v.is_string()) return ConfigError("/headers/" + k, "must be a string");
      p.headers.push_back(k + ": " + v.get<std::string>());
    }
  }
  p.record_path = cfg.value("record_path", std::string());
  if (p.record_path.empty() || p.record_path.front() == '.' || p.record_path.back() == '.' ||
      p.record_path.find("..") != std::string::npos) {
    return ConfigError("/record_path", "a dotted path inside `data` is required, e.g. orders.edges.node");
  }
  if (cfg.contains("pagination")) {
    const auto& g = cfg["pagination"];
    const std::string type = g.value("type", std::string("none"));
    if (type != "none" && type != "relay") return ConfigError("/pagination/type", "must be none or relay, not '" + type + "'");
    p.relay = type == "relay";
    p.cursor_variable = g.value("cursor_variable", p.cursor_variable);
    p.page_info_path = g.value("page_info_path", std::string());
    p.max_pages = g.value("max_pages", p.max_pages);
  }
  if (p.page_info_path.empty()) p.page_info_path = DefaultPageInfoPath(p.record_path);
  if (p.relay && !MentionsVariable(p.query, p.cursor_variable)) {
    return ConfigError("/pagination/cursor_variable", "relay pagination sends the cursor as $" + p.cursor_variable +
                                                          ", which the query does not use (declare it, e.g. query($" +
                                                          p.cursor_variable + ": String) and pass it as `after:`)");
  }
  p.client = HttpClientOptions::FromConfig(cfg);
  return p;
}

Result<std::unique_ptr<Operator>> BindGraphqlExtract(const BindContext& ctx) {
  LD_ASSIGN_OR_RETURN(GraphqlPlan plan, ReadPlan(ctx.cfg()));
  return BindJsonApiExtract<GraphqlExtractOperator, GraphqlPager>(ctx, std::move(plan));
}

nlohmann::json PaginationSchema() {
  return {{"type", "object"},
          {"title", "Pagination"},
          {"description", "How to reach the next page."},
          {"additionalProperties", false},
          {"properties",
           {{"type", {{"type", "string"}, {"title", "Kind"}, {"enum", {"none", "relay"}}, {"default", "none"},
                      {"description", "relay: pass pageInfo.endCursor as the cursor variable while pageInfo.hasNextPage is true."}}},
            {"cursor_variable", {{"type", "string"}, {"title", "Cursor variable"}, {"default", "after"}, {"minLength", 1},
                                 {"description", "The query variable that receives the cursor (declared in the query, e.g. $after: String)."}}},
            {"page_info_path", {{"type", "string"}, {"title", "pageInfo path"}, {"default", ""},
                                {"description", "Dotted path of pageInfo inside data; empty = beside the record path's edges or nodes (orders.edges.node → orders.pageInfo)."}}},
            {"max_pages", {{"type", "integer"}, {"title", "Max pages"}, {"minimum", 1}, {"default", 100000},
                           {"description", "Stop after this many pages."}}}}}};
}

}  // namespace

constexpr const char* kGraphqlExtractDetails = R"md(**Request.** Each page is one `POST` of `{"query", "variables", "operationName"}` as JSON to the connection's base URL + `path`, with `Accept: application/graphql-response+json, application/json`. Pipeline parameters written `${name}` are substituted into every string of the config; put them in `variables` (`{"since": "${start_date}"}`), where they stay values, rather than into the query text, where they would be parsed as GraphQL.

**Records.** `record_path` is dotted field names inside `data`; a list met on the way is walked element by element (`orders.edges.node` yields the node of every edge), null values contribute nothing, and a field missing from the answer fails the run naming it (select it in the query). Nested objects become dotted columns (`customer.city`), lists stay JSON text; the schema is inferred from the first page unless `columns` gives it. One page is one batch.

**Pagination.** `relay` reads `pageInfo { hasNextPage endCursor }` (by default beside the `edges` or `nodes` field of `record_path`: `orders.edges.node` → `orders.pageInfo`) and sends `endCursor` as the `cursor_variable` (default `after`, which the query must declare) until `hasNextPage` is false or `max_pages` pages were read. The page size is whatever the query asks for (`first: $first` with `variables: {"first": 100}`). A server that returns the cursor it was sent fails the run instead of looping.

**Errors.** An answer with a non-empty `errors` array fails the run, **also when it carries partial data**: a load would otherwise miss rows without anyone noticing. The message names the node, the page and every error (up to five): `node 'orders': extract.graphql page 3: the GraphQL server answered 1 error: "order 2 cannot be read" at path orders.edges.1.node.broken, line 1 column 47 (ORDER_LOCKED)`. A query the server rejects (HTTP 400/422 with `errors`) is InvalidArgument, 401 Unauthenticated, 403 PermissionDenied.

**Authentication, retries and safety** are those of [extract.http](extract.http.md): the connection's bearer, basic, API key or OAuth2 credentials (sent only to its own origin; an OAuth2 token is refreshed once on a 401); network errors, timeouts, 429 and 5xx retried with exponential backoff and jitter, honouring `Retry-After`; `max_response_mb`, `timeout_seconds`, `rate_limit_per_second`; on the server every address is checked against the organization's egress policy ([deployment](../deployment.md#egress)).

```json
{"id": "orders", "module": "extract.graphql",
 "config": {"connection": "shop", "record_path": "orders.edges.node",
   "query": "query($first: Int!, $after: String) { orders(first: $first, after: $after) { edges { node { id total customer { name } } } pageInfo { hasNextPage endCursor } } }",
   "variables": {"first": 200}, "pagination": {"type": "relay"}}}
```)md";

ModuleDescriptor GraphqlExtractModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kExtract;
  d.name = "graphql";
  d.connection_types = {"http", "rest"};
  d.summary = "Reads records from a GraphQL API.";
  d.description =
      "Sends a GraphQL query with variables to the endpoint of an HTTP connection (its authentication, retries and "
      "egress rules are those of extract.http), turns the records at `record_path` inside `data` into rows and "
      "follows relay cursor pagination (`pageInfo { hasNextPage endCursor }` → `$after`). Any entry in the answer's "
      "`errors` array fails the run with its message, path and locations.";
  d.category = "apis";
  d.icon = "api";
  d.outputs = {{"out", "One row per record"}};
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                      {"description", "Name of a saved HTTP connection (base URL and authentication)."}}},
      {"path", {{"type", "string"}, {"title", "Endpoint path"}, {"default", "/graphql"},
                {"description", "Path of the GraphQL endpoint after the base URL."}}},
      {"query", {{"type", "string"}, {"title", "Query"}, {"minLength", 1},
                 {"description", "The GraphQL query document; pass values as variables rather than pasting them into it."}}},
      {"operation_name", {{"type", "string"}, {"title", "Operation name"}, {"default", ""},
                          {"description", "The operation to run when the document holds several."}}},
      {"variables", {{"type", "object"}, {"title", "Variables"}, {"default", nlohmann::json::object()},
                     {"description", "Variable name → value (JSON)."}}},
      {"headers", {{"type", "object"}, {"title", "Headers"}, {"additionalProperties", {{"type", "string"}}},
                   {"default", nlohmann::json::object()}, {"description", "Extra request headers."}}},
      {"record_path", {{"type", "string"}, {"title", "Record path"}, {"minLength", 1},
                       {"description", "Dotted path of the records inside data, e.g. orders.edges.node."}}},
      {"columns", {{"type", "object"}, {"title", "Columns"}, {"additionalProperties", {{"type", "string"}}},
                   {"default", nlohmann::json::object()},
                   {"description", "Column name → type (int64, float64, string, bool, date, timestamp, decimal(p,s)); empty = infer from the first page."}}},
      {"pagination", PaginationSchema()},
  };
  props.update(HttpClientOptions::ConfigProperties());
  d.config_schema = {{"type", "object"}, {"required", {"connection", "query", "record_path"}}, {"additionalProperties", false},
                     {"properties", props}};
  d.factory = BindGraphqlExtract;
  d.description += "\n\n";
  d.description += kGraphqlExtractDetails;
  return d;
}

}  // namespace logidata
