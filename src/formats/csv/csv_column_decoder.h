// Decoding of tokenized CSV fields into typed columns: one tight loop per column and type, no
// per-field allocation. Cells that do not parse become null and are reported, so the caller can
// fail with their position or reject their rows. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/csv/csv_dialect.h"
#include "formats/csv/csv_tokenizer.h"
#include "types/column.h"
#include "types/schema.h"

namespace logidata {

struct CsvCellOptions {
  CsvDialect dialect;
  std::vector<std::string> null_values{""};  // unquoted field texts read as null
  bool latin1 = false;                       // convert string bytes from Latin-1 to UTF-8
};

struct CsvCellError {
  int64_t row = 0;
  std::string reason;
};

// Decodes spans[0, num_rows) of data[0, data_size) into a column of field.type. Failing cells are
// appended to `errors` in row order.
ColumnPtr DecodeCsvColumn(const char* data, size_t data_size, const FieldSpan* spans, int64_t num_rows, const Field& field,
                          const CsvCellOptions& options, std::vector<CsvCellError>* errors);

// Quotes a value for an error message, shortened when long: 'abc…'.
std::string QuoteForMessage(std::string_view text);

}  // namespace logidata
