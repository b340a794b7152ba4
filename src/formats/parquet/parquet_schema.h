// ParquetSchema: the leaf columns of a Parquet file's schema tree, each mapped to one of our
// column types. Nested data policy: struct fields become dotted columns ("address.city"); a leaf
// under a repeated field (LIST, MAP, legacy repeated) becomes one string column holding a JSON
// array per row (nested arrays for nested lists; "a.list.element", "m.key_value.key" naming
// follows the file's own path). Immutable after Make(); thread-safe to share.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "parquet_types.h"
#include "types/schema.h"

namespace logidata::parquet {

// How a leaf's physical values become our logical values.
enum class Conversion {
  kNull, kBool, kInt32, kUInt32ToInt64, kInt64, kUInt64ToDecimal, kFloatToDouble, kFloat16ToDouble,
  kDouble, kDecimalInt32, kDecimalInt64, kDecimalBytes, kString, kBinary, kDate, kTimestampMillis,
  kTimestampMicros, kTimestampNanos, kInt96Timestamp, kTimeMillis, kTimeMicros, kTimeNanos,
};

struct LeafColumn {
  int leaf_index = 0;  // position of this column's chunk in every row group
  std::string name;    // dotted path
  pq::Type::type physical = pq::Type::INT32;
  int type_length = 0;
  int16_t max_def = 0;
  int16_t max_rep = 0;
  // For each repeated ancestor r (outermost first): the definition level at which it holds at
  // least one element, and the level at which it is present but empty (-1: cannot be empty).
  std::vector<int16_t> repeated_def;
  std::vector<int16_t> empty_def;
  Conversion conversion = Conversion::kNull;
  DataType value_type;  // type of the leaf values
  DataType type;        // type of the output column (string when as_json)
  bool as_json = false;
};

class ParquetSchema {
 public:
  // Validates the flattened schema tree from the footer. `timezones` (column -> zone, from our
  // writer's key-value metadata) restores the zone of UTC-adjusted timestamp columns.
  static Result<ParquetSchema> Make(const std::vector<pq::SchemaElement>& elements,
                                    const std::map<std::string, std::string>& timezones = {});

  const std::vector<LeafColumn>& leaves() const { return leaves_; }
  const SchemaPtr& schema() const { return schema_; }

 private:
  std::vector<LeafColumn> leaves_;
  SchemaPtr schema_;
};

}  // namespace logidata::parquet
