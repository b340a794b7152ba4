#include "server/route_support.h"

#include "metadata/audit_log.h"

namespace logidata {

Paging ParsePaging(const HttpRequest& request) {
  Paging p;
  std::string page = request.Query("page"), size = request.Query("page_size");
  if (!page.empty()) p.page = std::max<int64_t>(1, std::strtoll(page.c_str(), nullptr, 10));
  if (!size.empty()) p.page_size = std::clamp<int64_t>(std::strtoll(size.c_str(), nullptr, 10), 1, 200);
  if (p.page > 10'000'000) p.page = 10'000'000;
  return p;
}

std::vector<QueryParam> PagingParams() {
  return {{"page", "integer", "1-based page number"}, {"page_size", "integer", "items per page (max 200)"}};
}

nlohmann::json StrSchema(int min_len, int max_len) {
  return {{"type", "string"}, {"minLength", min_len}, {"maxLength", max_len}};
}

nlohmann::json ObjSchema(nlohmann::json properties, std::vector<std::string> required, bool closed) {
  nlohmann::json s = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", !closed}};
  if (!required.empty()) s["required"] = required;
  return s;
}

nlohmann::json RoleSchema() { return {{"type", "string"}, {"enum", {"admin", "developer", "viewer"}}}; }

HttpResponse DeleteAudited(Database& db, const Caller& c, const std::string& table, const std::string& object_type,
                           const std::string& id, const nlohmann::json& before) {
  Status st = db.Transact([&](DbConnection& conn) -> Status {
    auto del = conn.Query("DELETE FROM " + table + " WHERE id = ? AND org_id = ?", {id, c.org_id});
    if (!del.ok()) return del.status();
    return WriteAudit(conn, {c.org_id, c.Actor(), object_type + ".delete", object_type, id, before, nullptr});
  });
  return st.ok() ? HttpResponse::NoContent() : Fail(st);
}

void RegisterAllRoutes(Router& router, const ApiServices& services) {
  RegisterAuthRoutes(router, services);
  RegisterOrganizationRoutes(router, services);
  RegisterInvitationRoutes(router, services);
  RegisterPipelineRoutes(router, services);
  RegisterRunRoutes(router, services);
  RegisterConnectionRoutes(router, services);
  RegisterEgressRoutes(router, services);
  RegisterEngineRoutes(router, services);
  RegisterNotificationRoutes(router, services);
  RegisterTemplateRoutes(router, services);
  RegisterPreviewRoutes(router, services);
  RegisterFileRoutes(router, services);
  RegisterTriggerRoutes(router, services);
  RegisterRetentionRoutes(router, services);
  RegisterAssistRoutes(router, services);
  RegisterOperationRoutes(router, services);
}

}  // namespace logidata
