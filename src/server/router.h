// Router: the table of API routes. Each route declares its method, path pattern
// ("/api/v1/pipelines/{id}"), who may call it, the JSON Schema of its body and query parameters,
// and its handler. The dispatcher checks all of that before a handler runs, and the OpenAPI
// document is generated from the same table, so documentation and behaviour cannot drift.
// Filled once at start-up, then read-only: Match is thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/auth_service.h"
#include "server/http_types.h"

namespace logidata {

enum class Access {
  kPublic,     // no credentials
  kUser,       // any signed-in user (organization optional)
  kViewer,     // member of the organization with at least this role
  kDeveloper,
  kAdmin,
};

struct QueryParam {
  std::string name;
  std::string type = "string";  // string | integer
  std::string description;
};

using RouteHandler = std::function<HttpResponse(const HttpRequest&, const Caller&, const nlohmann::json& body)>;

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::kViewer;
  std::string tag;
  std::string summary;
  nlohmann::json body_schema = nullptr;  // null: the route takes no body
  std::vector<QueryParam> query;
  int success_status = 200;
  bool slow = false;  // may run for long: dispatched off the network threads
  RouteHandler handler;
};

class Router {
 public:
  void Add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    bool path_matched = false;  // a route exists for the path, but not for this method
  };
  Match Find(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

  // The OpenAPI 3.0 document of every route.
  nlohmann::json OpenApi(const std::string& version) const;

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{id}" marks a parameter
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

std::vector<std::string> SplitPath(std::string_view path);

}  // namespace logidata
