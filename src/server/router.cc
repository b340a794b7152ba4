#include "server/router.h"

namespace logidata {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void Router::Add(Route route) {
  compiled_.push_back({SplitPath(route.pattern)});
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match best;
  auto segments = SplitPath(path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = compiled_[i].segments;
    if (pattern.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    // Literal segments win over parameters ("/pipelines/import" before "/pipelines/{id}"):
    // routes are registered literal-first, and the first full match is taken.
    for (size_t s = 0; s < pattern.size() && ok; ++s) {
      const std::string& p = pattern[s];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = segments[s];
      } else if (p != segments[s]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (routes_[i].method != method) {
      best.path_matched = true;
      continue;
    }
    best.route = &routes_[i];
    best.params = std::move(params);
    return best;
  }
  return best;
}

nlohmann::json Router::OpenApi(const std::string& version) const {
  using json = nlohmann::json;
  json problem_ref = {{"$ref", "#/components/schemas/Problem"}};
  json paths = json::object();
  for (const Route& r : routes_) {
    json op;
    op["summary"] = r.summary;
    op["tags"] = json::array({r.tag});
    op["operationId"] = r.method + " " + r.pattern;
    json params = json::array();
    for (const auto& seg : SplitPath(r.pattern)) {
      if (seg.size() > 2 && seg.front() == '{') {
        params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}}});
      }
    }
    for (const auto& q : r.query) {
      params.push_back({{"name", q.name},
                        {"in", "query"},
                        {"required", false},
                        {"description", q.description},
                        {"schema", {{"type", q.type}}}});
    }
    if (r.access != Access::kPublic && r.access != Access::kUser) {
      params.push_back({{"name", "X-Organization"},
                        {"in", "header"},
                        {"required", false},
                        {"description", "Organization id; default: the caller's first organization"},
                        {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.body_schema.is_null()) {
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", r.body_schema}}}}}};
    }
    json responses = json::object();
    std::string ok = std::to_string(r.success_status);
    responses[ok] = {{"description", r.success_status == 204 ? "No content" : "Success"}};
    if (r.success_status != 204) responses[ok]["content"] = {{"application/json", {{"schema", json::object()}}}};
    auto problem = [&](const char* desc) {
      return json{{"description", desc}, {"content", {{"application/problem+json", {{"schema", problem_ref}}}}}};
    };
    if (!r.body_schema.is_null() || !r.query.empty()) responses["400"] = problem("Invalid input; errors name the fields");
    if (r.access != Access::kPublic) {
      responses["401"] = problem("Missing, expired or invalid credentials");
      op["security"] = json::array({{{"bearer", json::array()}}});
    } else {
      op["security"] = json::array();
    }
    if (r.access == Access::kDeveloper || r.access == Access::kAdmin) responses["403"] = problem("Role too low");
    responses["404"] = problem("Not found (also for other organizations' objects)");
    if (!r.body_schema.is_null()) responses["413"] = problem("Body too large");
    op["responses"] = responses;
    json access_names = {"public", "user", "viewer", "developer", "admin"};
    op["x-required-role"] = access_names[static_cast<int>(r.access)];
    std::string lower = r.method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.pattern][lower] = op;
  }
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Logidata API"},
        {"version", version},
        {"description", "REST API of the Logidata platform. Errors are application/problem+json."}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"bearer",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"bearerFormat", "JWT access token or ld_ API key"}}}}},
        {"schemas",
         {{"Problem",
           {{"type", "object"},
            {"properties",
             {{"type", {{"type", "string"}}},
              {"title", {{"type", "string"}}},
              {"status", {{"type", "integer"}}},
              {"detail", {{"type", "string"}}},
              {"errors",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties", {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}}}}};
}

}  // namespace logidata
