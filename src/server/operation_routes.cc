// Routes: health probes, Prometheus metrics, the OpenAPI document and the API docs page.
#include <mutex>

#include "auth/token_codec.h"
#include "metadata/database.h"
#include "server/docs_page.h"
#include "server/route_support.h"
#include "server/run_queue_gauges.h"
#include "server/server_metrics.h"

namespace logidata {

namespace {

void AddHealthRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  std::string version = s.version;

  router.Add({"GET", "/health", Access::kPublic, "operations", "Reports that the server is up and its database state.",
              nullptr, {}, 200, false, [db, version](const HttpRequest&, const Caller&, const nlohmann::json&) {
                Status st = db->Ping();
                return HttpResponse::Json(st.ok() ? 200 : 503, {{"status", st.ok() ? "ok" : "degraded"},
                                                                {"version", version},
                                                                {"database", st.ok() ? "ok" : "unavailable"}});
              }});
  router.Add({"GET", "/health/live", Access::kPublic, "operations", "Liveness probe: the process answers.", nullptr, {},
              200, false, [](const HttpRequest&, const Caller&, const nlohmann::json&) {
                return HttpResponse::Json(200, {{"status", "ok"}});
              }});
  router.Add({"GET", "/health/ready", Access::kPublic, "operations", "Readiness probe: the database answers.", nullptr,
              {}, 200, false, [db](const HttpRequest&, const Caller&, const nlohmann::json&) {
                Status st = db->Ping();
                if (!st.ok()) return HttpResponse::Problem(503, "", "database unavailable");
                return HttpResponse::Json(200, {{"status", "ready"}});
              }});
}

// /metrics, behind `Authorization: Bearer <--metrics-token>` when one is set. The presented and
// the expected token are compared as HMACs keyed by the token, in constant time, so neither the
// bytes nor the length of the token leak through timing.
void AddMetricsRoute(Router& router, const ApiServices& s) {
  ServerMetrics* metrics = s.metrics;
  Database* db = s.db;
  std::string token = s.metrics_token;
  std::string expected = token.empty() ? "" : HmacSha256(token, token);
  router.Add({"GET", "/metrics", Access::kPublic, "operations",
              "Prometheus metrics in text format (with --metrics-token: needs that bearer token).", nullptr, {}, 200,
              false, [metrics, db, token, expected](const HttpRequest& request, const Caller&, const nlohmann::json&) {
                if (!token.empty()) {
                  const std::string& authorization = request.Header("authorization");
                  std::string_view presented;
                  if (authorization.rfind("Bearer ", 0) == 0) presented = std::string_view(authorization).substr(7);
                  if (!ConstantTimeEquals(HmacSha256(token, presented), expected)) {
                    HttpResponse r = HttpResponse::Problem(401, "", "metrics need the bearer token set by --metrics-token");
                    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"metrics\"");
                    return r;
                  }
                }
                HttpResponse r;
                r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                r.body = metrics->RenderPrometheus();
                if (db != nullptr) AppendRunQueueGauges(*db, r.body);
                return r;
              }});
}

}  // namespace

void RegisterMonitoringRoutes(Router& router, const ApiServices& s) {
  AddHealthRoutes(router, s);
  AddMetricsRoute(router, s);
}

void RegisterOperationRoutes(Router& router, const ApiServices& s) {
  std::string version = s.version;
  AddHealthRoutes(router, s);
  if (s.metrics_on_api) {
    AddMetricsRoute(router, s);
  } else {
    // A plain 404, not the web UI's page (the SPA fallback answers unknown paths with 200), so a
    // scraper still pointed at the API port fails loudly.
    router.Add({"GET", "/metrics", Access::kPublic, "operations",
                "Not served here: metrics are on the --metrics-listen address.", nullptr, {}, 404, false,
                [](const HttpRequest&, const Caller&, const nlohmann::json&) {
                  return HttpResponse::Problem(404, "", "metrics are served on the --metrics-listen address");
                }});
  }
  const Router* table = &router;
  router.Add({"GET", "/api/openapi.json", Access::kPublic, "operations", "The OpenAPI 3 document of this API.", nullptr,
              {}, 200, false, [table, version](const HttpRequest&, const Caller&, const nlohmann::json&) {
                // Built on first use, once every route is registered.
                static std::once_flag once;
                static std::string doc;
                std::call_once(once, [&] { doc = table->OpenApi(version).dump(2); });
                HttpResponse r;
                r.body = doc;
                return r;
              }});
  router.Add({"GET", "/docs", Access::kPublic, "operations", "Interactive API documentation.", nullptr, {}, 200, false,
              [](const HttpRequest&, const Caller&, const nlohmann::json&) {
                HttpResponse r;
                r.content_type = "text/html; charset=utf-8";
                r.body = std::string(DocsHtml());
                return r;
              }});
  router.Add({"GET", "/docs/docs.js", Access::kPublic, "operations", "Script of the API documentation page.", nullptr,
              {}, 200, false, [](const HttpRequest&, const Caller&, const nlohmann::json&) {
                HttpResponse r;
                r.content_type = "text/javascript; charset=utf-8";
                r.body = std::string(DocsScript());
                return r;
              }});
}

}  // namespace logidata
