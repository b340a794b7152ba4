#include "formats/xlsx/xlsx_modules.h"

#include "formats/json/record_extract_operator.h"
#include "formats/xlsx/xlsx_load_operator.h"
#include "formats/xlsx/xlsx_reader.h"
#include "module/file_module_schema.h"

namespace logidata {

namespace {

Result<std::unique_ptr<Operator>> MakeXlsxExtractOperator(const BindContext& ctx) {
  const nlohmann::json& cfg = FileModuleConfig(ctx);
  XlsxReadOptions options;
  options.sheet = cfg.value("sheet", std::string());
  options.sheet_index = cfg.value("sheet_index", 1);
  if (options.sheet_index < 1) return ConfigError("/sheet_index", "sheets are numbered from 1");
  options.header = cfg.value("header", true);
  std::string range = cfg.value("range", std::string());
  if (!range.empty()) {
    auto parsed = ParseCellRange(range);
    if (!parsed) return ConfigError("/range", "'" + range + "' is not a cell range such as B2:F100 (or B2:F)");
    options.range = *parsed;
  }
  return MakeRecordExtractOperator(ctx, BindRecordReader(ReadXlsxRecords, std::move(options)));
}

ModuleDescriptor XlsxExtractModule() {
  ModuleDescriptor d = FileModuleDescriptor(ModuleKind::kExtract, "xlsx", "file-excel",
                                            "Reads rows from a sheet of Excel .xlsx files.", "The rows of the sheet(s).");
  d.description =
      "Reads one worksheet, chosen by name or number, of an .xlsx file, a glob or a folder, optionally only a cell "
      "range such as `B2:F100`. With `header`, the range's first row names the columns, else they are column1, "
      "column2, …\n\nCells keep their types: numbers, booleans, text, and dates or timestamps for numbers shown "
      "with a date format. Column types are inferred from the first `infer_rows` rows; set `columns` to choose.";
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FilePathProperty("A file, a glob such as data/*.xlsx, or a folder.");
  props["sheet"] = SchemaProperty("string", "Sheet name", "The worksheet to read; empty to pick it by number.");
  props["sheet"]["default"] = "";
  props["sheet_index"] = SchemaProperty("integer", "Sheet number", "Without a sheet name: the worksheet's position, from 1.");
  props["sheet_index"]["minimum"] = 1;
  props["sheet_index"]["default"] = 1;
  props["range"] = SchemaProperty("string", "Cell range", "Only these cells, e.g. B2:F100, or B2:F for every row from 2; empty for the whole sheet.");
  props["range"]["default"] = "";
  props["header"] = SchemaProperty("boolean", "Header row", "The first row of the range holds the column names.");
  props["header"]["default"] = true;
  AddTypeSamplingProperties(props, "records", kRecordColumnTypeNames);
  d.config_schema = FileModuleConfigSchema("Excel extract", std::move(props));
  d.factory = MakeXlsxExtractOperator;
  return d;
}

ModuleDescriptor XlsxLoadModule() {
  ModuleDescriptor d = FileModuleDescriptor(ModuleKind::kLoad, "xlsx", "file-excel",
                                            "Writes rows to an Excel .xlsx file.", "The rows to write.");
  d.description =
      "Writes the input rows, in order, to one worksheet of a new .xlsx file: numbers and booleans as such, dates "
      "and timestamps as Excel dates (yyyy-mm-dd, yyyy-mm-dd hh:mm:ss), NULL as an empty cell. A sheet holds at "
      "most 1,048,576 rows. The file appears only when the run succeeds.";
  nlohmann::json props = nlohmann::json::object();
  props["path"] = FilePathProperty("The output .xlsx file.");
  props["sheet"] = SchemaProperty("string", "Sheet name", "The worksheet's name.");
  props["sheet"]["default"] = "Sheet1";
  props["sheet"]["maxLength"] = 31;
  props["header"] = SchemaProperty("boolean", "Header row", "Write the column names as the first row.");
  props["header"]["default"] = true;
  d.config_schema = FileModuleConfigSchema("Excel load", std::move(props));
  d.factory = MakeXlsxLoadOperator;
  return d;
}

}  // namespace

Status RegisterXlsxModules(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(XlsxExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(XlsxLoadModule()));
  return Status::OK();
}

}  // namespace logidata
