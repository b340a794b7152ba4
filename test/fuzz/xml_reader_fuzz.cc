// Fuzzes the XML and Excel readers: arbitrary bytes are streamed as XML with a record path chosen
// by the first byte, and the same bytes are opened as an .xlsx workbook. Oracles: no crash or
// sanitizer report; every failure is a DataError; records parsed from XML type into a batch with
// their own inferred schema.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "formats/json/record_schema.h"
#include "formats/xlsx/xlsx_reader.h"
#include "formats/xml/xml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logidata;
  if (size == 0) return 0;
  static const char* kPaths[] = {"//e", "/r/e", "//a/b", "/r"};
  auto record_path = ParseXmlRecordPath(kPaths[data[0] % 4]);
  if (!record_path) std::abort();
  // An empty input is an empty (owned, null-data) buffer, as for an empty file.
  auto buffer = size > 1 ? Buffer::CopyOf(data + 1, size - 1) : std::make_shared<Buffer>();
  std::vector<Record> records;
  Status st = ReadXmlRecords(*record_path, "fuzz.xml", *buffer, (data[0] & 4) ? 3 : -1, &records);
  if (!st.ok() && !st.IsDataError()) std::abort();
  if (st.ok()) {
    auto schema = InferRecordSchema(records, {});
    if (!schema.ok()) std::abort();
    auto batch = BuildRecordBatch(*schema, records, 0, records.size(), "fuzz.xml");
    if (!batch.ok()) std::abort();
  }
  XlsxReadOptions options;
  options.header = (data[0] & 8) != 0;
  std::vector<Record> rows;
  st = ReadXlsxRecords(options, "fuzz.xlsx", *buffer, -1, &rows);
  if (!st.ok() && !st.IsDataError()) std::abort();
  return 0;
}
