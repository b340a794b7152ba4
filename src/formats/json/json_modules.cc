#include "formats/json/json_modules.h"

#include "formats/json/json_load_operator.h"
#include "formats/json/json_reader.h"
#include "formats/json/ndjson_extract_operator.h"
#include "formats/json/record_extract_operator.h"
#include "formats/xlsx/xlsx_modules.h"
#include "formats/xml/xml_modules.h"
#include "module/file_module_schema.h"

namespace logidata {

Result<std::unique_ptr<Operator>> MakeJsonExtractOperator(const BindContext& ctx) {
  const nlohmann::json& cfg = FileModuleConfig(ctx);
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
  RecordReader reader = BindRecordReader(ReadJsonRecords, options);
  auto array_reader = [&ctx, reader] { return MakeRecordExtractOperator(ctx, reader); };
  if (options.format == JsonFormat::kArray || !options.record_path.empty()) return array_reader();
  return MakeNdjsonExtractOperator(ctx, array_reader);  // streams NDJSON; hands arrays back
}

ModuleDescriptor JsonExtractModule() {
  ModuleDescriptor d = FileModuleDescriptor(ModuleKind::kExtract, "json", "file-json",
                                            "Reads records from JSON or NDJSON files.", "The records of the file(s).");
  d.description =
      "Reads a JSON array of objects or NDJSON (one object per line) from a file, a glob (`data/*.json`) or a "
      "folder. `record_path` (e.g. `data.items`) picks the array inside a document.\n\n"
      "Nested objects become dotted columns (`address.city`); arrays are kept as JSON text. Column types are "
      "inferred from the first `infer_rows` records (bool, int64, float64, date and timestamp when every "
      "sampled string parses, else string); set `columns` to choose types yourself. Malformed input fails the "
      "run naming `file:line:column` and the reason.";
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FilePathProperty("A file, a glob such as data/*.json, or a folder. Relative paths start at the pipeline's folder.");
  props["format"] = SchemaProperty("string", "Format", "auto: an array when the file starts with [, else NDJSON.");
  props["format"]["enum"] = {"auto", "array", "ndjson"};
  props["format"]["default"] = "auto";
  props["record_path"] = SchemaProperty("string", "Record path", "Dotted keys to the array of records inside the document, e.g. data.items; empty for the top level.");
  props["record_path"]["default"] = "";
  AddTypeSamplingProperties(props, "records", kRecordColumnTypeNames);
  d.config_schema = FileModuleConfigSchema("JSON extract", std::move(props));
  d.factory = MakeJsonExtractOperator;
  return d;
}

ModuleDescriptor JsonLoadModule() {
  ModuleDescriptor d = FileModuleDescriptor(ModuleKind::kLoad, "json", "file-json",
                                            "Writes rows to a JSON or NDJSON file.", "The rows to write.");
  d.description =
      "Writes the input rows, in order, as NDJSON (one object per line, the default) or one JSON array. Numbers "
      "are exact (decimals as numbers), dates and timestamps ISO strings, NULL as null. The file appears only "
      "when the run succeeds.";
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FilePathProperty("The output file.");
  props["format"] = SchemaProperty("string", "Format", "ndjson: one object per line; array: one JSON array.");
  props["format"]["enum"] = {"ndjson", "array"};
  props["format"]["default"] = "ndjson";
  d.config_schema = FileModuleConfigSchema("JSON load", std::move(props));
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
