// One transform checked against DuckDB: each case runs `facts` (stress_tables.h: nulls
// everywhere, a skewed key, long multi-byte strings) → the transform → CSV as a real pipeline at
// several thread counts, with a tiny memory budget (blocking operators spill) and an ample one,
// and compares the rows with DuckDB's result of the case's SQL over the same file, as multisets.
// Shared by the window, pivot and unpivot suites. Thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace logidata::testing {

struct TransformCase {
  std::string name;
  std::string module;
  std::string config;  // JSON
  std::string sql;     // the same result in DuckDB over table facts
};

inline std::ostream& operator<<(std::ostream& os, const TransformCase& c) { return os << c.name; }

// The `facts` table written once and every case's DuckDB result, computed by one DuckDB process.
struct FactsReference {
  std::string data_dir, out_dir;
  std::string log;  // DuckDB's output
  bool ok = false;
};

// `prefix` names the temporary folders. Env LOGIDATA_ANALYTIC_ROWS (default 40000) sizes facts.
FactsReference PrepareFactsReference(const std::string& prefix, const std::vector<TransformCase>& cases);

// Runs `c` at every thread count in `threads` and at 1 MiB and 1 GiB budgets; a failed run or a
// differing row fails the calling test.
void ExpectTransformMatchesDuckDb(const TransformCase& c, const FactsReference& reference,
                                  const std::vector<int>& threads);

}  // namespace logidata::testing
