// Saved data previews: each preview the API runs for a stored pipeline is kept (rows and column
// statistics, capped in size) keyed by pipeline, node and pipeline version, so the UI can reopen
// the last one without running it again. Only the newest few per node are kept. Thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "metadata/database.h"

namespace logidata {

struct PreviewKey {
  std::string org_id;
  std::string pipeline_id;
  std::string node_id;
  int64_t pipeline_version = 0;
};

constexpr size_t kMaxStoredPreviewBytes = 1 << 20;  // rows are dropped from the end beyond this
constexpr int kPreviewsKeptPerNode = 5;

// Stores `result` ({rows, …}), prunes older previews of the node, returns the new preview's id.
Result<std::string> SavePreview(Database& db, const PreviewKey& key, nlohmann::json result, const std::string& actor);

// [{id, pipeline_id, node_id, pipeline_version, row_count, truncated, created_by, created_at}],
// newest first; `node_id` empty = every node.
Result<nlohmann::json> ListPreviews(Database& db, const std::string& org_id, const std::string& pipeline_id,
                                    const std::string& node_id);

// The summary fields plus "result". NotFound for unknown or foreign ids.
Result<nlohmann::json> LoadPreview(Database& db, const std::string& org_id, const std::string& id);

}  // namespace logidata
