// Stress tables: deterministic random CSV data for the differential spill stress suite
// (spill_stress_vs_duckdb_test.cc). The data is chosen to hurt blocking operators: nulls in every
// column, one key holding ~40% of the rows (skew), many duplicate keys, long strings with commas,
// quotes and multi-byte UTF-8, and values that compare equal (so sort stability shows).
//
//   facts(id int64, k int64, g string, s string, v float64, d date, b bool, n int32)
//     id is the row number, so "input order" is "ORDER BY id" for the reference engine.
//   dims(k int64, label string, w float64)
//     about one row per key of facts (some keys twice, some missing, some extra, a few nulls).
//
// Doubles are multiples of 1/4 well inside 2^40, so sums are exact in any order and both engines
// must agree bit for bit on sum and avg.
// Thread-compatible free functions.
#pragma once

#include <cstdint>
#include <string>

namespace logidata::testing {

struct StressTableSizes {
  int64_t facts_rows = 60000;
  uint64_t seed = 20261206;
};

// Writes <dir>/facts.csv and <dir>/dims.csv (with headers).
void WriteStressTables(const std::string& dir, const StressTableSizes& sizes);

// Column types of the tables, as the CSV extractor's `columns` config (JSON object text) and as
// DuckDB's read_csv `columns` struct literal.
const char* FactsColumnsJson();
const char* DimsColumnsJson();

}  // namespace logidata::testing
