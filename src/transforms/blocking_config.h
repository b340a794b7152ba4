// Config reading and schema helpers shared by the blocking transforms (aggregate, join, sort,
// dedupe). Every user mistake becomes a ConfigError naming the JSON pointer inside the node's
// config ("/group_by/1"). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "types/batch.h"

namespace logidata::blocking {

// "/keys" + 2 → "/keys/2".
std::string Pointer(std::string_view parent, size_t index);
std::string Pointer(std::string_view parent, std::string_view member);

// Index of column `name`, or ConfigError(pointer, "column 'x' does not exist; available: …").
Result<int> ResolveColumn(const Schema& schema, const std::string& name, const std::string& pointer);

// config[key] as an array (absent/null → empty); ConfigError when it is another type.
Result<std::vector<nlohmann::json>> ArrayMember(const nlohmann::json& config, std::string_view key,
                                                const std::string& pointer);
// config[key] as a string; `fallback` when absent; ConfigError when not a string or not in
// `choices` (if given).
Result<std::string> StringMember(const nlohmann::json& config, std::string_view key, const std::string& pointer,
                                 std::string fallback, const std::vector<std::string>& choices = {});
// An array of column names resolved against `schema` (duplicates rejected).
Result<std::vector<int>> ColumnList(const nlohmann::json& config, std::string_view key, const Schema& schema);

// Concatenates batches with the same schema into one (fast, buffer-level).
// The column indexes sorted, each once: what InputColumnsNeeded returns.
std::vector<int> SortedUnique(std::vector<int> columns);

BatchPtr ConcatAll(const SchemaPtr& schema, const std::vector<BatchPtr>& batches);
// Columns [0, n) of `batch` as a batch of `schema` (zero-copy).
BatchPtr WithSchema(const SchemaPtr& schema, std::vector<ColumnPtr> columns, int64_t rows, uint64_t sequence = 0);

}  // namespace logidata::blocking
