// Differential tests of transform.pivot and transform.unpivot against DuckDB's PIVOT and UNPIVOT:
// each case runs one transform over the stress suite's `facts` table (nulls everywhere, a skewed
// key, long multi-byte strings; see stress_tables.h) as a real pipeline at 1, 2 and 4 threads with
// a tiny budget (the pivot's aggregate spills) and an ample one, and compares the rows with
// DuckDB's result for the same statement on the same file, as multisets (pivot output has no
// defined order; unpivot rows carry the unique `id`).
//
// Env: LOGIDATA_ANALYTIC_ROWS (default 40000) sizes the table.
#include <gtest/gtest.h>

#include "single_transform_check.h"

namespace logidata {
namespace {

using testing::TransformCase;

const std::vector<TransformCase>& Cases() {
  static const std::vector<TransformCase> kCases = {
      {"PivotSumByKey", "pivot",
       R"({"index": ["k"], "column": "g", "values": ["g0", "g1", "g2", "g5", "g30"],
           "aggregates": [{"function": "sum", "column": "v"}]})",
       "PIVOT facts ON g IN ('g0', 'g1', 'g2', 'g5', 'g30') USING sum(v) GROUP BY k"},
      {"PivotSeveralAggregatesOnBool", "pivot",
       R"({"index": ["g"], "column": "b", "values": [true, false],
           "aggregates": [{"function": "count", "as": "rows"}, {"function": "max", "column": "s", "as": "max_s"},
                          {"function": "avg", "column": "n", "as": "avg_n"}, {"function": "min", "column": "d", "as": "min_d"}]})",
       "PIVOT facts ON b IN (true, false) USING count(*) AS rows, max(s) AS max_s, avg(n) AS avg_n, min(d) AS min_d GROUP BY g"},
      {"PivotCountColumnTwoIndexColumns", "pivot",
       R"({"index": ["g", "b"], "column": "k", "values": [0, 1, 2, 3], "aggregates": [{"function": "count", "column": "s"}]})",
       "PIVOT facts ON k IN (0, 1, 2, 3) USING count(s) GROUP BY g, b"},
      // Discovered values: DuckDB's PIVOT without IN also finds them and orders the columns by
      // value; its column for null values (ours add no cell for them) is left out.
      {"PivotDiscoveredValues", "pivot",
       R"({"index": ["k"], "column": "g", "discover_values": true, "aggregates": [{"function": "sum", "column": "v"}]})",
       "SELECT COLUMNS(c -> c <> 'NULL') FROM (PIVOT facts ON g USING sum(v) GROUP BY k)"},
      {"UnpivotColumnsWidenToDouble", "unpivot",
       R"({"columns": ["v", "n"], "name_column": "name", "value_column": "value"})",
       "UNPIVOT facts ON v, n INTO NAME name VALUE value"},
      {"UnpivotPatternIncludeNulls", "unpivot",
       R"({"pattern": "[gs]", "name_column": "col", "value_column": "text", "include_nulls": true})",
       "SELECT * FROM facts UNPIVOT INCLUDE NULLS (text FOR col IN (g, s))"},
  };
  return kCases;
}

class ReshapeVsDuckDb : public ::testing::TestWithParam<TransformCase> {
 protected:
  static void SetUpTestSuite() { reference_ = testing::PrepareFactsReference("reshape", Cases()); }
  static inline testing::FactsReference reference_;
};

TEST_P(ReshapeVsDuckDb, MatchesDuckDbAtEveryThreadCountAndBudget) {
  testing::ExpectTransformMatchesDuckDb(GetParam(), reference_, {1, 2, 4});
}

INSTANTIATE_TEST_SUITE_P(Reshape, ReshapeVsDuckDb, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<TransformCase>& info) { return info.param.name; });

}  // namespace
}  // namespace logidata
