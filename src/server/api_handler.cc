#include "server/api_handler.h"

#include <cerrno>
#include <chrono>
#include <cmath>

#include <spdlog/spdlog.h>

#include "auth/token_codec.h"
#include "common/log_context.h"
#include "metadata/database.h"
#include "server/json_body.h"
#include "server/gzip.h"
#include "server/server_metrics.h"

namespace logidata {
namespace {

bool SaneRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool Compressible(const std::string& content_type) {
  return content_type.rfind("application/json", 0) == 0 || content_type.rfind("application/problem+json", 0) == 0 ||
         content_type.rfind("text/", 0) == 0 || content_type.rfind("image/svg", 0) == 0;
}

std::string JsonEscape(const std::string& s) {
  std::string quoted = nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted;
}

}  // namespace

ApiHandler::ApiHandler(ApiServices services, const Router* router, ApiHandlerOptions options,
                       std::shared_ptr<spdlog::logger> access_log)
    : services_(std::move(services)),
      router_(router),
      options_(std::move(options)),
      static_files_(options_.web_root),
      limiter_(options_.rate_limit),
      access_log_(std::move(access_log)) {}

bool ApiHandler::IsSlow(const HttpRequest& request) const {
  if (request.method != "POST") return false;
  auto match = router_->Find(request.method, request.path);
  return match.route != nullptr && match.route->slow;
}

HttpResponse ApiHandler::Handle(HttpRequest& request) {
  auto start = std::chrono::steady_clock::now();
  const std::string& incoming = request.Header("x-request-id");
  request.request_id = SaneRequestId(incoming) ? incoming : RandomToken(12);
  ScopedLogContext log_context({.request_id = request.request_id});  // on every line logged meanwhile
  std::string user;
  HttpResponse response;
  try {
    response = Dispatch(request, user);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", request.request_id, request.method, request.path, e.what());
    response = HttpResponse::Problem(500, "", "internal error");
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Finish(request, response, user, seconds);
  return response;
}

HttpResponse ApiHandler::Reject(HttpRequest& request, int status, const std::string& detail) {
  request.request_id = RandomToken(12);
  if (request.method.empty()) request.method = "-";
  HttpResponse response = HttpResponse::Problem(status, "", detail);
  response.route = "rejected";
  Finish(request, response, "", 0);
  return response;
}

HttpResponse ApiHandler::Dispatch(HttpRequest& request, std::string& user) {
  const std::string& origin = request.Header("origin");
  bool is_api = request.path.rfind("/api/", 0) == 0;
  if (request.method == "OPTIONS") {
    HttpResponse r = HttpResponse::NoContent();
    r.route = "preflight";
    if (origin.empty() || !options_.cors_origins.count(origin)) {
      r = HttpResponse::Problem(403, "", "origin not allowed");
      r.route = "preflight";
      return r;
    }
    r.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    r.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Organization, X-Request-Id");
    r.headers.emplace_back("Access-Control-Max-Age", "600");
    return r;
  }

  auto match = router_->Find(request.method, request.path);
  if (match.route == nullptr) {
    if (match.path_matched) {
      HttpResponse r = HttpResponse::Problem(405, "", "method " + request.method + " not allowed on " + request.path);
      r.route = "unmatched";
      return r;
    }
    if (!is_api && (request.method == "GET" || request.method == "HEAD")) {
      auto file = static_files_.Serve(request.path);
      HttpResponse r = file ? std::move(*file) : HttpResponse::Problem(404, "", "not found");
      r.route = "static";
      return r;
    }
    HttpResponse r = HttpResponse::Problem(404, "", "no such endpoint: " + request.method + " " + request.path);
    r.route = "unmatched";
    return r;
  }
  const Route& route = *match.route;
  request.params = std::move(match.params);

  auto finish = [&](HttpResponse r) {
    r.route = route.pattern;
    return r;
  };

  // Without valid credentials the client address is the principal; checked before the route's
  // work (hashing a password) or after a failed authentication, so neither floods for free.
  const bool limited = is_api && limiter_.enabled();
  if (limited && route.access == Access::kPublic) {
    if (auto refused = Throttle("address:" + request.remote_address)) return finish(std::move(*refused));
  }
  Caller caller;
  if (route.access != Access::kPublic) {
    auto auth = services_.auth->Authenticate(request.Header("authorization"), request.Header("x-organization"));
    if (!auth.ok()) {
      if (limited) {
        if (auto refused = Throttle("address:" + request.remote_address)) return finish(std::move(*refused));
      }
      HttpResponse r = HttpResponse::FromStatus(auth.status());
      if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return finish(std::move(r));
    }
    caller = std::move(auth).value();
    user = caller.Actor();
    if (limited) {
      if (auto refused = Throttle(caller.api_key_id.empty() ? "user:" + caller.user_id : "key:" + caller.api_key_id)) {
        return finish(std::move(*refused));
      }
    }
    // Enforced here, not only in the UI: a temporary password opens nothing but changing it.
    if (caller.must_change_password && route.pattern != "/api/v1/me" && route.pattern != "/api/v1/me/password") {
      return finish(HttpResponse::Problem(403, "", "password change required: set your own password first "
                                                   "(POST /api/v1/me/password)"));
    }
    if (route.access != Access::kUser) {
      if (caller.org_id.empty()) return finish(HttpResponse::Problem(404, "", "organization not found"));
      int needed = static_cast<int>(route.access) - static_cast<int>(Access::kViewer) + 1;
      if (static_cast<int>(caller.role) < needed) {
        return finish(HttpResponse::Problem(403, "", "this action needs a higher role than " +
                                                         std::string(RoleName(caller.role))));
      }
    }
  }

  for (const QueryParam& q : route.query) {
    auto it = request.query.find(q.name);
    if (it == request.query.end() || q.type != "integer") continue;
    const std::string& v = it->second;
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || n < 0 || n > 1000000000) {
      return finish(HttpResponse::Problem(400, "", "query parameter '" + q.name + "' must be a non-negative integer",
                                          {{{"field", "?" + q.name}, {"message", "must be a non-negative integer"}}}));
    }
  }

  nlohmann::json body = nullptr;
  if (!route.body_schema.is_null()) {
    const std::string& ct = request.Header("content-type");
    bool blank = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!blank && !ct.empty() && ct.find("json") == std::string::npos) {
      return finish(HttpResponse::Problem(415, "", "request body must be application/json"));
    }
    auto parsed = ParseJsonBody(request.body, route.body_schema);
    if (!parsed.ok()) return finish(HttpResponse::FromStatus(parsed.status()));
    body = std::move(parsed).value();
  }
  HttpResponse r = route.handler(request, caller, body);
  return finish(std::move(r));
}

std::optional<HttpResponse> ApiHandler::Throttle(const std::string& principal) {
  double wait = limiter_.Take(principal);
  if (wait <= 0) return std::nullopt;
  const auto seconds = static_cast<int64_t>(std::ceil(wait));
  HttpResponse r = HttpResponse::Problem(
      429, "", fmt::format("rate limit exceeded: at most {:g} requests per second (bursts of {:g}); retry in {} s",
                           options_.rate_limit.per_second, options_.rate_limit.burst, seconds));
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

void ApiHandler::Finish(const HttpRequest& request, HttpResponse& response, const std::string& user, double seconds) {
  auto& h = response.headers;
  h.emplace_back("X-Request-Id", request.request_id);
  h.emplace_back("X-Content-Type-Options", "nosniff");
  h.emplace_back("X-Frame-Options", "DENY");
  h.emplace_back("Referrer-Policy", "no-referrer");
  h.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  h.emplace_back("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: "
                 "wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  bool has_cache_control = false;
  for (const auto& [k, v] : h) has_cache_control = has_cache_control || k == "Cache-Control";
  if (!has_cache_control) h.emplace_back("Cache-Control", "no-store");
  const std::string& origin = request.Header("origin");
  if (!origin.empty() && options_.cors_origins.count(origin)) {
    h.emplace_back("Access-Control-Allow-Origin", origin);
    h.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, Content-Disposition");
    h.emplace_back("Vary", "Origin");
  }
  if (options_.gzip && response.body.size() >= 1024 && Compressible(response.content_type) &&
      AcceptsGzip(request.Header("accept-encoding"))) {
    if (auto z = GzipCompress(response.body)) {
      response.body = std::move(*z);
      h.emplace_back("Content-Encoding", "gzip");
      h.emplace_back("Vary", "Accept-Encoding");
    }
  }
  if (request.method == "HEAD") response.body.clear();
  if (services_.metrics) {
    services_.metrics->RecordRequest(request.method, response.route.empty() ? "unmatched" : response.route,
                                     response.status, seconds);
  }
  if (access_log_) {
    // Only the path is logged: query strings and bodies may carry secrets.
    access_log_->info(
        "{{\"ts\":\"{}\",\"request_id\":\"{}\",\"method\":{},\"path\":{},\"route\":{},\"status\":{},"
        "\"duration_ms\":{:.3f},\"bytes\":{},\"remote\":{},\"user\":{}}}",
        NowIso8601(), request.request_id, JsonEscape(request.method), JsonEscape(request.path),
        JsonEscape(response.route), response.status, seconds * 1000, response.body.size(),
        JsonEscape(request.remote_address), JsonEscape(user));
  }
}

}  // namespace logidata
