// Egress allow-lists per organization (table org_egress) and the policy a tenant's work runs
// under: the server's allow-list (--allow-egress) plus the organization's own. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "metadata/database.h"
#include "net/egress_policy.h"

namespace logidata {

// The organization's allowed CIDR blocks (empty when never set).
Result<std::vector<std::string>> LoadOrgEgressAllow(Database& db, const std::string& org_id);
// Replaces them inside `conn`'s transaction. REQUIRES: every entry parses as a CidrBlock.
Status SaveOrgEgressAllow(DbConnection& conn, const std::string& org_id, const std::vector<std::string>& cidrs,
                          const std::string& actor);

class OrgEgressPolicies {
 public:
  // `server_allow` must parse (the server checks its options at start).
  OrgEgressPolicies(Database* db, EgressPolicy server) : db_(db), server_(std::move(server)) {}

  // The policy for work done for `org_id`, read fresh (an admin's change applies to the next
  // request, in every server and worker). If the organization's list cannot be read, the
  // server's policy alone applies: an error never widens what is allowed.
  std::shared_ptr<const EgressPolicy> ForOrg(const std::string& org_id) const;
  const EgressPolicy& server() const { return server_; }

 private:
  Database* db_;
  EgressPolicy server_;
};

}  // namespace logidata
