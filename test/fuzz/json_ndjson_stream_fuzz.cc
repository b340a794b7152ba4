// Differential fuzz of the streaming NDJSON decoder against the document reader: arbitrary bytes
// as one chunk of NDJSON. Oracles: no crash or sanitizer report; where the document reader reads
// the input, the streaming decoder reads the same rows with the same (inferred) schema; where it
// fails with a DataError, so does the decoder.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "formats/json/json_reader.h"
#include "formats/json/ndjson_extract_operator.h"
#include "formats/json/record_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logidata;
  const std::string path = "fuzz.ndjson";
  auto buffer = size > 0 ? Buffer::CopyOf(data, size) : std::make_shared<Buffer>();
  std::vector<Record> records;
  JsonReadOptions options;
  options.format = JsonFormat::kNdjson;
  Status read = ReadJsonRecords(options, path, *buffer, -1, &records);
  if (!read.ok() && !read.IsDataError()) std::abort();
  if (!read.ok()) return 0;  // the decoder may also fail; it must not crash (checked below anyway)
  auto schema = InferRecordSchema(records, {});
  if (!schema.ok()) std::abort();
  auto expected = BuildRecordBatch(*schema, records, 0, records.size(), path);
  if (!expected.ok()) std::abort();

  CsvChunk chunk;
  chunk.path = &path;
  chunk.data = reinterpret_cast<const char*>(buffer->data());
  chunk.size = buffer->size();
  // The document reader skips a BOM; the planner does too before handing out chunks.
  if (chunk.size >= 3 && std::string_view(chunk.data, 3) == "\xEF\xBB\xBF") {
    chunk.data += 3;
    chunk.size -= 3;
  }
  auto streamed = DecodeNdjsonChunk(*schema, chunk);
  if (!streamed.ok()) {
    std::fprintf(stderr, "document reader read it, the decoder failed: %s\n", streamed.status().ToString().c_str());
    std::abort();
  }
  const Batch& a = **expected;
  const Batch& b = **streamed;
  if (a.num_rows() != b.num_rows()) std::abort();
  for (int c = 0; c < a.num_columns(); ++c) {
    for (int64_t r = 0; r < a.num_rows(); ++r) {
      std::string want = a.column(c)->GetValue(r).ToString(), got = b.column(c)->GetValue(r).ToString();
      if (want != got) {
        std::fprintf(stderr, "row %lld column %d: document reader '%s', decoder '%s'\n", static_cast<long long>(r), c,
                     want.c_str(), got.c_str());
        std::abort();
      }
    }
  }
  return 0;
}
