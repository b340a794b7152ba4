// Routes: the organization's retention of run data (logs, node metrics, saved previews).
#include "metadata/retention_store.h"
#include "server/route_support.h"

namespace logidata {
namespace {

HttpResponse RetentionJson(Database& db, const std::string& org_id) {
  auto days = LoadRetentionDays(db, org_id);
  if (!days.ok()) return Fail(days.status());
  return HttpResponse::Json(200, {{"retention_days", *days ? nlohmann::json(**days) : nlohmann::json(nullptr)}});
}

}  // namespace

void RegisterRetentionRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  router.Add({"GET", "/api/v1/organization/retention", Access::kAdmin, "organizations",
              "Returns how many days run logs, node metrics and saved previews are kept (null: forever).", nullptr,
              {}, 200, false,
              [db](const HttpRequest&, const Caller& c, const nlohmann::json&) { return RetentionJson(*db, c.org_id); }});
  router.Add({"PUT", "/api/v1/organization/retention", Access::kAdmin, "organizations",
              "Sets the retention of run data in days (1 to 36500; null keeps it forever). Older run logs, node "
              "metrics and saved previews are purged by the scheduler within about ten minutes; runs stay.",
              ObjSchema({{"retention_days", {{"type", {"integer", "null"}}, {"minimum", 1}, {"maximum", kMaxRetentionDays}}}},
                        {"retention_days"}),
              {}, 200, false, [db](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                std::optional<int64_t> days;
                if (b["retention_days"].is_number_integer()) days = b["retention_days"].get<int64_t>();
                Status st = SaveRetentionDays(*db, c.org_id, days, c.Actor());
                return st.ok() ? RetentionJson(*db, c.org_id) : Fail(st);
              }});
}

}  // namespace logidata
