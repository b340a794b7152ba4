#include "formats/json/json_reader.h"

#include <simdjson.h>

#include "formats/json/json_error_location.h"

namespace logidata {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

void Flatten(element value, const std::string& name, Record* record) {
  switch (value.type()) {
    case element_type::OBJECT: {
      simdjson::dom::object obj = value.get_object().value_unsafe();
      if (obj.size() == 0 && !name.empty()) {
        record->fields.emplace_back(name, Cell::String("{}"));
        return;
      }
      for (auto field : obj) {
        std::string child = name.empty() ? std::string(field.key) : name + "." + std::string(field.key);
        Flatten(field.value, child, record);
      }
      return;
    }
    case element_type::ARRAY: record->fields.emplace_back(name, Cell::String(simdjson::minify(value))); return;
    case element_type::INT64: record->fields.emplace_back(name, Cell::Int(value.get_int64().value_unsafe())); return;
    case element_type::UINT64:
      record->fields.emplace_back(name, Cell::Double(static_cast<double>(value.get_uint64().value_unsafe())));
      return;
    case element_type::DOUBLE: record->fields.emplace_back(name, Cell::Double(value.get_double().value_unsafe())); return;
    case element_type::STRING:
      record->fields.emplace_back(name, Cell::String(std::string(value.get_string().value_unsafe())));
      return;
    case element_type::BOOL: record->fields.emplace_back(name, Cell::Bool(value.get_bool().value_unsafe())); return;
    case element_type::NULL_VALUE: record->fields.emplace_back(name, Cell::Null()); return;
  }
}

Record ToRecord(element value, int64_t line) {
  Record r;
  r.line = line;
  // A scalar or array element of the record array becomes a one-column record.
  Flatten(value, value.type() == element_type::OBJECT ? "" : "value", &r);
  return r;
}

// simdjson knows only that the text is invalid; the locator finds where. `first_line` is the
// file line the text starts on: 1 for a document, the line's number for NDJSON.
Status InvalidJson(const std::string& path, std::string_view text, int64_t first_line, simdjson::error_code error) {
  if (auto located = LocateSimdjsonError(text)) {
    return Status::DataError(path + ":" + std::to_string(first_line - 1 + static_cast<int64_t>(located->line)) + ":" +
                             std::to_string(located->column) + ": invalid JSON: " + located->reason);
  }
  // Not found: name only what is certain (a document's line is unknown).
  const std::string where = first_line > 1 || text.find('\n') == std::string_view::npos
                                ? path + ":" + std::to_string(first_line)
                                : path;
  return Status::DataError(where + ": invalid JSON: " + simdjson::error_message(error));
}

std::string Join(const std::vector<std::string>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? "." : "") + parts[i];
  return out;
}

Status ReadDocument(const JsonReadOptions& options, const std::string& path, std::string_view text, int64_t max_records,
                    std::vector<Record>* out) {
  simdjson::dom::parser parser;
  element root;
  auto error = parser.parse(text.data(), text.size()).get(root);
  if (error) return InvalidJson(path, text, 1, error);
  element at = root;
  for (size_t i = 0; i < options.record_path.size(); ++i) {
    simdjson::dom::object obj;
    if (at.get_object().get(obj)) {
      return Status::DataError(path + ": record_path '" + Join(options.record_path, i) + "' is not an object");
    }
    if (obj.at_key(options.record_path[i]).get(at)) {
      return Status::DataError(path + ": record_path: no key '" + Join(options.record_path, i + 1) + "'");
    }
  }
  simdjson::dom::array records;
  if (at.get_array().get(records)) {
    if (at.type() == element_type::OBJECT) {  // a single record
      out->push_back(ToRecord(at, 1));
      return Status::OK();
    }
    return Status::DataError(path + ": expected an array of records" +
                             (options.record_path.empty() ? "" : " at '" + Join(options.record_path, options.record_path.size()) + "'"));
  }
  for (element e : records) {
    if (max_records >= 0 && static_cast<int64_t>(out->size()) >= max_records) break;
    out->push_back(ToRecord(e, 0));
  }
  return Status::OK();
}

Status ReadLines(const std::string& path, std::string_view text, int64_t max_records, std::vector<Record>* out) {
  simdjson::dom::parser parser;
  int64_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    if (max_records >= 0 && static_cast<int64_t>(out->size()) >= max_records) break;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line;
    std::string_view row = text.substr(pos, end - pos);
    pos = end + 1;
    size_t first = row.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    element doc;
    auto error = parser.parse(row.data(), row.size()).get(doc);
    if (error) return InvalidJson(path, row, line, error);
    if (doc.type() != element_type::OBJECT) {
      return Status::DataError(path + ":" + std::to_string(line) + ":" + std::to_string(first + 1) +
                               ": expected a JSON object per line");
    }
    out->push_back(ToRecord(doc, line));
  }
  return Status::OK();
}

}  // namespace

Status ReadJsonRecords(const JsonReadOptions& options, const std::string& path, const Buffer& data,
                       int64_t max_records, std::vector<Record>* out) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  JsonFormat format = options.format;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Status::OK();  // an empty file has no records
  if (format == JsonFormat::kAuto) {
    format = text[first] == '[' || !options.record_path.empty() ? JsonFormat::kArray : JsonFormat::kNdjson;
  }
  try {
    if (format == JsonFormat::kArray) return ReadDocument(options, path, text, max_records, out);
    return ReadLines(path, text, max_records, out);
  } catch (const std::exception& e) {  // allocation failures inside simdjson
    return Status::DataError(path + ": " + e.what());
  }
}

}  // namespace logidata
