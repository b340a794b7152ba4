// JsonReader: parses a JSON array of records or NDJSON (one record per line) into Records with
// simdjson. Nested objects flatten to dotted columns ("address.city"); arrays stay as JSON text.
// Stateless; each call uses its own parser, so calls may run concurrently.
#pragma once

#include <string>
#include <vector>

#include "formats/json/record.h"

namespace logidata {

enum class JsonFormat { kAuto, kArray, kNdjson };

struct JsonReadOptions {
  JsonFormat format = JsonFormat::kAuto;
  std::vector<std::string> record_path;  // keys leading to the array of records ("data.items")
};

// See RecordReader. Syntax errors name path:line:column and the reason.
Status ReadJsonRecords(const JsonReadOptions& options, const std::string& path, const Buffer& data,
                       int64_t max_records, std::vector<Record>* out);

}  // namespace logidata
