// Typed reads of a node's config for the row-wise transforms. Every failure is a ConfigError
// that names the JSON pointer of the offending field ("/columns/2/name"), so the validator can
// point the user at it. The validator has already checked the config against the module's JSON
// Schema, but factories are also called directly (tests, tools), so nothing here trusts types.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "types/schema.h"

namespace logidata {

// "/columns" + 2 → "/columns/2"; "/a" + "b~c" → "/a/b~0c" (RFC 6901 escaping).
std::string JsonPointer(std::string_view parent, std::string_view token);
std::string JsonPointer(std::string_view parent, size_t index);

// The member `key` of `object` (at `pointer`), or nullptr when absent or null.
const nlohmann::json* FindMember(const nlohmann::json& object, std::string_view key);

// Required/optional typed members. `pointer` is the pointer of `object` itself ("" for the root).
Result<std::string> RequireString(const nlohmann::json& object, std::string_view key, std::string_view pointer);
Result<std::string> OptionalString(const nlohmann::json& object, std::string_view key, std::string_view pointer,
                                   std::string fallback);
Result<bool> OptionalBool(const nlohmann::json& object, std::string_view key, std::string_view pointer,
                          bool fallback);
Result<int64_t> OptionalInt(const nlohmann::json& object, std::string_view key, std::string_view pointer,
                            int64_t fallback, int64_t minimum);
// A member holding an array of strings; absent or null gives an empty list.
Result<std::vector<std::string>> OptionalStringArray(const nlohmann::json& object, std::string_view key,
                                                     std::string_view pointer);
// `value` must be one of `choices`.
Status RequireOneOf(const std::string& value, const std::vector<std::string>& choices, std::string_view pointer);

// Index of column `name` in `schema`, or a ConfigError at `pointer` that suggests the closest name.
Result<int> ResolveColumn(const Schema& schema, const std::string& name, std::string_view pointer);
// Resolves every name of `names` (found at `pointer`/0, `pointer`/1, …); duplicates are an error.
Result<std::vector<int>> ResolveColumns(const Schema& schema, const std::vector<std::string>& names,
                                        std::string_view pointer);

// Quotes a column name for the expression language: "my ""odd"" name".
std::string QuoteIdentifier(std::string_view name);

}  // namespace logidata
