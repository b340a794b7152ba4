// Routes: the organization's egress allow-list — the internal address blocks (private network,
// loopback…) its runs, previews, connection tests and webhooks may reach, on top of the server's
// own list (--allow-egress). Admins only change it; every change is audited.
#include "metadata/audit_log.h"
#include "metadata/org_egress_store.h"
#include "net/egress_policy.h"
#include "server/route_support.h"

namespace logidata {
namespace {

constexpr size_t kMaxBlocks = 100;

nlohmann::json ServerAllowJson(const OrgEgressPolicies* egress) {
  nlohmann::json out = nlohmann::json::array();
  if (egress == nullptr) return out;
  for (const CidrBlock& b : egress->server().allowed()) out.push_back(b.ToString());
  return out;
}

Result<nlohmann::json> EgressJson(Database& db, const OrgEgressPolicies* egress, const std::string& org_id) {
  LD_ASSIGN_OR_RETURN(auto allow, LoadOrgEgressAllow(db, org_id));
  return nlohmann::json{{"allow", allow}, {"server_allow", ServerAllowJson(egress)}};
}

}  // namespace

void RegisterEgressRoutes(Router& router, const ApiServices& s) {
  Database* db = s.db;
  const OrgEgressPolicies* egress = s.egress;

  router.Add({"GET", "/api/v1/organization/egress", Access::kViewer, "organizations",
              "Returns the organization's egress allow-list (`allow`: CIDR blocks of internal addresses its work may "
              "reach) and the server's own list (`server_allow`, read-only).",
              nullptr, {}, 200, false, [db, egress](const HttpRequest&, const Caller& c, const nlohmann::json&) {
                auto out = EgressJson(*db, egress, c.org_id);
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
  router.Add({"PUT", "/api/v1/organization/egress", Access::kAdmin, "organizations",
              "Replaces the organization's egress allow-list: CIDR blocks (\"10.20.0.0/16\", \"fd00::/8\", "
              "\"192.168.1.10\") of loopback, private, link-local or other internal addresses that its runs, "
              "previews, connection tests and webhooks may reach. Public addresses need no entry.",
              ObjSchema({{"allow", {{"type", "array"}, {"maxItems", kMaxBlocks}, {"items", StrSchema(1, 64)}}}}, {"allow"}), {},
              200, false, [db, egress](const HttpRequest&, const Caller& c, const nlohmann::json& b) {
                std::vector<std::string> allow;
                for (size_t i = 0; i < b["allow"].size(); ++i) {
                  auto block = CidrBlock::Parse(b["allow"][i].get<std::string>());
                  if (!block.ok()) return Fail(Status::InvalidArgument("/allow/" + std::to_string(i) + ": " + block.status().message()));
                  std::string text = block->ToString();
                  if (std::find(allow.begin(), allow.end(), text) == allow.end()) allow.push_back(text);
                }
                auto before = LoadOrgEgressAllow(*db, c.org_id);
                if (!before.ok()) return Fail(before.status());
                Status st = db->Transact([&](DbConnection& conn) -> Status {
                  LD_RETURN_IF_ERROR(SaveOrgEgressAllow(conn, c.org_id, allow, c.Actor()));
                  return WriteAudit(conn, {c.org_id, c.Actor(), "organization.egress.update", "organization", c.org_id,
                                           nlohmann::json{{"allow", *before}}, nlohmann::json{{"allow", allow}}});
                });
                if (!st.ok()) return Fail(st);
                auto out = EgressJson(*db, egress, c.org_id);
                return out.ok() ? HttpResponse::Json(200, *out) : Fail(out.status());
              }});
}

}  // namespace logidata
