// CsvRowFormatter: turns batch rows into CSV text — ISO dates and timestamps, shortest
// round-trip doubles, quoting per CsvQuoteStyle, nulls as the configured text. Immutable after
// construction; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formats/csv/csv_options.h"
#include "types/batch.h"

namespace logidata {

class CsvRowFormatter {
 public:
  explicit CsvRowFormatter(const CsvWriteOptions& options);

  // Appends one line of `names`.
  void AppendHeader(const std::vector<std::string>& names, std::string* out) const;
  // Appends row `row` of `batch`, the given columns in order, with the line end.
  void AppendRow(const Batch& batch, const std::vector<int>& columns, int64_t row, std::string* out) const;
  // Appends one cell value's text (no quoting), for partition paths and tests.
  static void AppendValueText(const Column& column, int64_t row, std::string* out);

 private:
  void AppendQuoted(std::string_view text, bool is_string, std::string* out) const;

  CsvWriteOptions options_;
};

}  // namespace logidata
