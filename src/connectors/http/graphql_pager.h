// GraphqlPager: walks the pages of one extract.graphql run. Each Next() POSTs the query with its
// variables to the connection's GraphQL endpoint (through HttpClient, so the REST connector's
// retries, timeouts, size limit and egress policy apply, and HttpAuth, so its credentials go only
// to its own origin), reads the answer and returns the records at the record path. Relay cursor
// pagination sets the cursor variable to pageInfo.endCursor while pageInfo.hasNextPage is true.
//
// Rule for errors: an answer whose `errors` array is not empty fails the page, even when it
// carries partial `data` — rows silently missing from a load are worse than a failed run. The
// message lists each error's message, path, locations and extensions.code.
//
// Only the current page's document is kept (until the next call). Not thread-safe.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/http/http_auth.h"
#include "connectors/http/http_client.h"
#include "module/connection.h"

namespace logidata {

struct GraphqlPlan {
  std::string connection;
  std::string path = "/graphql";  // after the connection's base URL
  std::string query;
  std::string operation_name;
  nlohmann::ordered_json variables = nlohmann::ordered_json::object();
  std::vector<std::string> headers;  // "Name: value"
  std::string record_path;           // dotted, inside `data`
  bool relay = false;                // cursor pagination through pageInfo
  std::string cursor_variable = "after";
  std::string page_info_path;  // dotted, inside `data`
  int64_t max_pages = 100000;
  HttpClientOptions client;
};

class GraphqlPager {
 public:
  GraphqlPager(const GraphqlPlan& plan, const ConnectionConfig& connection, HttpAuth auth,
               const std::atomic<bool>* cancelled);

  bool done() const { return done_; }
  int pages() const { return pages_; }

  // Fetches the next page; the records point into its document, kept until the next call.
  // REQUIRES: !done().
  Result<std::vector<const nlohmann::ordered_json*>> Next();

 private:
  Result<HttpClientResponse> Send();
  // The answer's `data`, or the error its status and `errors` array describe.
  Result<const nlohmann::ordered_json*> ReadAnswer(const HttpClientResponse& response);
  // Moves the cursor variable to the next page, or marks the walk done.
  Status Advance(const nlohmann::ordered_json& data);
  std::string Where() const;

  const GraphqlPlan& plan_;
  std::string url_;
  HttpAuth auth_;
  HttpClient client_;
  nlohmann::ordered_json variables_;
  nlohmann::ordered_json doc_;
  int pages_ = 0;
  bool done_ = false;
};

}  // namespace logidata
