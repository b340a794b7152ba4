// Email address normalisation for the cleaner: trims and lower-cases an address and checks that
// it looks deliverable (one '@', a non-empty local part of allowed characters, a dotted domain of
// letters, digits and hyphens with a top-level domain of two or more letters). Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "types/column.h"

namespace logidata {

// Writes the normalised address to `out` (replacing its contents) and returns whether it is valid.
bool NormalizeEmail(std::string_view text, std::string& out);
bool IsValidEmail(std::string_view normalized);

struct NormalizedTextColumn {
  ColumnPtr column;             // normalised values; invalid ones kept as given (trimmed)
  std::vector<uint8_t> valid;   // bitmap: set where the input is non-null and valid
  int64_t invalid_count = 0;    // non-null inputs that are not valid
};

// The result for a column that holds no values (values_buffer() == nullptr): all NULL, none valid.
NormalizedTextColumn AllNullNormalizedColumn(const Column& column);

// REQUIRES: a string column.
NormalizedTextColumn NormalizeEmailColumn(const Column& column);

}  // namespace logidata
