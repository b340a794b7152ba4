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

constexpr const char* kJsonExtractDetails = R"md(**Reading.** Every file (a single path, a glob such as `data/*.json`, or a folder) is read in path order, in batches of up to 64K rows, through the run's file system, so the module works on object storage too. `format: auto` reads an array when the file starts with `[` or `record_path` is set, else NDJSON. A single object at `record_path` is one record. Nested objects flatten to dotted columns (`{"address":{"city":"Oslo"}}` → `address.city`); arrays stay minified JSON text (`["a","b"]`); an empty object is the text `{}`; elements of the record array that are not objects become a column `value`. Unsigned integers above int64 become float64. A UTF-8 byte order mark is skipped; blank NDJSON lines are ignored. When a key repeats within one record, its first value counts.

NDJSON streams: files (plain, `.gz` or `.zst`) are cut into chunks of whole lines (about 64K lines each) that every core parses in parallel straight into columns, in file order, so memory stays at the chunks in flight whatever the file size (10M orders, 2 GB: about 0.4 GB peak). JSON documents (`array`, `record_path`) are parsed whole, so they need memory in proportion to the file.

**Type inference** picks, per column, the narrowest type every non-null sampled value reads as: `bool`, `int64`, `float64` (ints and floats mixed), `date` / `timestamp` (strings that all parse as ISO dates or timestamps; dates mixed with timestamps give `timestamp`), else `string`. Values of different kinds (a number and a string) give `string`; JSON strings may only become dates or timestamps. `columns` overrides types by name (`bool, int32, int64, float64, decimal(p,s), string, date, timestamp`); a named column not seen in the sample is added. Columns that first appear after the sample (or only in a later file) are not read, and not silently: when the input ends, the run log gets one warning naming them, each with where it was first seen (`file:line` for NDJSON, `file record N` for arrays) and in how many records — add them to `columns` or raise `infer_rows`. A value that does not fit its column's type fails the run with `file:line: column 'x': cannot read 'abc' as int64` — set its type in `columns` or raise `infer_rows`. Without access to the data (validating in the editor), a node whose `columns` lists every column still gets its schema.

**Errors.** A syntax error names `file:line:column` of the offending byte and the reason, in NDJSON and in documents alike: `orders.ndjson:3:8: invalid JSON: syntax error while parsing value - unexpected '}'; expected '[', '{', or a literal`, `data.json:2:11: invalid JSON: number overflow parsing '1e999'`. Columns count bytes from 1; a byte order mark is not counted. Valid JSON beyond the parser's limits is located the same way: an integer beyond 64 bits (write it as a string or with a decimal point), nesting deeper than 1024 levels, a byte order mark that is not at the start of the file. Structural problems name the file and the reason (`record_path: no key 'data.items'`, `expected an array of records at 'data'`).

```json
{"id": "orders", "module": "extract.json",
 "config": {"path": "in/orders-*.json", "record_path": "data.items", "columns": {"amount": "decimal(12,2)"}}}
```)md";

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
  d.description += "\n\n";
  d.description += kJsonExtractDetails;
  return d;
}

constexpr const char* kJsonLoadDetails = R"md(`array` writes `[`, one object per line, `]`. Keys and strings are escaped per RFC 8259 (control characters as `\u00XX`); ints and decimals are written exactly as numbers (`-12.50`); doubles as the shortest text that reads back exactly, non-finite doubles as `null`; dates `"2024-01-02"`; timestamps `"2024-01-02T03:04:05[.ffffff]"` (plus `Z` for zoned timestamps). The file is written atomically: a failed or cancelled run leaves the target as it was. Output from `load.json` reads back through [extract.json](extract.json.md) with the same schema and rows.)md";

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
  d.description += "\n\n";
  d.description += kJsonLoadDetails;
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
