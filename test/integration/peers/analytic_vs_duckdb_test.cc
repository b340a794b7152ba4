// Differential tests of the analytic transforms (window, pivot, unpivot) against DuckDB: each
// case runs one transform over the stress suite's `facts` table (nulls everywhere, a skewed key,
// ties, long multi-byte strings; see stress_tables.h) as a real pipeline at 1, 2 and 8 threads
// with a tiny budget (everything spills) and an ample one, and compares the rows with DuckDB's
// result for the same query on the same file. Rows are compared as multisets (every facts row
// carries its unique `id`, so a multiset match is a row-for-row match); window functions whose
// result depends on the order of ties get `id` as DuckDB's last order key, because ours keeps
// ties in input order.
//
// Env: LOGIDATA_ANALYTIC_ROWS (default 40000) sizes the table.
#include <gtest/gtest.h>

#include "single_transform_check.h"

namespace logidata {
namespace {

using testing::TransformCase;

const std::vector<TransformCase>& Cases() {
  static const std::vector<TransformCase> kCases = {
      {"WindowRanking", "window",
       R"({"partition_by": ["k"], "order_by": [{"column": "d"}], "functions": [
            {"function": "row_number", "as": "rn"}, {"function": "rank", "as": "rk"},
            {"function": "dense_rank", "as": "dr"}, {"function": "ntile", "buckets": 4, "as": "nt"}]})",
       "SELECT *, row_number() OVER (PARTITION BY k ORDER BY d NULLS LAST, id), "
       "rank() OVER (PARTITION BY k ORDER BY d NULLS LAST), dense_rank() OVER (PARTITION BY k ORDER BY d NULLS LAST), "
       "ntile(4) OVER (PARTITION BY k ORDER BY d NULLS LAST, id) FROM facts"},
      {"WindowRankingDescNullsFirstTwoKeys", "window",
       R"({"partition_by": ["g", "b"], "order_by": [{"column": "n", "order": "desc", "nulls": "first"}, {"column": "s"}],
           "functions": [{"function": "rank", "as": "rk"}, {"function": "dense_rank", "as": "dr"}, {"function": "row_number", "as": "rn"}]})",
       "SELECT *, rank() OVER w, dense_rank() OVER w, row_number() OVER (PARTITION BY g, b ORDER BY n DESC NULLS FIRST, s NULLS LAST, id) "
       "FROM facts WINDOW w AS (PARTITION BY g, b ORDER BY n DESC NULLS FIRST, s NULLS LAST)"},
      {"WindowLagLead", "window",
       R"({"partition_by": ["g"], "order_by": [{"column": "d"}], "functions": [
            {"function": "lag", "column": "v", "as": "prev_v"},
            {"function": "lead", "column": "s", "offset": 2, "default": "none", "as": "next2_s"},
            {"function": "lag", "column": "n", "offset": 5, "default": -1, "as": "prev5_n"}]})",
       "SELECT *, lag(v) OVER w, lead(s, 2, 'none') OVER w, lag(n, 5, -1) OVER w FROM facts "
       "WINDOW w AS (PARTITION BY g ORDER BY d NULLS LAST, id)"},
      {"WindowRunningAndMovingAggregates", "window",
       R"({"partition_by": ["k"], "order_by": [{"column": "d", "order": "desc"}], "functions": [
            {"function": "sum", "column": "v", "as": "run_v"},
            {"function": "count", "as": "run_rows"},
            {"function": "avg", "column": "n", "frame": {"preceding": 3}, "as": "avg3"},
            {"function": "min", "column": "s", "frame": {"preceding": 2}, "as": "min_s"},
            {"function": "max", "column": "v", "frame": {"preceding": 100, "following": "unbounded"}, "as": "max_v"},
            {"function": "count", "column": "b", "frame": {"preceding": 5, "following": 5}, "as": "cnt_b"},
            {"function": "sum", "column": "n", "frame": {"preceding": 70, "following": 70}, "as": "wide_n"},
            {"function": "max", "column": "d", "frame": {"preceding": "unbounded", "following": "unbounded"}, "as": "max_d"}]})",
       "SELECT *, sum(v) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
       "count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
       "avg(n) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW), min(s) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), "
       "max(v) OVER (w ROWS BETWEEN 100 PRECEDING AND UNBOUNDED FOLLOWING), "
       "count(b) OVER (w ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING), sum(n) OVER (w ROWS BETWEEN 70 PRECEDING AND 70 FOLLOWING), "
       "max(d) OVER (PARTITION BY k) FROM facts WINDOW w AS (PARTITION BY k ORDER BY d DESC NULLS LAST, id)"},
      {"WindowFirstLastValue", "window",
       R"({"partition_by": ["g"], "order_by": [{"column": "v"}], "functions": [
            {"function": "first_value", "column": "s", "frame": {"preceding": 1}, "as": "fv"},
            {"function": "last_value", "column": "d", "frame": {"preceding": 0, "following": "unbounded"}, "as": "lv"},
            {"function": "first_value", "column": "n", "as": "first_n"}]})",
       "SELECT *, first_value(s) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), "
       "last_value(d) OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), "
       "first_value(n) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM facts "
       "WINDOW w AS (PARTITION BY g ORDER BY v NULLS LAST, id)"},
      {"WindowWholeInput", "window",
       R"({"order_by": [{"column": "v", "order": "desc", "nulls": "first"}], "functions": [
            {"function": "row_number", "as": "rn"}, {"function": "sum", "column": "n", "as": "run_n"},
            {"function": "rank", "as": "rk"}]})",
       "SELECT *, row_number() OVER w, sum(n) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
       "rank() OVER (ORDER BY v DESC NULLS FIRST) FROM facts WINDOW w AS (ORDER BY v DESC NULLS FIRST, id)"},
  };
  return kCases;
}

class AnalyticVsDuckDb : public ::testing::TestWithParam<TransformCase> {
 protected:
  static void SetUpTestSuite() { reference_ = testing::PrepareFactsReference("analytic", Cases()); }
  static inline testing::FactsReference reference_;
};

TEST_P(AnalyticVsDuckDb, MatchesDuckDbAtEveryThreadCountAndBudget) {
  testing::ExpectTransformMatchesDuckDb(GetParam(), reference_, {1, 2, 8});
}

INSTANTIATE_TEST_SUITE_P(Transforms, AnalyticVsDuckDb, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<TransformCase>& info) { return info.param.name; });

}  // namespace
}  // namespace logidata
