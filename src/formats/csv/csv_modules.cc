#include "formats/csv/csv_modules.h"

#include "module/file_module_schema.h"

namespace logidata {

namespace {

// The types `columns` accepts, as the schema's description lists them.
constexpr const char* kCsvColumnTypeNames =
    "bool, int32, int64, float64, decimal(p,s), string, date, timestamp, timestamptz";

}  // namespace

ModuleDescriptor CsvExtractModule() {
  ModuleDescriptor d = FileModuleDescriptor(ModuleKind::kExtract, "csv", "file-csv", "Reads rows from CSV files.",
                                            "The rows of the file(s).");
  d.description =
      "Reads one CSV file, a glob of files (`data/*.csv`, `logs/**/*.csv.gz`) or every file of a folder. "
      "All files must share the header of the first one.\n\n"
      "Column types are inferred from a sample of the first file (bool, int64, float64, date, timestamp, "
      "else string); set `columns` to choose types yourself, e.g. `{\"amount\": \"decimal(12,2)\"}`.\n\n"
      "Handles quoted fields (with delimiters and line breaks inside), CRLF line ends, a UTF-8 byte order "
      "mark, Latin-1 files and gzip/zstd compression. Text must be valid UTF-8 unless `encoding` says "
      "latin-1. Malformed rows (an invalid UTF-8 byte included) either fail the run with "
      "`file:line:column` and the reason, or are skipped and listed in a rejects file.";
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FilePathProperty("A file, a glob such as data/*.csv, or a folder. Relative paths start at the pipeline's folder.");
  props["delimiter"] = SchemaProperty("string", "Delimiter", "The character between fields; \\t or tab for tabs.");
  props["delimiter"]["default"] = ",";
  props["quote"] = SchemaProperty("string", "Quote", "The character around fields that contain delimiters or line breaks; empty for none.");
  props["quote"]["default"] = "\"";
  props["quote"]["maxLength"] = 1;
  props["escape"] = SchemaProperty("string", "Escape",
                         "How a quote is written inside a quoted field: empty (the default) for a doubled quote (\"\"), "
                         "a character such as \\ that escapes the next character, or none.");
  props["escape"]["default"] = "";
  props["header"] = SchemaProperty("boolean", "Header row", "The first line holds the column names. Without it columns are named column1, column2, …");
  props["header"]["default"] = true;
  props["encoding"] = SchemaProperty("string", "Encoding", "Text encoding of the files; Latin-1 is converted to UTF-8.");
  props["encoding"]["enum"] = {"utf-8", "latin-1"};
  props["encoding"]["default"] = "utf-8";
  props["skip_bom"] = SchemaProperty("boolean", "Skip byte order mark", "Ignore a UTF-8 byte order mark at the start of each file.");
  props["skip_bom"]["default"] = true;
  props["null_values"] = SchemaProperty("array", "Null values", "Unquoted field texts read as NULL.");
  props["null_values"]["items"] = {{"type", "string"}};
  props["null_values"]["default"] = nlohmann::json::array({""});
  AddTypeSamplingProperties(props, "rows", kCsvColumnTypeNames);
  props["compression"] = SchemaProperty("string", "Compression", "auto decides by extension (.gz, .zst).");
  props["compression"]["enum"] = {"auto", "none", "gzip", "zstd"};
  props["compression"]["default"] = "auto";
  props["on_error"] = SchemaProperty("string", "On a malformed row",
                           "fail: stop the run naming file:line:column and the reason. skip: drop the row and go on.");
  props["on_error"]["enum"] = {"fail", "skip"};
  props["on_error"]["default"] = "fail";
  props["rejects_path"] = SchemaProperty("string", "Rejects file",
                               "With on_error: skip, a CSV file receiving each dropped row: line, column, reason, raw text.");
  props["rejects_path"]["format"] = "path";
  props["chunk_bytes"] = SchemaProperty("integer", "Chunk size (advanced)",
                              "Bytes per parallel parsing chunk; 0 sizes chunks to about 64K rows.");
  props["chunk_bytes"]["minimum"] = 0;
  props["chunk_bytes"]["default"] = 0;
  d.config_schema = FileModuleConfigSchema("CSV extract", std::move(props));
  d.factory = MakeCsvExtractOperator;
  return d;
}

ModuleDescriptor CsvLoadModule() {
  ModuleDescriptor d =
      FileModuleDescriptor(ModuleKind::kLoad, "csv", "file-csv", "Writes rows to a CSV file.", "The rows to write.");
  d.description =
      "Writes the input rows, in order, to one CSV file, or with `partition_by` to one file per value under "
      "`path/column=value/part-0.csv`. Dates and timestamps are written in ISO format, doubles as the shortest "
      "text that reads back exactly. The output appears only when the run succeeds: a failed run leaves the "
      "target as it was.";
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FilePathProperty("The output file, or the output folder with partition_by.");
  props["delimiter"] = SchemaProperty("string", "Delimiter", "The character between fields; \\t or tab for tabs.");
  props["delimiter"]["default"] = ",";
  props["quote"] = SchemaProperty("string", "Quote", "The quote character.");
  props["quote"]["default"] = "\"";
  props["quote"]["minLength"] = 1;
  props["quote"]["maxLength"] = 1;
  props["quote_style"] = SchemaProperty("string", "Quoting",
                              "minimal: only fields that need it; all: every non-null field; none: never (fields must not "
                              "contain delimiters or line breaks).");
  props["quote_style"]["enum"] = {"minimal", "all", "none"};
  props["quote_style"]["default"] = "minimal";
  props["header"] = SchemaProperty("boolean", "Header row", "Write the column names as the first line.");
  props["header"]["default"] = true;
  props["null_value"] = SchemaProperty("string", "Null text", "The text written for NULL.");
  props["null_value"]["default"] = "";
  props["compression"] = SchemaProperty("string", "Compression", "Compress the output file(s).");
  props["compression"]["enum"] = {"none", "gzip", "zstd"};
  props["compression"]["default"] = "none";
  props["partition_by"] = SchemaProperty("array", "Partition by",
                               "Columns whose values split the output into folders column=value/; they are not repeated "
                               "inside the files.");
  props["partition_by"]["items"] = {{"type", "string"}};
  props["partition_by"]["default"] = nlohmann::json::array();
  d.config_schema = FileModuleConfigSchema("CSV load", std::move(props));
  d.factory = MakeCsvLoadOperator;
  return d;
}

Status RegisterCsvModules(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(CsvExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(CsvLoadModule()));
  return Status::OK();
}

}  // namespace logidata
