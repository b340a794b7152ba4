// Stored connections: rows of the connections table with the secret encrypted (AES-256-GCM, the
// connection id as associated data). DbConnectionResolver resolves connection names of one
// organization for pipeline runs, decrypting secrets only in memory. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/secret_box.h"
#include "metadata/database.h"
#include "metadata/org_egress_store.h"
#include "module/connection.h"

namespace logidata {

// The API form of a row: every field but the secret, plus has_secret.
nlohmann::json ConnectionRowJson(const DbRow& row);

// Loads one connection of `org_id` by id, decrypting its secret.
Result<ConnectionConfig> LoadConnectionById(Database& db, const SecretBox& box, const std::string& org_id,
                                            const std::string& id);

// Resolved configs carry the organization's egress policy (`egress` non-null: the server and
// workers always pass one), which the resolver owns: it must outlive the configs it returns.
class DbConnectionResolver final : public ConnectionResolver {
 public:
  DbConnectionResolver(Database* db, const SecretBox* box, std::string org_id, const OrgEgressPolicies* egress)
      : db_(db), box_(box), org_id_(std::move(org_id)), egress_(egress) {}
  Result<ConnectionConfig> Resolve(const std::string& name) override;
  const EgressPolicy* Egress() override { return Policy(); }

 private:
  const EgressPolicy* Policy();

  Database* db_;
  const SecretBox* box_;
  std::string org_id_;
  const OrgEgressPolicies* egress_;
  std::mutex mu_;
  std::shared_ptr<const EgressPolicy> policy_;  // read once, on the first connection resolved
};

}  // namespace logidata
