// LoadLedger: the `_logidata_loads` table a database loader keeps in its own target database so
// that a retried run never loads twice. The loader writes one row per (pipeline, run, node) in
// the same transaction as the rows it loads; a later attempt of the same run finds the row and
// skips its load. Because the row commits or rolls back with the data, "the rows are in" and
// "the ledger says so" can never disagree, whatever happens to the process in between.
// Pure SQL text builders; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "connectors/sql_text.h"

namespace logidata {

inline constexpr char kLoadLedgerTable[] = "_logidata_loads";

struct LoadLedgerKey {
  std::string pipeline_id;
  std::string run_id;
  std::string node_id;
};

class LoadLedger {
 public:
  // Idempotent DDL (CREATE TABLE IF NOT EXISTS). MySQL commits DDL implicitly: run it before
  // the data transaction there.
  static std::string CreateSql(SqlDialect dialect);
  // One row (rows, state) when this key already loaded, no row otherwise.
  static std::string LookupSql(SqlDialect dialect, const LoadLedgerKey& key);
  // Records the load and the run's staged state (incremental watermarks, as JSON); its primary
  // key makes a concurrent duplicate attempt fail instead of loading twice.
  static std::string InsertSql(SqlDialect dialect, const LoadLedgerKey& key, const std::string& target, int64_t rows,
                               const std::string& state_json);

  // The run's staged state as a JSON object ("{}" without a state store).
  static std::string StateJson(StateStore* state);
  // Puts back the state recorded with a committed load, so a retried run that skips that load
  // commits the watermark the load described, not the one its own re-extraction reached.
  static Status RestoreState(StateStore* state, const std::string& state_json);

  // The message a skipped load logs (and that tests look for).
  static std::string SkipMessage(const LoadLedgerKey& key, const std::string& target, int64_t rows);
};

}  // namespace logidata
