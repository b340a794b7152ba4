// Type inference and batch building for Records (see record.h). Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/json/record.h"
#include "formats/json/unknown_keys.h"
#include "types/batch.h"
#include "types/column_builder.h"
#include "types/schema.h"

namespace logidata {

// Infers a schema over `sample`: columns in order of first appearance; per column the narrowest
// of bool, int64, float64, date, timestamp that every non-null sampled cell reads as, else string.
// `overrides` (column → type text such as "decimal(12,2)") win; unseen override columns are added.
// A bad type text is a ConfigError at /columns/<name>.
Result<SchemaPtr> InferRecordSchema(const std::vector<Record>& sample, const std::map<std::string, std::string>& overrides);

// Converts records [begin, end) to a batch of `schema`. Fields not in the schema are not read,
// and are noted in `unknown` when given (with positions `position_base` + record index); a cell
// that does not read as its column's type is a DataError naming path:line and the column.
Result<BatchPtr> BuildRecordBatch(const SchemaPtr& schema, const std::vector<Record>& records, size_t begin, size_t end,
                                  const std::string& path, UnknownKeys* unknown = nullptr, uint64_t position_base = 0);

// Appends one cell to `b` as b.type(); false when the cell does not read as that type.
bool AppendRecordCell(const Cell& cell, ColumnBuilder& b);
// The cell as text, for error messages.
std::string RecordCellText(const Cell& cell);

// Reads `config["columns"]` (object of type texts) into a map; missing → empty.
std::map<std::string, std::string> ColumnOverrides(const nlohmann::json& config);

}  // namespace logidata
