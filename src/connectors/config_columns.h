// The `columns` option of extractors whose source carries no types of its own (JSON APIs,
// message bodies): an object of column name → type name ("int64", "decimal(12,2)"). Columns come
// out nullable, in the order the config object yields them. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "types/schema.h"

namespace logidata {

// The schema `columns` describes, or null when the option is absent or empty. A bad type is a
// config error at /columns/<name>.
Result<SchemaPtr> SchemaFromColumnsOption(const nlohmann::json& config);

}  // namespace logidata
