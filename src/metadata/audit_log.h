// Audit trail: one row per change (who, what, when, before and after). Secrets are removed from
// the before/after documents before they are stored. Thread-safe (stateless functions).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "metadata/database.h"

namespace logidata {

struct AuditEntry {
  std::string org_id;
  std::string actor;        // user id, "api_key:<id>", or "system"
  std::string action;       // "pipeline.create", "member.update", …
  std::string object_type;  // "pipeline", "connection", …
  std::string object_id;
  nlohmann::json before = nullptr;
  nlohmann::json after = nullptr;
};

// Returns `doc` without secret-bearing fields (secret, password, token, key and their hashes).
nlohmann::json RedactSecrets(const nlohmann::json& doc);

Status WriteAudit(DbConnection& conn, const AuditEntry& entry);
Status WriteAudit(Database& db, const AuditEntry& entry);

}  // namespace logidata
