#include "result_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace logidata::testing {

namespace {

std::optional<double> AsNumber(const ResultCell& cell) {
  if (!cell || cell->empty()) return std::nullopt;
  const char* begin = cell->c_str();
  char* end = nullptr;
  double d = std::strtod(begin, &end);
  if (end != begin + cell->size() || std::isnan(d)) return std::nullopt;
  return d;
}

bool SameCell(const ResultCell& a, const ResultCell& b) {
  if (!a || !b) return !a && !b;
  if (*a == *b) return true;
  auto x = AsNumber(a), y = AsNumber(b);
  if (!x || !y) return false;
  return std::fabs(*x - *y) <= 1e-9 * std::max(1.0, std::fabs(*y));
}

// A sort key that spells equal values alike (numbers rounded far below the tolerance, so
// values that differ only in the last bits of a stddev land on the same key).
std::string CanonicalCell(const ResultCell& cell) {
  if (!cell) return std::string("\x01NULL", 5);
  if (auto d = AsNumber(cell)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "\x02%.12e", *d);
    return buf;
  }
  return "\x03" + *cell;
}

std::string Show(const ResultRow& row) {
  std::string out = "(";
  for (size_t c = 0; c < row.size(); ++c) {
    if (c) out += ", ";
    if (!row[c]) {
      out += "NULL";
    } else if (row[c]->size() > 60) {
      out += "'" + row[c]->substr(0, 57) + "...'";
    } else {
      out += "'" + *row[c] + "'";
    }
  }
  return out + ")";
}

std::string CompareRows(const std::vector<ResultRow>& a, const std::vector<ResultRow>& b) {
  for (size_t r = 0; r < std::min(a.size(), b.size()); ++r) {
    bool same = a[r].size() == b[r].size();
    for (size_t c = 0; same && c < a[r].size(); ++c) same = SameCell(a[r][c], b[r][c]);
    if (!same) {
      return "first difference at row " + std::to_string(r + 1) + ":\n  ours:   " + Show(a[r]) + "\n  DuckDB: " + Show(b[r]);
    }
  }
  if (a.size() != b.size()) {
    const bool ours_longer = a.size() > b.size();
    const auto& extra = ours_longer ? a[b.size()] : b[a.size()];
    return std::to_string(a.size()) + " rows, DuckDB " + std::to_string(b.size()) + "; first extra row (" +
           (ours_longer ? "ours" : "DuckDB") + "): " + Show(extra);
  }
  return "";
}

std::vector<ResultRow> Canonically(std::vector<ResultRow> rows) {
  std::vector<std::pair<std::vector<std::string>, size_t>> keys;
  keys.reserve(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> key;
    for (const auto& cell : rows[r]) key.push_back(CanonicalCell(cell));
    keys.emplace_back(std::move(key), r);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<ResultRow> out;
  out.reserve(rows.size());
  for (auto& [key, r] : keys) out.push_back(std::move(rows[r]));
  return out;
}

}  // namespace

ResultTable ReadResultCsv(const std::string& path) {
  ResultTable table;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "missing result file " << path;
    return table;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  ResultRow row;
  std::string cell;
  bool quoted = false;      // the current cell was quoted
  bool in_quotes = false;
  bool any = false;         // the current row has content
  auto end_cell = [&] {
    row.push_back(quoted || !cell.empty() ? ResultCell(cell) : std::nullopt);
    cell.clear();
    quoted = false;
  };
  auto end_row = [&] {
    end_cell();
    if (table.header.empty() && table.rows.empty()) {
      for (const auto& c : row) table.header.push_back(c.value_or(""));
    } else {
      table.rows.push_back(std::move(row));
    }
    row.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        cell += c;
      }
      continue;
    }
    any = true;
    if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\n') {
      end_row();
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (any) end_row();
  return table;
}

ResultTable InCanonicalOrder(ResultTable table) {
  table.rows = Canonically(std::move(table.rows));
  return table;
}

std::string DiffResults(const ResultTable& ours, const ResultTable& reference) {
  if (ours.header.size() != reference.header.size()) {
    return std::to_string(ours.header.size()) + " columns, DuckDB " + std::to_string(reference.header.size());
  }
  return CompareRows(ours.rows, reference.rows);
}

}  // namespace logidata::testing
