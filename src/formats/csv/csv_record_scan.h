// Record-boundary scans that let CSV chunks be parsed in parallel: given a position where a
// record starts, find where the first record ending at or after a nominal split point ends,
// using quote parity (SIMD) for dialects without a separate escape character, else a byte
// state machine. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "formats/csv/csv_dialect.h"

namespace logidata {

struct RecordEnd {
  bool found = false;    // false: no record ends in [nominal, size)
  size_t end = 0;        // just past the '\n' that ends the record (when found)
  int64_t newlines = 0;  // '\n' bytes in [from, end) (or [from, size) when not found)
};

// REQUIRES: a record starts at data[from]; from <= nominal <= size.
RecordEnd FindRecordEnd(const char* data, size_t from, size_t nominal, size_t size, const CsvDialect& dialect);

// '\n' bytes in data[0, size).
int64_t CountNewlines(const char* data, size_t size);

}  // namespace logidata
