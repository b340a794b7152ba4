#include "connectors/rabbitmq/message_body.h"

#include <map>

#include "connectors/http/json_records.h"
#include "connectors/value_text.h"
#include "formats/csv/csv_schema_inference.h"
#include "formats/csv/csv_tokenizer.h"
#include "formats/json/json_load_operator.h"
#include "module/module_descriptor.h"
#include "types/value.h"

namespace logidata {

namespace {

CsvWriteOptions CsvWriting(const BodyOptions& options) {
  CsvWriteOptions w;
  w.delimiter = options.delimiter;
  return w;
}

// The records of one CSV body: the header (empty when options.header is false) and the rows.
struct CsvBody {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Result<CsvBody> SplitCsvBody(std::string_view body, const BodyOptions& options) {
  CsvDialect dialect;
  dialect.delimiter = options.delimiter;
  CsvBody out;
  std::vector<std::string> fields;
  std::string error;
  size_t pos = 0;
  bool first = true;
  int line = 0;
  while (pos < body.size()) {
    size_t used = SplitRecord(body.data() + pos, body.size() - pos, dialect, &fields, &error);
    if (used == 0) break;
    pos += used;
    ++line;
    if (!error.empty()) return Status::DataError("CSV record " + std::to_string(line) + ": " + error);
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    if (first && options.header) out.header = std::move(fields);
    else out.rows.push_back(std::move(fields));
    first = false;
  }
  return out;
}

Result<nlohmann::ordered_json> ParseJsonBody(std::string_view body) {
  auto doc = nlohmann::ordered_json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::DataError("the body is not valid JSON");
  return doc;
}

}  // namespace

Result<BodyOptions> ParseBodyOptions(const nlohmann::json& config) {
  BodyOptions o;
  const std::string format = config.value("format", std::string("json"));
  if (format == "json") o.format = BodyFormat::kJson;
  else if (format == "csv") o.format = BodyFormat::kCsv;
  else return ConfigError("/format", "format must be json or csv, not '" + format + "'");
  o.record_path = config.value("record_path", std::string());
  if (config.contains("csv")) {
    const auto& csv = config["csv"];
    if (!csv.is_object()) return ConfigError("/csv", "must be an object");
    std::string delimiter = csv.value("delimiter", std::string(","));
    if (delimiter == "\\t" || delimiter == "tab") delimiter = "\t";
    if (delimiter.size() != 1 || delimiter[0] == '"' || delimiter[0] == '\n' || delimiter[0] == '\r') {
      return ConfigError("/csv/delimiter", "the delimiter must be one character other than a quote or a line end");
    }
    o.delimiter = delimiter[0];
    o.header = csv.value("header", true);
  }
  return o;
}

nlohmann::json RabbitmqBodyProperties() {
  return {
      {"format", {{"type", "string"}, {"title", "Body format"}, {"enum", {"json", "csv"}}, {"default", "json"},
                  {"description", "JSON: an object, an array of objects or records at record_path per message. CSV: records with a header line."}}},
      {"record_path", {{"type", "string"}, {"title", "Record path"}, {"default", ""},
                       {"description", "JSON: dotted path to the records inside each message; empty = the body itself."}}},
      {"csv", {{"type", "object"}, {"title", "CSV"}, {"additionalProperties", false},
               {"description", "CSV body options."},
               {"properties",
                {{"delimiter", {{"type", "string"}, {"title", "Delimiter"}, {"default", ","}, {"description", "One character; \\t or tab for tabs."}}},
                 {"header", {{"type", "boolean"}, {"title", "Header line"}, {"default", true},
                             {"description", "Each message starts with a header line naming its columns."}}}}}}},
  };
}

std::string_view BodyContentType(BodyFormat format) {
  return format == BodyFormat::kJson ? "application/json" : "text/csv";
}

Result<SchemaPtr> InferBodySchema(const std::vector<std::string>& bodies, const BodyOptions& options) {
  if (options.format == BodyFormat::kJson) {
    std::vector<nlohmann::ordered_json> docs;
    docs.reserve(bodies.size());
    std::vector<const nlohmann::ordered_json*> records;
    for (size_t i = 0; i < bodies.size(); ++i) {
      auto doc = ParseJsonBody(bodies[i]);
      if (!doc.ok()) return Status::InvalidArgument("message " + std::to_string(i + 1) + " of the sample: " + doc.status().message());
      docs.push_back(std::move(doc).value());
    }
    for (size_t i = 0; i < docs.size(); ++i) {
      auto found = FindRecords(docs[i], options.record_path);
      if (!found.ok()) return Status::InvalidArgument("message " + std::to_string(i + 1) + " of the sample: " + found.status().message());
      records.insert(records.end(), found->begin(), found->end());
    }
    return InferJsonSchema(records);
  }
  std::vector<std::string> names;
  std::map<std::string, int> index;
  std::vector<std::vector<std::string>> values;  // [column][sampled value]
  for (size_t i = 0; i < bodies.size(); ++i) {
    auto body = SplitCsvBody(bodies[i], options);
    if (!body.ok()) return Status::InvalidArgument("message " + std::to_string(i + 1) + " of the sample: " + body.status().message());
    std::vector<int> slot;  // body field → column
    if (options.header) {
      for (const auto& name : body->header) {
        auto [it, added] = index.emplace(name, static_cast<int>(names.size()));
        if (added) names.push_back(name);
        slot.push_back(it->second);
      }
    }
    for (const auto& row : body->rows) {
      if (!options.header) {
        while (names.size() < row.size()) names.push_back("column" + std::to_string(names.size() + 1));
        slot.resize(row.size());
        for (size_t f = 0; f < row.size(); ++f) slot[f] = static_cast<int>(f);
      }
      if (row.size() != slot.size()) {
        return Status::InvalidArgument("message " + std::to_string(i + 1) + " of the sample: a record has " +
                                       std::to_string(row.size()) + " fields, its header " + std::to_string(slot.size()));
      }
      values.resize(names.size());
      for (size_t f = 0; f < row.size(); ++f) values[static_cast<size_t>(slot[f])].push_back(row[f]);
    }
  }
  values.resize(names.size());
  std::vector<Field> fields;
  for (size_t c = 0; c < names.size(); ++c) {
    std::vector<std::string_view> views(values[c].begin(), values[c].end());
    fields.push_back({names[c], InferCsvType(views, {""}), true});
  }
  return MakeSchema(std::move(fields));
}

Result<int64_t> MessageDecoder::Append(std::string_view body, std::vector<ColumnBuilder>& builders) const {
  // Rows go to scratch builders first, so a body that fails halfway adds nothing.
  std::vector<ColumnBuilder> rows;
  for (const auto& f : schema_->fields()) rows.emplace_back(f.type, 4);
  LD_ASSIGN_OR_RETURN(int64_t n, options_.format == BodyFormat::kJson ? AppendJson(body, rows) : AppendCsv(body, rows));
  for (size_t c = 0; c < rows.size(); ++c) {
    ColumnPtr col = rows[c].Finish();
    for (int64_t r = 0; r < n; ++r) builders[c].AppendFrom(*col, r);
  }
  return n;
}

Result<int64_t> MessageDecoder::AppendJson(std::string_view body, std::vector<ColumnBuilder>& rows) const {
  LD_ASSIGN_OR_RETURN(nlohmann::ordered_json doc, ParseJsonBody(body));
  LD_ASSIGN_OR_RETURN(auto records, FindRecords(doc, options_.record_path));
  LD_ASSIGN_OR_RETURN(BatchPtr batch, JsonRecordsToBatch(records, schema_, 0));
  for (int c = 0; c < batch->num_columns(); ++c) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) rows[static_cast<size_t>(c)].AppendFrom(*batch->column(c), r);
  }
  return batch->num_rows();
}

Result<int64_t> MessageDecoder::AppendCsv(std::string_view body, std::vector<ColumnBuilder>& rows) const {
  LD_ASSIGN_OR_RETURN(CsvBody csv, SplitCsvBody(body, options_));
  const int columns = schema_->num_fields();
  std::vector<int> slot;  // body field → column
  if (options_.header) {
    for (const auto& name : csv.header) {
      int c = schema_->FieldIndex(name);
      if (c < 0) return Status::DataError("header column '" + name + "' is not one of the node's columns");
      slot.push_back(c);
    }
  } else {
    for (int c = 0; c < columns; ++c) slot.push_back(c);
  }
  std::vector<const std::string*> cells(static_cast<size_t>(columns));
  int64_t record = 0;
  for (const auto& fields : csv.rows) {
    ++record;
    if (fields.size() != slot.size()) {
      return Status::DataError("CSV record " + std::to_string(record) + " has " + std::to_string(fields.size()) +
                               " fields, expected " + std::to_string(slot.size()));
    }
    std::fill(cells.begin(), cells.end(), nullptr);
    for (size_t f = 0; f < fields.size(); ++f) cells[static_cast<size_t>(slot[f])] = &fields[f];
    for (int c = 0; c < columns; ++c) {
      ColumnBuilder& b = rows[static_cast<size_t>(c)];
      const std::string* text = cells[static_cast<size_t>(c)];
      if (text == nullptr || text->empty()) {
        b.AppendNull();
        continue;
      }
      Status s = AppendParsedText(*text, b);
      if (!s.ok()) return s.WithContext("CSV record " + std::to_string(record) + ", column '" + schema_->field(c).name + "'");
    }
  }
  return static_cast<int64_t>(csv.rows.size());
}

MessageEncoder::MessageEncoder(BodyOptions options, SchemaPtr schema, std::vector<int> columns)
    : options_(std::move(options)), schema_(std::move(schema)), columns_(std::move(columns)), csv_(CsvWriting(options_)) {
  std::vector<std::string> names;
  for (int c : columns_) {
    const std::string& name = schema_->field(c).name;
    names.push_back(name);
    std::string key;
    AppendJsonString(name, &key);
    json_keys_.push_back(key + ":");
  }
  if (options_.format == BodyFormat::kCsv && options_.header) csv_.AppendHeader(names, &csv_header_);
}

void MessageEncoder::Encode(const Batch& batch, int64_t row, std::string* out) const {
  out->clear();
  if (options_.format == BodyFormat::kCsv) {
    *out = csv_header_;
    csv_.AppendRow(batch, columns_, row, out);
    return;
  }
  out->push_back('{');
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(json_keys_[i]);
    const Column& column = *batch.column(columns_[i]);
    if (column.type().id == TypeId::kDecimal && !column.IsNull(row)) {
      // As a string: JSON readers commonly parse numbers as doubles, which would drop digits.
      std::string text;
      AppendJsonValue(column, row, &text);
      AppendJsonString(text, out);
    } else {
      AppendJsonValue(column, row, out);
    }
  }
  out->push_back('}');
}

}  // namespace logidata
