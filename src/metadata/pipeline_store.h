// Reading and writing stored pipelines: the current document plus an immutable row per version.
// Every call is scoped to one organization, so a foreign id reads as NotFound. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "metadata/database.h"

namespace logidata {

struct StoredPipeline {
  std::string id;
  std::string org_id;
  std::string name;
  int64_t version = 0;
  nlohmann::json document;  // with "id" and "version" filled in
  std::string created_by;
  std::string created_at;
  std::string updated_at;

  // The API form: the document plus "metadata": {created_at, updated_at, created_by}.
  nlohmann::json ToApiJson() const;
};

Result<StoredPipeline> LoadPipeline(Database& db, const std::string& org_id, const std::string& id);
// The document of one version. NotFound for unknown pipelines or versions.
Result<nlohmann::json> LoadPipelineVersion(Database& db, const std::string& org_id, const std::string& id,
                                           int64_t version);

struct PipelineWrite {
  std::string org_id;
  std::string actor;
  nlohmann::json document;  // already checked
  std::optional<int64_t> next_fire;
  std::string cron, timezone;
  bool schedule_enabled = false;
};

// Inserts a new pipeline at version 1 and audits it. Returns it.
Result<StoredPipeline> CreatePipeline(Database& db, const PipelineWrite& write, const std::string& action);
// Stores `write.document` as version expected_version + 1. Conflict when the stored version is
// not `expected_version` (somebody saved in between).
Result<StoredPipeline> UpdatePipeline(Database& db, const std::string& id, int64_t expected_version,
                                      const PipelineWrite& write, const std::string& action);
Status DeletePipeline(Database& db, const std::string& org_id, const std::string& id, const std::string& actor);

}  // namespace logidata
