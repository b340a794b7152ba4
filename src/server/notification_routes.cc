// Routes: notification settings — CRUD (URLs and signing secrets write-only, encrypted at rest,
// shown masked) and a test message.
#include "metadata/audit_log.h"
#include "metadata/pipeline_store.h"
#include "net/egress_policy.h"
#include "notify/notification_setting.h"
#include "notify/run_notifier.h"
#include "server/route_support.h"

namespace logidata {
namespace {

Result<nlohmann::json> LoadJson(Database& db, const std::string& org_id, const std::string& id) {
  auto r = db.Query(std::string("SELECT ") + kNotificationColumns +
                        " FROM notification_settings WHERE id = ? AND org_id = ?",
                    {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("notification setting not found");
  return NotificationRowJson(r->rows[0]);
}

// A setting may only name a pipeline of its own organization.
Status CheckPipeline(Database& db, const NotificationSetting& s) {
  if (s.pipeline_id.empty()) return Status::OK();
  auto p = LoadPipeline(db, s.org_id, s.pipeline_id);
  if (p.ok()) return Status::OK();
  return p.status().code() == StatusCode::kNotFound ? Status::InvalidArgument("/pipeline_id: no such pipeline")
                                                    : p.status();
}

// Creates or updates, with an audit row carrying the masked form only.
HttpResponse Save(Database* db, const SecretBox* box, const Caller& c, NotificationSetting s, const nlohmann::json& before,
                  bool insert) {
  Status st = CheckPipeline(*db, s);
  if (!st.ok()) return Fail(st);
  st = db->Transact([&](DbConnection& conn) -> Status {
    LD_RETURN_IF_ERROR(StoreNotificationSetting(conn, *box, s, c.Actor(), insert));
    auto after = conn.Query(std::string("SELECT ") + kNotificationColumns + " FROM notification_settings WHERE id = ?",
                            {s.id});
    if (!after.ok()) return after.status();
    nlohmann::json after_json = after->rows.empty() ? nlohmann::json(nullptr) : NotificationRowJson(after->rows[0]);
    return WriteAudit(conn, {c.org_id, c.Actor(), insert ? "notification.create" : "notification.update",
                             "notification", s.id, before, after_json});
  });
  if (!st.ok()) return Fail(st);
  auto out = LoadJson(*db, c.org_id, s.id);
  return out.ok() ? HttpResponse::Json(insert ? 201 : 200, *out) : Fail(out.status());
}

}  // namespace

void RegisterNotificationRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  const SecretBox* box = s.secrets;
  RunNotifier* notifier = s.notifier;

  router.Add({"GET", "/api/v1/notifications", Access::kViewer, "notifications",
              "Lists notification settings (URLs masked, secrets never shown); ?pipeline_id filters.", nullptr,
              {{"pipeline_id", "string", "only the settings of this pipeline"}}, 200, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                std::string sql = std::string("SELECT ") + kNotificationColumns +
                                  " FROM notification_settings WHERE org_id = ?";
                DbParams params = {c.org_id};
                std::string pipeline = req.Query("pipeline_id");
                if (!pipeline.empty()) {
                  sql += " AND pipeline_id = ?";
                  params.push_back(pipeline);
                }
                auto r = db->Query(sql + " ORDER BY created_at, id", params);
                if (!r.ok()) return Fail(r.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& row : r->rows) items.push_back(NotificationRowJson(row));
                return HttpResponse::Json(200, {{"items", items}});
              }});
  router.Add({"POST", "/api/v1/notifications", Access::kDeveloper, "notifications",
              "Creates a notification setting (email, webhook or Slack) for the organization or one pipeline.",
              NotificationBodySchema(true), {}, 201, false,
              [db, box](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                NotificationSetting setting;
                setting.id = NewId();
                setting.org_id = c.org_id;
                Status st = ApplyNotificationBody(b, setting);
                if (!st.ok()) return Fail(st);
                return Save(db, box, c, std::move(setting), nullptr, true);
              }});
  router.Add({"GET", "/api/v1/notifications/{id}", Access::kViewer, "notifications",
              "Returns a notification setting (URL masked).", nullptr, {}, 200, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto out = LoadJson(*db, c.org_id, req.Param("id"));
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"PUT", "/api/v1/notifications/{id}", Access::kDeveloper, "notifications",
              "Updates a notification setting; omit `url` or `secret` to keep them, `secret: null` removes it.",
              NotificationBodySchema(false), {}, 200, false,
              [db, box](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                auto setting = LoadNotificationSetting(*db, *box, c.org_id, req.Param("id"));
                if (!setting.ok()) return Fail(setting.status());
                auto before = LoadJson(*db, c.org_id, req.Param("id"));
                if (!before.ok()) return Fail(before.status());
                std::string old_channel = setting->channel;
                Status st = ApplyNotificationBody(b, *setting);
                if (st.ok() && setting->channel != old_channel && setting->channel != "email" && !b.contains("url")) {
                  st = Status::InvalidArgument("/url: changing the channel needs a new URL");
                }
                if (!st.ok()) return Fail(st);
                return Save(db, box, c, std::move(setting).value(), *before, false);
              }});
  router.Add({"DELETE", "/api/v1/notifications/{id}", Access::kDeveloper, "notifications",
              "Deletes a notification setting.", nullptr, {}, 204, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                const std::string& id = req.Param("id");
                auto before = LoadJson(*db, c.org_id, id);
                if (!before.ok()) return Fail(before.status());
                return DeleteAudited(*db, c, "notification_settings", "notification", id, *before);
              }});
  router.Add({"POST", "/api/v1/notifications/{id}/test", Access::kDeveloper, "notifications",
              "Sends a test message to the setting now (one attempt); answers {ok, error}.", nullptr, {}, 200, true,
              [db, box, notifier](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto setting = LoadNotificationSetting(*db, *box, c.org_id, req.Param("id"));
                if (!setting.ok()) return Fail(setting.status());
                if (!notifier) return Fail(Status::Unavailable("notifications are not enabled in this process"));
                Status st = notifier->SendTest(*setting);
                (void)WriteAudit(*db, {c.org_id, c.Actor(), "notification.test", "notification", setting->id, nullptr,
                                       {{"ok", st.ok()}}});
                if (IsEgressRefusal(st)) return Fail(st);  // the setting points where it may not: a 403
                nlohmann::json out = {{"ok", st.ok()}};
                out["error"] = st.ok() ? nlohmann::json(nullptr) : nlohmann::json(st.message());
                return HttpResponse::Json(200, out);
              }});
}

}  // namespace logidata
