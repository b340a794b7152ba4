// Routes: module templates — saved, reusable node configurations of one module, checked against
// the module's JSON Schema when saved. Organization-scoped CRUD with audit rows.
#include "common/json_text.h"
#include "metadata/audit_log.h"
#include "module/builtin_modules.h"
#include "pipeline/validator.h"
#include "server/route_support.h"

namespace logidata {
namespace {

nlohmann::json TemplateSchema(bool create) {
  return ObjSchema({{"name", StrSchema(1, 200)},
                    {"module", StrSchema(3, 200)},
                    {"description", StrSchema(0, 4000)},
                    {"config", {{"type", "object"}}}},
                   create ? std::vector<std::string>{"name", "module", "config"} : std::vector<std::string>{});
}

constexpr const char* kSelect =
    "SELECT id, name, module_key, description, config, created_by, created_at, updated_at FROM module_templates";

nlohmann::json RowJson(const DbRow& row) {
  return {{"id", row.Str("id")},
          {"name", row.Str("name")},
          {"module", row.Str("module_key")},
          {"description", row.Str("description")},
          {"config", ParseJsonOrDiscarded(row.Str("config"))},
          {"created_by", row.Str("created_by")},
          {"created_at", row.Str("created_at")},
          {"updated_at", row.Str("updated_at")}};
}

Result<nlohmann::json> LoadJson(Database& db, const std::string& org_id, const std::string& id) {
  auto r = db.Query(std::string(kSelect) + " WHERE id = ? AND org_id = ?", {id, org_id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return Status::NotFound("template not found");
  return RowJson(r->rows[0]);
}

// "/module: …" for unknown modules, "/config/…: …" for every schema violation.
Status CheckTemplate(const std::string& module_key, const nlohmann::json& config) {
  size_t dot = module_key.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == module_key.size()) {
    return Status::InvalidArgument("/module: must be \"kind.name\", e.g. \"extract.csv\"");
  }
  auto module = BuiltinModules().Find(std::string_view(module_key).substr(0, dot), std::string_view(module_key).substr(dot + 1));
  if (!module.ok()) return Status::InvalidArgument("/module: unknown module '" + module_key + "'");
  std::vector<ValidationIssue> issues;
  ValidateJsonSchema((*module)->config_schema, config, "/config", issues);
  std::string message;
  for (const ValidationIssue& issue : issues) {
    if (issue.severity != "error") continue;
    std::string path = issue.path.empty() ? "/config" : issue.path;
    message += (message.empty() ? "" : "; ") + path + ": " + issue.message;
  }
  return message.empty() ? Status::OK() : Status::InvalidArgument(message);
}

Status Duplicate(const Status& st) {
  return st.code() == StatusCode::kAlreadyExists ? Status::AlreadyExists("/name: a template with this name exists") : st;
}

}  // namespace

void RegisterTemplateRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;

  router.Add({"GET", "/api/v1/templates", Access::kViewer, "templates",
              "Lists module templates; ?module=kind.name filters.", nullptr,
              {{"module", "string", "only templates of this module (\"extract.csv\")"}}, 200, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                std::string sql = std::string(kSelect) + " WHERE org_id = ?";
                DbParams params = {c.org_id};
                std::string module = req.Query("module");
                if (!module.empty()) {
                  sql += " AND module_key = ?";
                  params.push_back(module);
                }
                auto r = db->Query(sql + " ORDER BY name", params);
                if (!r.ok()) return Fail(r.status());
                nlohmann::json items = nlohmann::json::array();
                for (const DbRow& row : r->rows) items.push_back(RowJson(row));
                return HttpResponse::Json(200, {{"items", items}});
              }});
  router.Add({"POST", "/api/v1/templates", Access::kDeveloper, "templates",
              "Saves a node configuration of a module as a template (checked against the module's schema).",
              TemplateSchema(true), {}, 201, false, [db](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                std::string module = b["module"];
                Status st = CheckTemplate(module, b["config"]);
                if (!st.ok()) return Fail(st);
                std::string id = NewId(), now = NowIso8601();
                st = db->Transact([&](DbConnection& conn) -> Status {
                  auto ins = conn.Query(
                      "INSERT INTO module_templates (id, org_id, name, module_key, description, config, created_by, "
                      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      {id, c.org_id, b["name"].get<std::string>(), module, b.value("description", ""), b["config"].dump(),
                       c.Actor(), now, now});
                  if (!ins.ok()) return Duplicate(ins.status());
                  return WriteAudit(conn, {c.org_id, c.Actor(), "template.create", "template", id, nullptr, b});
                });
                if (!st.ok()) return Fail(st);
                auto out = LoadJson(*db, c.org_id, id);
                return out.ok() ? HttpResponse::Json(201, *out) : Fail(out.status());
              }});
  router.Add({"GET", "/api/v1/templates/{id}", Access::kViewer, "templates", "Returns a module template.", nullptr, {},
              200, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                auto out = LoadJson(*db, c.org_id, req.Param("id"));
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"PUT", "/api/v1/templates/{id}", Access::kDeveloper, "templates",
              "Updates a module template; omitted fields keep their values.", TemplateSchema(false), {}, 200, false,
              [db](const HttpRequest& req, const Caller& c, const nlohmann::json& b) {
                const std::string& id = req.Param("id");
                auto before = LoadJson(*db, c.org_id, id);
                if (!before.ok()) return Fail(before.status());
                const nlohmann::json& old = *before;
                std::string module = b.value("module", old["module"].get<std::string>());
                nlohmann::json config = b.value("config", old["config"]);
                Status st = CheckTemplate(module, config);
                if (!st.ok()) return Fail(st);
                st = db->Transact([&](DbConnection& conn) -> Status {
                  auto up = conn.Query(
                      "UPDATE module_templates SET name = ?, module_key = ?, description = ?, config = ?, updated_at = ? "
                      "WHERE id = ? AND org_id = ?",
                      {b.value("name", old["name"].get<std::string>()), module,
                       b.value("description", old["description"].get<std::string>()), config.dump(), NowIso8601(), id,
                       c.org_id});
                  if (!up.ok()) return Duplicate(up.status());
                  return WriteAudit(conn, {c.org_id, c.Actor(), "template.update", "template", id, old, b});
                });
                if (!st.ok()) return Fail(st);
                auto out = LoadJson(*db, c.org_id, id);
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"DELETE", "/api/v1/templates/{id}", Access::kDeveloper, "templates", "Deletes a module template.",
              nullptr, {}, 204, false, [db](const HttpRequest& req, const Caller& c, const nlohmann::json&) {
                const std::string& id = req.Param("id");
                auto before = LoadJson(*db, c.org_id, id);
                if (!before.ok()) return Fail(before.status());
                return DeleteAudited(*db, c, "module_templates", "template", id, *before);
              }});
}

}  // namespace logidata
