// Fuzzes the JSON reader: arbitrary bytes are parsed as NDJSON, as a document, and as a document
// with a record_path (chosen by the first byte), then typed into a batch with the inferred
// schema. Oracles: no crash or sanitizer report; errors are DataErrors, and a syntax error names
// file:line:column; a successful parse types
// every record of its own sample (inference and conversion agree).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "formats/json/json_reader.h"
#include "formats/json/record_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logidata;
  if (size == 0) return 0;
  JsonReadOptions options;
  switch (data[0] % 4) {
    case 0: options.format = JsonFormat::kAuto; break;
    case 1: options.format = JsonFormat::kNdjson; break;
    case 2: options.format = JsonFormat::kArray; break;
    default: options.format = JsonFormat::kArray; options.record_path = {"data", "items"}; break;
  }
  // An empty input is an empty (owned, null-data) buffer, as for an empty file.
  auto buffer = size > 1 ? Buffer::CopyOf(data + 1, size - 1) : std::make_shared<Buffer>();
  std::vector<Record> records;
  Status st = ReadJsonRecords(options, "fuzz.json", *buffer, -1, &records);
  if (!st.ok()) {
    if (!st.IsDataError()) std::abort();
    // A syntax error names its place: "fuzz.json:<line>:<column>: invalid JSON: …".
    const std::string& m = st.message();
    if (m.find("invalid JSON") != std::string::npos) {
      size_t line_end = m.find(':', 10);
      if (m.rfind("fuzz.json:", 0) != 0 || line_end == std::string::npos ||
          m.find_first_not_of("0123456789", 10) != line_end || m.find(':', line_end + 1) == std::string::npos ||
          m.find_first_not_of("0123456789", line_end + 1) != m.find(':', line_end + 1)) {
        std::abort();
      }
    }
    return 0;
  }
  auto schema = InferRecordSchema(records, {});
  if (!schema.ok()) std::abort();
  auto batch = BuildRecordBatch(*schema, records, 0, records.size(), "fuzz.json");
  if (!batch.ok()) std::abort();
  if ((*batch)->num_rows() != static_cast<int64_t>(records.size())) std::abort();
  return 0;
}
