#include "metadata/org_egress_store.h"

#include <spdlog/spdlog.h>

#include "common/json_text.h"

namespace logidata {

Result<std::vector<std::string>> LoadOrgEgressAllow(Database& db, const std::string& org_id) {
  auto r = db.Query("SELECT allow_cidrs FROM org_egress WHERE org_id = ?", {org_id});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  if (r->rows.empty()) return out;
  nlohmann::json list = ParseJsonOrDiscarded(r->rows[0].Str("allow_cidrs"));
  if (!list.is_array()) return Status::Internal("org_egress.allow_cidrs of organization " + org_id + " is not a list");
  for (const auto& e : list) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

Status SaveOrgEgressAllow(DbConnection& conn, const std::string& org_id, const std::vector<std::string>& cidrs,
                          const std::string& actor) {
  std::string list = nlohmann::json(cidrs).dump();
  std::string now = NowIso8601();
  auto del = conn.Query("DELETE FROM org_egress WHERE org_id = ?", {org_id});
  if (!del.ok()) return del.status();
  auto ins = conn.Query("INSERT INTO org_egress (org_id, allow_cidrs, updated_by, updated_at) VALUES (?, ?, ?, ?)",
                        {org_id, list, actor, now});
  return ins.ok() ? Status::OK() : ins.status();
}

std::shared_ptr<const EgressPolicy> OrgEgressPolicies::ForOrg(const std::string& org_id) const {
  auto policy = std::make_shared<EgressPolicy>(server_);
  auto extra = LoadOrgEgressAllow(*db_, org_id);
  if (!extra.ok()) {
    spdlog::warn("egress allow-list of organization {} unreadable, the server's applies alone: {}", org_id,
                 extra.status().ToString());
    return policy;
  }
  Status st = policy->Allow(*extra);
  if (!st.ok()) {
    spdlog::warn("egress allow-list of organization {} has a bad entry, the server's applies alone: {}", org_id, st.ToString());
    return std::make_shared<EgressPolicy>(server_);
  }
  return policy;
}

}  // namespace logidata
