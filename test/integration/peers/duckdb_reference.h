// DuckDB as the reference engine of the peers tests: running a shell command, and running a
// reference plan through ../shared/peers (stress_reference.mjs: tables from CSV files, queries
// whose results land in CSV files). Also the plan text for the stress suite's `facts` table alone.
// Free functions; thread-compatible.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace logidata::testing {

// Runs `cmd` with stderr folded into stdout; returns that output and sets `status` (pclose's).
std::string RunShell(const std::string& cmd, int* status);

// Runs the reference plan at `plan_path` with DuckDB (copying stress_reference.mjs beside the
// peers' packages first). Returns whether it succeeded; `log` gets its output.
bool RunDuckDbReference(const std::string& plan_path, std::string* log);

// A reference plan over the `facts` table at `facts_csv` (stress_tables.h's column types) with
// `queries` ([{name, sql, out}]). Written by hand: the column list must keep file order, and
// nlohmann::json orders object keys alphabetically.
std::string FactsPlanText(const std::string& facts_csv, const nlohmann::json& queries);

}  // namespace logidata::testing
