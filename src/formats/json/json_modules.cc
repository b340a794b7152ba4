#include "formats/json/json_modules.h"

#include "formats/json/json_load_operator.h"
#include "formats/json/json_reader.h"
#include "formats/json/record_extract_operator.h"
#include "formats/xlsx/xlsx_modules.h"
#include "formats/xml/xml_modules.h"

namespace logidata {

nlohmann::json FormatProp(const char* type, const char* title, const char* description) {
  return {{"type", type}, {"title", title}, {"description", description}};
}

void AddSampleProps(nlohmann::json& props) {
  props["infer_rows"] = FormatProp("integer", "Rows to sample", "How many records of the first file are read to infer column types.");
  props["infer_rows"]["minimum"] = 1;
  props["infer_rows"]["default"] = 10000;
  props["columns"] = FormatProp("object", "Column types",
                                "Types for some or all columns by name, overriding inference: bool, int32, int64, float64, "
                                "decimal(p,s), string, date, timestamp.");
  props["columns"]["additionalProperties"] = {{"type", "string"}};
  props["columns"]["default"] = nlohmann::json::object();
}

Result<std::unique_ptr<Operator>> MakeJsonExtractOperator(const BindContext& ctx) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json& cfg = ctx.config != nullptr ? ctx.cfg() : kEmpty;
  JsonReadOptions options;
  std::string format = cfg.value("format", std::string("auto"));
  if (format == "array") {
    options.format = JsonFormat::kArray;
  } else if (format == "ndjson") {
    options.format = JsonFormat::kNdjson;
  } else if (format != "auto") {
    return ConfigError("/format", "must be auto, array or ndjson, not '" + format + "'");
  }
  std::string record_path = cfg.value("record_path", std::string());
  size_t start = 0;
  while (!record_path.empty()) {
    size_t dot = record_path.find('.', start);
    std::string key = record_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) return ConfigError("/record_path", "empty key in '" + record_path + "'");
    options.record_path.push_back(key);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (options.format == JsonFormat::kNdjson && !options.record_path.empty()) {
    return ConfigError("/record_path", "record_path needs a JSON document (format auto or array), not NDJSON");
  }
  RecordReader reader = [options](const std::string& path, const Buffer& data, int64_t max_records,
                                  std::vector<Record>* out) {
    return ReadJsonRecords(options, path, data, max_records, out);
  };
  return MakeRecordExtractOperator(ctx, std::move(reader));
}

ModuleDescriptor JsonExtractModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kExtract;
  d.name = "json";
  d.summary = "Reads records from JSON or NDJSON files.";
  d.description =
      "Reads a JSON array of objects or NDJSON (one object per line) from a file, a glob (`data/*.json`) or a "
      "folder. `record_path` (e.g. `data.items`) picks the array inside a document.\n\n"
      "Nested objects become dotted columns (`address.city`); arrays are kept as JSON text. Column types are "
      "inferred from the first `infer_rows` records (bool, int64, float64, date and timestamp when every "
      "sampled string parses, else string); set `columns` to choose types yourself. Malformed input fails the "
      "run naming `file:line:column` (NDJSON) and the reason.";
  d.category = "files";
  d.icon = "file-json";
  d.outputs = {{"out", "The records of the file(s)."}};
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FormatProp("string", "Path", "A file, a glob such as data/*.json, or a folder. Relative paths start at the pipeline's folder.");
  props["path"]["minLength"] = 1;
  props["path"]["format"] = "path";
  props["format"] = FormatProp("string", "Format", "auto: an array when the file starts with [, else NDJSON.");
  props["format"]["enum"] = {"auto", "array", "ndjson"};
  props["format"]["default"] = "auto";
  props["record_path"] = FormatProp("string", "Record path", "Dotted keys to the array of records inside the document, e.g. data.items; empty for the top level.");
  props["record_path"]["default"] = "";
  AddSampleProps(props);
  d.config_schema = {{"type", "object"}, {"title", "JSON extract"}, {"properties", props},
                     {"required", {"path"}}, {"additionalProperties", false}};
  d.factory = MakeJsonExtractOperator;
  return d;
}

ModuleDescriptor JsonLoadModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kLoad;
  d.name = "json";
  d.summary = "Writes rows to a JSON or NDJSON file.";
  d.description =
      "Writes the input rows, in order, as NDJSON (one object per line, the default) or one JSON array. Numbers "
      "are exact (decimals as numbers), dates and timestamps ISO strings, NULL as null. The file appears only "
      "when the run succeeds.";
  d.category = "files";
  d.icon = "file-json";
  d.inputs = {{"in", "The rows to write."}};
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FormatProp("string", "Path", "The output file.");
  props["path"]["minLength"] = 1;
  props["path"]["format"] = "path";
  props["format"] = FormatProp("string", "Format", "ndjson: one object per line; array: one JSON array.");
  props["format"]["enum"] = {"ndjson", "array"};
  props["format"]["default"] = "ndjson";
  d.config_schema = {{"type", "object"}, {"title", "JSON load"}, {"properties", props},
                     {"required", {"path"}}, {"additionalProperties", false}};
  d.factory = MakeJsonLoadOperator;
  return d;
}

Status RegisterJsonModules(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(JsonExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(JsonLoadModule()));
  LD_RETURN_IF_ERROR(RegisterXlsxModules(registry));
  LD_RETURN_IF_ERROR(RegisterXmlModules(registry));
  return Status::OK();
}

}  // namespace logidata
