// ApiHandler: everything between the socket and a route handler — request ids, CORS (strict
// allow-list), routing, authentication and role checks, body and query checking against the
// route table, problem responses, security headers, gzip, Prometheus metrics and JSON access
// logs; static web files and SPA fallback for everything outside the API. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>

#include <spdlog/logger.h>

#include "server/api_services.h"
#include "server/http_server.h"
#include "server/rate_limiter.h"
#include "server/router.h"
#include "server/static_files.h"

namespace logidata {

struct ApiHandlerOptions {
  std::set<std::string> cors_origins;  // exact origins allowed to call the API from a browser
  std::string web_root;
  bool gzip = true;
  // Per user, API key, or client address for requests without valid credentials; only /api/…
  // is limited (health probes, metrics, docs and web files are not).
  RateLimit rate_limit;
};

class ApiHandler final : public HttpHandler {
 public:
  // `access_log` may be null (no access log).
  ApiHandler(ApiServices services, const Router* router, ApiHandlerOptions options,
             std::shared_ptr<spdlog::logger> access_log);

  HttpResponse Handle(HttpRequest& request) override;
  bool IsSlow(const HttpRequest& request) const override;
  HttpResponse Reject(HttpRequest& request, int status, const std::string& detail) override;

 private:
  HttpResponse Dispatch(HttpRequest& request, std::string& user);
  void Finish(const HttpRequest& request, HttpResponse& response, const std::string& user, double seconds);
  // A 429 problem with Retry-After when `principal` has no token left; nullopt when it may go on.
  std::optional<HttpResponse> Throttle(const std::string& principal);

  ApiServices services_;
  const Router* router_;
  ApiHandlerOptions options_;
  StaticFiles static_files_;
  RateLimiter limiter_;
  std::shared_ptr<spdlog::logger> access_log_;
};

}  // namespace logidata
