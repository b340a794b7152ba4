#include "connectors/http/graphql_pager.h"

#include "common/json_text.h"
#include "connectors/http/graphql_response.h"

namespace logidata {

namespace {

HttpClientOptions WithRunContext(HttpClientOptions o, const std::atomic<bool>* cancelled, const EgressPolicy* egress) {
  o.cancelled = cancelled;
  o.egress = egress;
  return o;
}

// The error for an answer with a 4xx status: the codes HttpClient gives the same statuses.
Status StatusForHttp(long status, const std::string& message) {
  if (status == 401) return Status::Unauthenticated(message);
  if (status == 403) return Status::PermissionDenied(message);
  return Status::InvalidArgument(message);
}

}  // namespace

GraphqlPager::GraphqlPager(const GraphqlPlan& plan, const ConnectionConfig& connection, HttpAuth auth,
                           const std::atomic<bool>* cancelled)
    : plan_(plan),
      url_(HttpBaseUrl(connection) + plan.path),
      auth_(std::move(auth)),
      client_(WithRunContext(plan.client, cancelled, connection.egress)),
      variables_(plan.variables) {}

std::string GraphqlPager::Where() const { return "extract.graphql page " + std::to_string(pages_ + 1); }

Result<HttpClientResponse> GraphqlPager::Send() {
  nlohmann::ordered_json body = {{"query", plan_.query}, {"variables", variables_}};
  if (!plan_.operation_name.empty()) body["operationName"] = plan_.operation_name;
  HttpClientRequest req;
  req.method = "POST";
  req.url = url_;
  req.headers = plan_.headers;
  req.headers.push_back("Content-Type: application/json");
  // graphql-response+json first: servers that speak it answer a rejected query with a 4xx and an
  // `errors` array; older servers answer application/json.
  req.headers.push_back("Accept: application/graphql-response+json, application/json;q=0.9");
  req.body = body.dump();
  // A rejected query (400, 422) or credentials (401, 403) come back with an `errors` array that
  // names the problem better than a body excerpt; ReadAnswer turns them into errors.
  req.answered_statuses = {400, 401, 403, 422};
  return SendWithAuth(client_, auth_, std::move(req));
}

Result<const nlohmann::ordered_json*> GraphqlPager::ReadAnswer(const HttpClientResponse& response) {
  // A remote API is untrusted input: records are walked recursively, so an answer nested 100,000
  // levels deep would overflow a run thread's stack.
  if (auto deep = FindJsonTooDeep(response.body)) {
    return Status::DataError(Where() + ": the answer is JSON " + deep->reason + " (line " + std::to_string(deep->line) +
                             ", column " + std::to_string(deep->column) + ")");
  }
  doc_ = nlohmann::ordered_json::parse(response.body, nullptr, false);
  const bool rejected = response.status >= 400;
  if (doc_.is_discarded() || !doc_.is_object()) {
    std::string excerpt = response.body.substr(0, 200);
    if (rejected) return StatusForHttp(response.status, Where() + ": HTTP " + std::to_string(response.status) + ": " + excerpt);
    return Status::DataError(Where() + ": the answer is not a GraphQL JSON object: " + excerpt);
  }
  auto errors = doc_.find("errors");
  auto data = doc_.find("data");
  const bool has_data = data != doc_.end() && !data->is_null();
  if (errors != doc_.end() && errors->is_array() && !errors->empty()) {
    std::string message = Where() + ": the GraphQL server answered " + DescribeGraphqlErrors(*errors);
    if (rejected) return StatusForHttp(response.status, message + " (HTTP " + std::to_string(response.status) + ")");
    if (has_data) message += " — with partial data; extract.graphql fails on any error rather than load incomplete rows";
    return Status::DataError(message);
  }
  if (rejected) return StatusForHttp(response.status, Where() + ": HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 200));
  if (!has_data) return Status::DataError(Where() + ": the answer has neither `data` nor `errors`");
  return &*data;
}

Result<std::vector<const nlohmann::ordered_json*>> GraphqlPager::Next() {
  auto response = Send();
  if (!response.ok()) return response.status().WithContext(Where());
  LD_ASSIGN_OR_RETURN(const nlohmann::ordered_json* data, ReadAnswer(*response));
  auto records = FindGraphqlRecords(*data, plan_.record_path);
  if (!records.ok()) return records.status().WithContext(Where());
  LD_RETURN_IF_ERROR(Advance(*data));
  ++pages_;
  return records;
}

Status GraphqlPager::Advance(const nlohmann::ordered_json& data) {
  if (!plan_.relay || pages_ + 1 >= plan_.max_pages) {
    done_ = true;
    return Status::OK();
  }
  const nlohmann::ordered_json* info = GraphqlObjectAt(data, plan_.page_info_path);
  if (info == nullptr) {
    return Status::DataError(Where() + ": no pageInfo object at '" + plan_.page_info_path +
                             "' (select pageInfo { hasNextPage endCursor } there, or set pagination.page_info_path)");
  }
  auto more = info->find("hasNextPage");
  if (more == info->end() || !more->is_boolean()) {
    return Status::DataError(Where() + ": '" + plan_.page_info_path + ".hasNextPage' is missing or not a boolean");
  }
  if (!more->get<bool>()) {
    done_ = true;
    return Status::OK();
  }
  auto cursor = info->find("endCursor");
  if (cursor == info->end() || !cursor->is_string() || cursor->get<std::string>().empty()) {
    return Status::DataError(Where() + ": hasNextPage is true but '" + plan_.page_info_path +
                             ".endCursor' is missing or empty");
  }
  // A server that hands back the cursor it was given would be paged forever.
  auto previous = variables_.find(plan_.cursor_variable);
  if (previous != variables_.end() && *previous == *cursor) {
    return Status::DataError(Where() + ": the server returned the same endCursor it was sent (" + cursor->get<std::string>() +
                             "); stopping instead of requesting the same page again");
  }
  variables_[plan_.cursor_variable] = *cursor;
  return Status::OK();
}

}  // namespace logidata
