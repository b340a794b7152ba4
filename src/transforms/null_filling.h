// Null filling for the cleaner: a constant, converted once at bind time to a column's type, that
// replaces the column's nulls in one pass over its buffers. Immutable after creation; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "types/column.h"

namespace logidata {

class NullFiller {
 public:
  // Converts the JSON constant `value` to `type` (numbers for numeric columns, true/false for
  // bool, "YYYY-MM-DD[ HH:MM:SS]" strings for dates and timestamps, any scalar for strings).
  // Errors are ConfigErrors at `pointer`.
  static Result<NullFiller> Make(const nlohmann::json& value, const DataType& type, const std::string& pointer);

  // `column` with every null replaced by the constant. REQUIRES: column.type() == the bound type.
  ColumnPtr Fill(const ColumnPtr& column) const;

 private:
  DataType type_;
  bool bool_ = false;
  int64_t int_ = 0;      // int32, int64, date, timestamp
  double double_ = 0;
  int128_t decimal_ = 0;
  std::string string_;
};

}  // namespace logidata
