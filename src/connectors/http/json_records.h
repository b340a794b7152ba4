// JsonRecords: turns JSON API responses into batches — finds the records at a dotted path
// ("data.items"), flattens nested objects into dotted columns ("user.geo.lat"), keeps arrays as
// JSON text, infers a schema over a sample of records, and converts records to columns.
// Records keep their key order (ordered_json), so columns come out in document order.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "types/batch.h"
#include "types/column_builder.h"

namespace logidata {

// The records at `path` in `doc`: an array of objects (a single object counts as one record).
// An empty path means the document itself.
Result<std::vector<const nlohmann::ordered_json*>> FindRecords(const nlohmann::ordered_json& doc, const std::string& path);
// The value at a dotted path, or nullptr.
const nlohmann::ordered_json* JsonAtPath(const nlohmann::ordered_json& doc, const std::string& path);

// One record flattened: "a.b.c" → scalar (arrays stay arrays, serialized later).
void FlattenRecord(const nlohmann::ordered_json& record, const std::string& prefix, std::vector<std::pair<std::string, const nlohmann::ordered_json*>>& out);

// Column names in first-seen order with types: bool, int64, float64 (int+float), string
// (anything mixed, arrays, or all null).
SchemaPtr InferJsonSchema(const std::vector<const nlohmann::ordered_json*>& records);

// Appends one JSON value converted to `builder`'s type: numbers and booleans directly, strings
// parsed as the type ("52.52" as float64, dates, timestamps, decimals), objects and arrays as JSON
// text in string columns. DataError names the value and the type.
Status AppendJsonValue(const nlohmann::ordered_json& value, ColumnBuilder& builder);

// Builds a batch of `schema` from the records. Missing keys are null; values convert to the
// column type (strings parse as dates, timestamps, decimals); a value that does not fit is a
// DataError naming the record number (`first_record` + index) and the column.
Result<BatchPtr> JsonRecordsToBatch(const std::vector<const nlohmann::ordered_json*>& records, const SchemaPtr& schema,
                                    int64_t first_record);

}  // namespace logidata
