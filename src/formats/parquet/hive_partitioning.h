// Hive-style partition paths ("year=2024/month=05/part-0.parquet"): parsing the key=value
// directory segments of a file path into typed partition columns, and formatting a row's
// partition values into a directory path. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "types/column.h"
#include "types/schema.h"
#include "types/value.h"

namespace logidata::parquet {

// The key=value directory segments of `relative_path` (relative to the dataset root), in order,
// with %XX escapes decoded. The file name itself is not a segment.
std::vector<std::pair<std::string, std::string>> ParseHivePath(std::string_view relative_path);

// The narrowest type holding every text in `values` (empty entries are nulls): int64, float64,
// date, else string.
DataType InferPartitionType(const std::vector<std::string>& values);

// `text` as a Value of `type` (the Hive null marker or an empty text give null).
Value PartitionValue(const std::string& text, const DataType& type);

// "key=value" with the value escaped for a path; nulls use Hive's default-partition marker.
std::string FormatHiveSegment(const std::string& key, const Column& column, int64_t row);

inline constexpr std::string_view kHiveNullMarker = "__HIVE_DEFAULT_PARTITION__";

}  // namespace logidata::parquet
