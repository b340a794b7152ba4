// Stored connections: rows of the connections table with the secret encrypted (AES-256-GCM, the
// connection id as associated data). DbConnectionResolver resolves connection names of one
// organization for pipeline runs, decrypting secrets only in memory. Thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "auth/secret_box.h"
#include "metadata/database.h"
#include "module/connection.h"

namespace logidata {

// The API form of a row: every field but the secret, plus has_secret.
nlohmann::json ConnectionRowJson(const DbRow& row);

// Loads one connection of `org_id` by id, decrypting its secret.
Result<ConnectionConfig> LoadConnectionById(Database& db, const SecretBox& box, const std::string& org_id,
                                            const std::string& id);

class DbConnectionResolver final : public ConnectionResolver {
 public:
  DbConnectionResolver(Database* db, const SecretBox* box, std::string org_id)
      : db_(db), box_(box), org_id_(std::move(org_id)) {}
  Result<ConnectionConfig> Resolve(const std::string& name) override;

 private:
  Database* db_;
  const SecretBox* box_;
  std::string org_id_;
};

}  // namespace logidata
