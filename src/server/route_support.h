// Helpers shared by the route files: paging, JSON schema fragments, Status → response, and
// registration functions of each route group. Stateless; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "auth/auth_service.h"
#include "metadata/database.h"
#include "server/api_services.h"
#include "server/http_types.h"
#include "server/router.h"

namespace logidata {

struct Paging {
  int64_t page = 1;       // 1-based
  int64_t page_size = 50;
  int64_t offset() const { return (page - 1) * page_size; }
};
// ?page&page_size with defaults; page_size capped at 200 (both validated as integers already).
Paging ParsePaging(const HttpRequest& request);
std::vector<QueryParam> PagingParams();

// JSON Schema fragments.
nlohmann::json StrSchema(int min_len = 0, int max_len = 1000);
nlohmann::json ObjSchema(nlohmann::json properties, std::vector<std::string> required, bool closed = true);
nlohmann::json RoleSchema();

inline HttpResponse Fail(const Status& status) { return HttpResponse::FromStatus(status); }

// Deletes row `id` of `table` in the caller's organization, with the audit row
// "<object_type>.delete" holding `before`; 204 or the failure.
HttpResponse DeleteAudited(Database& db, const Caller& caller, const std::string& table, const std::string& object_type,
                           const std::string& id, const nlohmann::json& before);

void RegisterAuthRoutes(Router& router, const ApiServices& services);
void RegisterOrganizationRoutes(Router& router, const ApiServices& services);
void RegisterInvitationRoutes(Router& router, const ApiServices& services);
void RegisterPipelineRoutes(Router& router, const ApiServices& services);
void RegisterRunRoutes(Router& router, const ApiServices& services);
void RegisterConnectionRoutes(Router& router, const ApiServices& services);
void RegisterEgressRoutes(Router& router, const ApiServices& services);
void RegisterEngineRoutes(Router& router, const ApiServices& services);
void RegisterNotificationRoutes(Router& router, const ApiServices& services);
void RegisterTemplateRoutes(Router& router, const ApiServices& services);
void RegisterPreviewRoutes(Router& router, const ApiServices& services);
void RegisterFileRoutes(Router& router, const ApiServices& services);
void RegisterTriggerRoutes(Router& router, const ApiServices& services);
void RegisterRetentionRoutes(Router& router, const ApiServices& services);
void RegisterAssistRoutes(Router& router, const ApiServices& services);
// /health…, /metrics, /api/openapi.json, /docs. Registered last: OpenAPI covers every route.
void RegisterOperationRoutes(Router& router, const ApiServices& services);
// /health… and /metrics only: the routes of the separate monitoring listener (--metrics-listen).
void RegisterMonitoringRoutes(Router& router, const ApiServices& services);

// Every route group, in matching order.
void RegisterAllRoutes(Router& router, const ApiServices& services);

}  // namespace logidata
