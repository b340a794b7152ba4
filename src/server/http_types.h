// HttpRequest / HttpResponse: the server's own, Beast-free view of one HTTP exchange, so route
// handlers compile fast and can be tested without sockets. Value types; thread-compatible.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace logidata {

struct HttpRequest {
  std::string method;   // "GET", "POST", …
  std::string target;   // raw target: "/api/v1/pipelines?q=x"
  std::string path;     // decoded path without the query
  std::map<std::string, std::string> query;    // decoded query parameters (last one wins)
  std::map<std::string, std::string> params;   // path parameters filled by the router
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string request_id;
  std::string remote_address;

  // The header's value or "" (names are matched lower-case).
  const std::string& Header(std::string_view lower_name) const;
  const std::string& Param(const std::string& name) const;
  // The query parameter or `fallback`.
  std::string Query(const std::string& name, const std::string& fallback = "") const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string route;  // the matched route pattern, for metrics and logs

  static HttpResponse Json(int status, const nlohmann::json& body);
  static HttpResponse NoContent();
  // An RFC 7807 problem document; `errors` lists {field, message}.
  static HttpResponse Problem(int status, std::string_view title, std::string_view detail,
                              nlohmann::json errors = nlohmann::json::array());
  // Maps a Status to a problem: InvalidArgument 400, Unauthenticated 401, PermissionDenied 403,
  // NotFound 404, AlreadyExists/Conflict 409, ResourceExhausted 413, Unavailable 503, else 500.
  // A message starting with a JSON pointer ("/name: must be a string") names the field.
  static HttpResponse FromStatus(const Status& status);
};

std::string UrlDecode(std::string_view text, bool plus_as_space);
// Splits "a=1&b=x%20y" into decoded pairs.
std::map<std::string, std::string> ParseQueryString(std::string_view text);

}  // namespace logidata
