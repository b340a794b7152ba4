// Helpers the row-at-a-time database extracts (MySQL, SQLite) share to turn result rows into
// batches: builders per schema, one row appended cell by cell with the row and column named in
// errors, and the batch emitted (an empty one too when nothing was emitted yet, so downstream
// still sees the schema). Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "module/operator.h"
#include "types/column_builder.h"
#include "types/schema.h"

namespace logidata {

std::vector<ColumnBuilder> MakeBuilders(const Schema& schema, int64_t expected_rows);

// Calls append_cell(c, builders[c]) for every column; an error names `module`, the 1-based
// `row_number` and the column.
template <typename AppendCell>
Status AppendRow(const Schema& schema, std::vector<ColumnBuilder>& builders, const std::string& module,
                 int64_t row_number, AppendCell&& append_cell) {
  for (int c = 0; c < schema.num_fields(); ++c) {
    Status s = append_cell(c, builders[static_cast<size_t>(c)]);
    if (!s.ok()) {
      return s.WithContext(module + ": row " + std::to_string(row_number) + ", column '" + schema.field(c).name + "'");
    }
  }
  return Status::OK();
}

// Emits the builders' `rows` rows as one batch when rows > 0 or when *emitted is still false.
Status EmitRows(const SchemaPtr& schema, std::vector<ColumnBuilder>& builders, int64_t rows, bool* emitted,
                Emitter& out);

}  // namespace logidata
