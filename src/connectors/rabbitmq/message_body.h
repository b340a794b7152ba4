// Message bodies of extract.rabbitmq and load.rabbitmq: JSON (one object per message, or an
// array of objects, or records at a dotted `record_path`) and CSV (one or more records per
// message, each message with its own header line unless `header` is false).
//
// Decoding reuses the JSON record flattening and type conversion of the HTTP connectors
// (nested objects become dotted columns) and the CSV record splitter and type inference of the
// CSV reader; encoding reuses load.json's value writer and the CSV row formatter. Decimals are
// written to JSON as strings, so a reader that parses numbers as doubles loses no digits.
// Pure; MessageDecoder and MessageEncoder are immutable after construction and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "formats/csv/csv_row_formatter.h"
#include "types/batch.h"
#include "types/column_builder.h"
#include "types/schema.h"

namespace logidata {

enum class BodyFormat { kJson, kCsv };

struct BodyOptions {
  BodyFormat format = BodyFormat::kJson;
  std::string record_path;  // JSON: dotted path to the records inside each body; "" = the body itself
  char delimiter = ',';     // CSV
  bool header = true;       // CSV: each body starts with a header line naming its columns
};

// Reads `format`, `record_path` and `csv` {delimiter, header} of a node's config; errors name
// the JSON pointer of the bad member.
Result<BodyOptions> ParseBodyOptions(const nlohmann::json& config);

// The config schema properties of the body options (format, record_path, csv), shared by
// extract.rabbitmq and load.rabbitmq.
nlohmann::json RabbitmqBodyProperties();

// The MIME type a body of this format is published with.
std::string_view BodyContentType(BodyFormat format);

// Columns for the bodies in `bodies` (a sample of messages): JSON keys in first-seen order with
// the JSON inference of extract.http; CSV header names (or column1…N) with the CSV reader's
// inference. InvalidArgument when a body does not parse; an empty schema when there are no rows.
Result<SchemaPtr> InferBodySchema(const std::vector<std::string>& bodies, const BodyOptions& options);

class MessageDecoder {
 public:
  MessageDecoder(BodyOptions options, SchemaPtr schema) : options_(std::move(options)), schema_(std::move(schema)) {}

  // Appends the rows of one body to builders[0, schema columns), all or none: on error the
  // builders are unchanged. Keys/header names outside the schema are ignored (JSON) or an error
  // (CSV); missing ones are null. Returns the number of rows appended.
  Result<int64_t> Append(std::string_view body, std::vector<ColumnBuilder>& builders) const;

 private:
  Result<int64_t> AppendJson(std::string_view body, std::vector<ColumnBuilder>& rows) const;
  Result<int64_t> AppendCsv(std::string_view body, std::vector<ColumnBuilder>& rows) const;

  BodyOptions options_;
  SchemaPtr schema_;
};

class MessageEncoder {
 public:
  // Bodies carry the columns `columns` (indices into `schema`) in that order.
  MessageEncoder(BodyOptions options, SchemaPtr schema, std::vector<int> columns);

  // Replaces *out with the body of row `row` of `batch`: a JSON object, or a CSV record (after a
  // header line when options.header).
  void Encode(const Batch& batch, int64_t row, std::string* out) const;

 private:
  BodyOptions options_;
  SchemaPtr schema_;
  std::vector<int> columns_;
  std::vector<std::string> json_keys_;  // "\"name\":" per body column
  CsvRowFormatter csv_;
  std::string csv_header_;
};

}  // namespace logidata
