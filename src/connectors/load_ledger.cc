#include "connectors/load_ledger.h"

#include <nlohmann/json.hpp>

namespace logidata {

namespace {

// Values come from our own run/node ids, but quote them as if hostile: double the quote, and
// for MySQL (whose default mode treats backslash as an escape) double backslashes too.
std::string Literal(SqlDialect dialect, const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += "''";
    else if (c == '\\' && dialect == SqlDialect::kMysql) out += "\\\\";
    else if (c != '\0') out += c;
  }
  return out + "'";
}

std::string KeyWhere(SqlDialect dialect, const LoadLedgerKey& key) {
  return " WHERE pipeline_id = " + Literal(dialect, key.pipeline_id) + " AND run_id = " + Literal(dialect, key.run_id) +
         " AND node_id = " + Literal(dialect, key.node_id);
}

}  // namespace

std::string LoadLedger::CreateSql(SqlDialect dialect) {
  std::string table = kLoadLedgerTable;
  switch (dialect) {
    case SqlDialect::kPostgres:
      return "CREATE TABLE IF NOT EXISTS " + table +
             " (pipeline_id text NOT NULL, run_id text NOT NULL, node_id text NOT NULL, target text NOT NULL, "
             "rows bigint NOT NULL, state text NOT NULL DEFAULT '{}', committed_at timestamptz NOT NULL DEFAULT now(), "
             "PRIMARY KEY (pipeline_id, run_id, node_id))";
    case SqlDialect::kMysql:
      // utf8mb4 keys must fit the index limit: 3 × 190 characters.
      return "CREATE TABLE IF NOT EXISTS " + table +
             " (pipeline_id VARCHAR(190) NOT NULL, run_id VARCHAR(190) NOT NULL, node_id VARCHAR(190) NOT NULL, "
             "target TEXT NOT NULL, `rows` BIGINT NOT NULL, state LONGTEXT NOT NULL, committed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, "
             "PRIMARY KEY (pipeline_id, run_id, node_id)) ENGINE=InnoDB";
    case SqlDialect::kSqlite:
      return "CREATE TABLE IF NOT EXISTS " + table +
             " (pipeline_id TEXT NOT NULL, run_id TEXT NOT NULL, node_id TEXT NOT NULL, target TEXT NOT NULL, "
             "rows INTEGER NOT NULL, state TEXT NOT NULL DEFAULT '{}', committed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, "
             "PRIMARY KEY (pipeline_id, run_id, node_id))";
  }
  return "";
}

std::string LoadLedger::LookupSql(SqlDialect dialect, const LoadLedgerKey& key) {
  std::string rows = dialect == SqlDialect::kMysql ? "`rows`" : "rows";
  return "SELECT " + rows + ", state FROM " + kLoadLedgerTable + KeyWhere(dialect, key);
}

std::string LoadLedger::InsertSql(SqlDialect dialect, const LoadLedgerKey& key, const std::string& target, int64_t rows,
                                  const std::string& state_json) {
  std::string rows_col = dialect == SqlDialect::kMysql ? "`rows`" : "rows";
  return std::string("INSERT INTO ") + kLoadLedgerTable + " (pipeline_id, run_id, node_id, target, " + rows_col +
         ", state) VALUES (" + Literal(dialect, key.pipeline_id) + ", " + Literal(dialect, key.run_id) + ", " +
         Literal(dialect, key.node_id) + ", " + Literal(dialect, target) + ", " + std::to_string(rows) + ", " +
         Literal(dialect, state_json) + ")";
}

std::string LoadLedger::StateJson(StateStore* state) {
  nlohmann::json doc = nlohmann::json::object();
  if (state != nullptr) {
    for (const auto& [k, v] : state->Staged()) doc[k] = v;
  }
  return doc.dump();
}

Status LoadLedger::RestoreState(StateStore* state, const std::string& state_json) {
  if (state == nullptr || state_json.empty()) return Status::OK();
  nlohmann::json doc = nlohmann::json::parse(state_json, nullptr, false);
  if (!doc.is_object()) return Status::Internal(std::string("the state recorded in ") + kLoadLedgerTable + " is not a JSON object");
  for (const auto& [k, v] : doc.items()) {
    if (v.is_string()) LD_RETURN_IF_ERROR(state->Put(k, v.get<std::string>()));
  }
  return Status::OK();
}

std::string LoadLedger::SkipMessage(const LoadLedgerKey& key, const std::string& target, int64_t rows) {
  return "run " + key.run_id + " already loaded " + std::to_string(rows) + " rows into " + target +
         " (ledger " + kLoadLedgerTable + "): skipping this load, nothing written";
}

}  // namespace logidata
