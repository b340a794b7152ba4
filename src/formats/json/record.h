// Record: one row read from a semi-structured file (JSON, XML, Excel) as (column, cell) pairs,
// before its column types are fixed. The JSON, XML and Excel readers produce records; RecordSchema
// infers types over a sample and RecordBatchBuilder turns records into typed batches.
// Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "types/buffer.h"

namespace logidata {

struct Cell {
  enum class Kind : uint8_t {
    kNull,
    kBool,
    kInt,        // i
    kDouble,     // d
    kString,     // s: typed text (JSON string, Excel string): may still read as a date/timestamp
    kText,       // s: untyped text (XML): may read as bool, number, date or timestamp
    kDate,       // i = days since epoch
    kTimestamp,  // i = microseconds since epoch
  };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;

  static Cell Null() { return {}; }
  static Cell Bool(bool v) { Cell c; c.kind = Kind::kBool; c.b = v; return c; }
  static Cell Int(int64_t v) { Cell c; c.kind = Kind::kInt; c.i = v; return c; }
  static Cell Double(double v) { Cell c; c.kind = Kind::kDouble; c.d = v; return c; }
  static Cell String(std::string v) { Cell c; c.kind = Kind::kString; c.s = std::move(v); return c; }
  static Cell Text(std::string v) { Cell c; c.kind = Kind::kText; c.s = std::move(v); return c; }
  static Cell Date(int32_t days) { Cell c; c.kind = Kind::kDate; c.i = days; return c; }
  static Cell Timestamp(int64_t micros) { Cell c; c.kind = Kind::kTimestamp; c.i = micros; return c; }
};

struct Record {
  int64_t line = 0;  // where the record starts (1-based), for error messages; 0 when unknown
  std::vector<std::pair<std::string, Cell>> fields;
};

// Parses one whole file (`data`, named `path` in errors) into records, stopping after
// `max_records` when it is >= 0. Malformed input is a DataError naming path:line:column.
using RecordReader =
    std::function<Status(const std::string& path, const Buffer& data, int64_t max_records, std::vector<Record>* out)>;

// The RecordReader of a format: its read function with the options parsed from the node's config
// bound first — read(options, path, data, max_records, out).
template <typename Options, typename Read>
RecordReader BindRecordReader(Read read, Options options) {
  return [read, options = std::move(options)](const std::string& path, const Buffer& data, int64_t max_records,
                                              std::vector<Record>* out) {
    return read(options, path, data, max_records, out);
  };
}

}  // namespace logidata
