// Test helpers: build batches from compact text and read them back as rows of strings, so table-
// driven tests state data and expectations readably.
#pragma once

#include <string>
#include <vector>

#include "types/batch.h"

namespace logidata::testing {

// MakeBatch("id:int64, name:string", {{"1", "ann"}, {"2", "NULL"}})
// "NULL" (exactly) is a null; other cells are parsed as the column's type.
BatchPtr MakeBatch(const std::string& schema_spec, const std::vector<std::vector<std::string>>& rows);
SchemaPtr ParseSchemaSpec(const std::string& schema_spec);

// Rows as strings (Value::ToString, "NULL" for null), in batch order.
std::vector<std::vector<std::string>> Rows(const Batch& batch);
std::vector<std::vector<std::string>> Rows(const std::vector<BatchPtr>& batches);
// The same rows sorted, for order-insensitive comparisons.
std::vector<std::vector<std::string>> SortedRows(const std::vector<BatchPtr>& batches);

// A fresh empty directory under the system temp dir, removed at process exit.
std::string TempDir(const std::string& prefix = "logidata-test");

}  // namespace logidata::testing
