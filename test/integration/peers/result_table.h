// ResultTable: a CSV result file read back as cells, for comparing our output with DuckDB's.
// Both engines write the same values with different spellings (3 vs 3.0, full vs shortest
// doubles), so cells are compared as numbers when both read as numbers (relative tolerance for
// doubles that are not exact, e.g. stddev) and as text otherwise; NULL (an unquoted empty field)
// differs from every string. The header row is not compared: names may differ.
// Value type; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace logidata::testing {

using ResultCell = std::optional<std::string>;  // nullopt = NULL
using ResultRow = std::vector<ResultCell>;

struct ResultTable {
  std::vector<std::string> header;
  std::vector<ResultRow> rows;
};

// Reads an RFC 4180 CSV file with a header row. Fails the calling test (ADD_FAILURE) and returns
// an empty table when the file is missing.
ResultTable ReadResultCsv(const std::string& path);

// The rows sorted by a canonical spelling of their cells, so two multisets of rows compare
// in order (equal numbers spelled differently sort alike).
ResultTable InCanonicalOrder(ResultTable table);

// The first difference between `ours` and `reference`, or "" when they hold the same rows in the
// same order. Compare multisets by putting both in canonical order first.
std::string DiffResults(const ResultTable& ours, const ResultTable& reference);

}  // namespace logidata::testing
