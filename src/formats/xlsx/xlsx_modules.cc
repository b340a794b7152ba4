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

constexpr const char* kXlsxExtractDetails = R"md(`range` is `B2:F100`, or `B2:F` for every row from 2. With `header`, empty names become `columnN` and duplicates get `_2`, `_3`; without it columns are `column1`, `column2`, … counted from the range's first column.

The zip is read with minizip from memory, the workbook, relationships, shared strings and styles with pugixml, and the sheet itself streamed with expat. Numbers (whole numbers as int64), booleans, shared and inline strings and formula string results keep their types; error cells read as NULL. A number whose cell style is a date format (built-in formats 14–22, 27–36, 45–47, 50–58, or a custom code with d/m/y/h/s outside quotes and brackets) becomes a date when it is a whole day and a timestamp otherwise; the 1904 date system is honoured. Type inference and `columns` work as for [extract.json](extract.json.md); Excel strings may only become dates or timestamps.

Errors name the record's Excel row (`book.xlsx:12: column 'qty': cannot read 'n/a' as int64`), the missing sheet with the sheet list, or the broken part (`not an Excel .xlsx file`, `corrupt or truncated zip data`, `malformed XML`).

```json
{"id": "budget", "module": "extract.xlsx", "config": {"path": "budget.xlsx", "sheet": "2024", "range": "A3:H"}}
```)md";

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
  d.description += "\n\n";
  d.description += kXlsxExtractDetails;
  return d;
}

constexpr const char* kXlsxLoadDetails = R"md(Written with libxlsxwriter in constant-memory mode (rows stream to a temp file in the run's spill folder), then copied to the target through the file system when the run succeeds. The sheet name has 1–31 characters, none of `[ ] : * ? / \`. Decimals and int64 values are Excel numbers (doubles: exact up to 15–16 digits). Dates outside Excel's calendar (before 1900) are written as ISO text. More than 1,048,576 rows or a text over 32,767 characters fails the run. The tests convert files we write to CSV with LibreOffice and read them back.)md";

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
  d.description += "\n\n";
  d.description += kXlsxLoadDetails;
  return d;
}

}  // namespace

Status RegisterXlsxModules(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(XlsxExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(XlsxLoadModule()));
  return Status::OK();
}

}  // namespace logidata
