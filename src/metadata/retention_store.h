// Retention of run data: per organization, the number of days run logs, per-node metrics and
// saved data previews are kept (table org_retention; no row or NULL = kept forever). Runs
// themselves stay (the history and its statuses are small); what they produced in bulk goes.
// PurgeExpiredRunData deletes in small batches so a large purge never holds the write lock (SQLite)
// or a long transaction (PostgreSQL) for long; the schedule leader calls it periodically.
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "metadata/database.h"

namespace logidata {

inline constexpr int64_t kMaxRetentionDays = 36500;

// nullopt = keep forever.
Result<std::optional<int64_t>> LoadRetentionDays(Database& db, const std::string& org_id);
// Sets (days in 1..kMaxRetentionDays) or clears (nullopt) the setting, audited.
// InvalidArgument names "/retention_days".
Status SaveRetentionDays(Database& db, const std::string& org_id, std::optional<int64_t> days,
                         const std::string& actor);

struct PurgeCounts {
  int64_t runs = 0;      // runs whose logs and metrics were removed
  int64_t previews = 0;  // saved previews removed
};

// For every organization with a setting: removes the logs and node metrics of its runs that
// finished before now - retention_days, and its previews saved before then. At most `batch_size`
// runs or previews per statement and `max_batches` statements per organization and kind in one
// call (the rest waits for the next pass).
Result<PurgeCounts> PurgeExpiredRunData(Database& db, int64_t now_unix_seconds, int batch_size = 200,
                                        int max_batches = 50);

}  // namespace logidata
