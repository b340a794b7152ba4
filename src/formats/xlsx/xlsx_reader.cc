#include "formats/xlsx/xlsx_reader.h"

#include <expat.h>

#include <charconv>
#include <cmath>
#include <map>
#include <pugixml.hpp>
#include <unordered_set>

#include "formats/xlsx/zip_reader.h"
#include "types/temporal.h"

namespace logidata {

namespace {

// Parses the letters of a cell reference ("AB12" → column 27, rest "12").
bool ParseColumn(std::string_view& text, int* col) {
  int64_t c = 0;
  size_t i = 0;
  while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
    c = c * 26 + (std::toupper(static_cast<unsigned char>(text[i])) - 'A' + 1);
    if (c > 16384) return false;
    ++i;
  }
  if (i == 0) return false;
  *col = static_cast<int>(c - 1);
  text.remove_prefix(i);
  return true;
}

bool ParseRow(std::string_view text, int64_t* row) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *row);
  return ec == std::errc() && p == text.data() + text.size() && *row >= 1;
}

std::string_view LocalName(const char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attr(const char** attrs, std::string_view name) {
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (LocalName(attrs[i]) == name) return attrs[i + 1];
  }
  return nullptr;
}

// True for a number format code that shows a date or time.
bool IsDateFormat(int id, std::string_view code) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) return true;
  if (code.empty()) return false;
  bool quoted = false, bracket = false;
  for (char ch : code) {
    if (quoted) { quoted = ch != '"'; continue; }
    if (bracket) { bracket = ch != ']'; continue; }
    if (ch == '"') { quoted = true; continue; }
    if (ch == '[') { bracket = true; continue; }
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c == 'd' || c == 'm' || c == 'y' || c == 'h' || c == 's') return true;
  }
  return false;
}

// Workbook-level facts the sheet parser needs.
struct Workbook {
  std::vector<std::string> shared_strings;
  std::vector<bool> date_styles;  // by cellXfs index
  bool date1904 = false;
};

Result<pugi::xml_document> ParseXml(const std::string& path, const std::string& part, const std::string& text) {
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size());
  if (!r) {
    return Status::DataError(path + ": " + part + ": malformed XML at byte " + std::to_string(r.offset) + ": " +
                             r.description());
  }
  return doc;
}

pugi::xml_node Child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node c : node.children()) {
    if (LocalName(c.name()) == name) return c;
  }
  return {};
}

void CollectText(const pugi::xml_node& node, std::string* out) {
  for (pugi::xml_node c : node.children()) {
    std::string_view n = LocalName(c.name());
    if (n == "rPh") continue;  // phonetic hints are not part of the text
    if (n == "t") out->append(c.child_value());
    else if (c.type() == pugi::node_element) CollectText(c, out);
  }
}

// Streaming state of the sheet parser.
struct SheetParser {
  const XlsxReadOptions* options;
  const Workbook* workbook;
  int64_t max_records;
  std::vector<Record>* out;
  std::string error;

  std::vector<std::string> names;  // by column offset within the range
  bool header_done = false;
  int64_t row = 0;
  int col = -1;
  bool in_row = false;
  std::vector<std::pair<int, Cell>> cells;  // of the current row
  // current cell
  std::string type, value;
  int style = 0;
  bool collecting = false;  // inside <v> or <t>
  bool in_cell = false;
  XML_Parser parser = nullptr;

  Cell MakeCell() {
    if (type == "s") {
      int64_t index = -1;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), index);
      if (ec != std::errc() || index < 0 || index >= static_cast<int64_t>(workbook->shared_strings.size())) {
        error = "cell " + CellName() + ": bad shared string index '" + value + "'";
        return Cell::Null();
      }
      return Cell::String(workbook->shared_strings[static_cast<size_t>(index)]);
    }
    if (type == "inlineStr" || type == "str") return Cell::String(value);
    if (type == "b") return Cell::Bool(value == "1" || value == "true");
    if (type == "e" || value.empty()) return Cell::Null();
    double d = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
    if (ec != std::errc() || !std::isfinite(d)) {
      error = "cell " + CellName() + ": bad number '" + value + "'";
      return Cell::Null();
    }
    if (style >= 0 && style < static_cast<int>(workbook->date_styles.size()) && workbook->date_styles[static_cast<size_t>(style)] &&
        std::fabs(d) < 3e6) {
      // Serial days since 1899-12-30 (or 1904-01-01).
      const int64_t epoch = workbook->date1904 ? DaysFromCivil(1904, 1, 1) : DaysFromCivil(1899, 12, 30);
      auto micros = static_cast<int64_t>(std::llround(d * static_cast<double>(kMicrosPerDay)));
      if (micros % kMicrosPerDay == 0) return Cell::Date(static_cast<int32_t>(epoch + micros / kMicrosPerDay));
      return Cell::Timestamp(epoch * kMicrosPerDay + micros);
    }
    if (d == std::trunc(d) && std::fabs(d) < 9e15) return Cell::Int(static_cast<int64_t>(d));
    return Cell::Double(d);
  }

  std::string CellName() const {
    std::string letters;
    for (int c = col + 1; c > 0; c = (c - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
    return letters + std::to_string(row);
  }

  void FinishRow() {
    const CellRange& range = options->range;
    if (row < range.first_row || row > range.last_row) return;
    if (options->header && !header_done) {
      header_done = true;
      std::unordered_set<std::string> seen;
      for (auto& [c, cell] : cells) {
        size_t at = static_cast<size_t>(c - range.first_col);
        if (names.size() <= at) names.resize(at + 1);
        std::string name = cell.kind == Cell::Kind::kNull ? "" : (cell.kind == Cell::Kind::kString ? cell.s : "");
        if (cell.kind == Cell::Kind::kInt) name = std::to_string(cell.i);
        names[at] = name;
      }
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i].empty()) names[i] = "column" + std::to_string(i + 1);
        std::string base = names[i];
        for (int k = 2; !seen.insert(names[i]).second; ++k) names[i] = base + "_" + std::to_string(k);
      }
      return;
    }
    if (cells.empty()) return;
    Record r;
    r.line = row;
    for (auto& [c, cell] : cells) {
      size_t at = static_cast<size_t>(c - range.first_col);
      if (options->header && at >= names.size()) continue;  // no header above: not a column
      std::string name = at < names.size() ? names[at] : "column" + std::to_string(at + 1);
      r.fields.emplace_back(std::move(name), std::move(cell));
    }
    out->push_back(std::move(r));
    if (max_records >= 0 && static_cast<int64_t>(out->size()) >= max_records) XML_StopParser(parser, XML_FALSE);
  }

  void Start(const char* name, const char** attrs) {
    std::string_view n = LocalName(name);
    if (n == "row") {
      const char* r = Attr(attrs, "r");
      int64_t parsed = 0;
      row = r != nullptr && ParseRow(r, &parsed) ? parsed : row + 1;
      col = -1;
      cells.clear();
      in_row = true;
    } else if (n == "c" && in_row) {
      const char* r = Attr(attrs, "r");
      int parsed_col = -1;
      if (r != nullptr) {
        std::string_view ref(r);
        if (!ParseColumn(ref, &parsed_col)) parsed_col = -1;
      }
      col = parsed_col >= 0 ? parsed_col : col + 1;
      const char* t = Attr(attrs, "t");
      type = t != nullptr ? t : "n";
      const char* s = Attr(attrs, "s");
      style = s != nullptr ? std::atoi(s) : 0;
      value.clear();
      in_cell = true;
    } else if (in_cell && (n == "v" || (n == "t" && type == "inlineStr"))) {
      collecting = true;
    } else if (in_cell && n == "rPh") {
      collecting = false;
    }
  }

  void End(const char* name) {
    std::string_view n = LocalName(name);
    if (n == "v" || n == "t") {
      collecting = false;
    } else if (n == "c" && in_cell) {
      in_cell = false;
      const CellRange& range = options->range;
      if (col >= range.first_col && col <= range.last_col) {
        Cell cell = MakeCell();
        if (!error.empty()) {
          XML_StopParser(parser, XML_FALSE);
          return;
        }
        cells.emplace_back(col, std::move(cell));
      }
    } else if (n == "row" && in_row) {
      in_row = false;
      FinishRow();
    }
  }
};

void XMLCALL OnStart(void* data, const char* name, const char** attrs) { static_cast<SheetParser*>(data)->Start(name, attrs); }
void XMLCALL OnEnd(void* data, const char* name) { static_cast<SheetParser*>(data)->End(name); }
void XMLCALL OnText(void* data, const char* s, int len) {
  auto* p = static_cast<SheetParser*>(data);
  if (p->collecting) p->value.append(s, static_cast<size_t>(len));
}

Result<Workbook> ReadWorkbook(ZipReader& zip, const std::string& path) {
  Workbook wb;
  LD_ASSIGN_OR_RETURN(auto sst, zip.Read("xl/sharedStrings.xml"));
  if (sst) {
    LD_ASSIGN_OR_RETURN(auto doc, ParseXml(path, "xl/sharedStrings.xml", *sst));
    for (pugi::xml_node si : Child(doc, "sst").children()) {
      if (LocalName(si.name()) != "si") continue;
      std::string text;
      CollectText(si, &text);
      wb.shared_strings.push_back(std::move(text));
    }
  }
  LD_ASSIGN_OR_RETURN(auto styles, zip.Read("xl/styles.xml"));
  if (styles) {
    LD_ASSIGN_OR_RETURN(auto doc, ParseXml(path, "xl/styles.xml", *styles));
    pugi::xml_node sheet = Child(doc, "styleSheet");
    std::map<int, std::string> codes;
    for (pugi::xml_node f : Child(sheet, "numFmts").children()) {
      codes[f.attribute("numFmtId").as_int()] = f.attribute("formatCode").value();
    }
    for (pugi::xml_node xf : Child(sheet, "cellXfs").children()) {
      if (LocalName(xf.name()) != "xf") continue;
      int id = xf.attribute("numFmtId").as_int();
      auto it = codes.find(id);
      wb.date_styles.push_back(IsDateFormat(id, it != codes.end() ? std::string_view(it->second) : std::string_view()));
    }
  }
  return wb;
}

// The zip entry of the sheet chosen by the options.
Result<std::string> SheetPart(ZipReader& zip, const XlsxReadOptions& options, const std::string& path, Workbook* wb) {
  LD_ASSIGN_OR_RETURN(auto workbook, zip.Read("xl/workbook.xml"));
  if (!workbook) return Status::DataError(path + ": not an Excel workbook (no xl/workbook.xml)");
  LD_ASSIGN_OR_RETURN(auto doc, ParseXml(path, "xl/workbook.xml", *workbook));
  pugi::xml_node root = Child(doc, "workbook");
  pugi::xml_node pr = Child(root, "workbookPr");
  std::string d1904 = pr.attribute("date1904").value();
  wb->date1904 = d1904 == "1" || d1904 == "true";
  std::vector<std::pair<std::string, std::string>> sheets;  // name, relationship id
  for (pugi::xml_node s : Child(root, "sheets").children()) {
    if (LocalName(s.name()) != "sheet") continue;
    std::string rid;
    for (pugi::xml_attribute a : s.attributes()) {
      if (LocalName(a.name()) == "id") rid = a.value();
    }
    sheets.emplace_back(s.attribute("name").value(), rid);
  }
  std::string names;
  for (const auto& [n, id] : sheets) names += (names.empty() ? "" : ", ") + n;
  const std::pair<std::string, std::string>* chosen = nullptr;
  if (!options.sheet.empty()) {
    for (const auto& s : sheets) {
      if (s.first == options.sheet) chosen = &s;
    }
    if (chosen == nullptr) return Status::DataError(path + ": no sheet '" + options.sheet + "' (sheets: " + names + ")");
  } else {
    if (options.sheet_index < 1 || options.sheet_index > static_cast<int>(sheets.size())) {
      return Status::DataError(path + ": no sheet number " + std::to_string(options.sheet_index) + " (the workbook has " +
                               std::to_string(sheets.size()) + ": " + names + ")");
    }
    chosen = &sheets[static_cast<size_t>(options.sheet_index - 1)];
  }
  LD_ASSIGN_OR_RETURN(auto rels, zip.Read("xl/_rels/workbook.xml.rels"));
  if (!rels) return Status::DataError(path + ": no xl/_rels/workbook.xml.rels");
  LD_ASSIGN_OR_RETURN(auto rdoc, ParseXml(path, "xl/_rels/workbook.xml.rels", *rels));
  for (pugi::xml_node r : Child(rdoc, "Relationships").children()) {
    if (chosen->second != r.attribute("Id").value()) continue;
    std::string target = r.attribute("Target").value();
    if (!target.empty() && target[0] == '/') return target.substr(1);
    return "xl/" + target;
  }
  return Status::DataError(path + ": sheet '" + chosen->first + "' has no part in the workbook relationships");
}

}  // namespace

std::optional<CellRange> ParseCellRange(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view a = text.substr(0, colon), b = text.substr(colon + 1);
  CellRange r;
  if (!ParseColumn(a, &r.first_col) || !ParseRow(a, &r.first_row)) return std::nullopt;
  if (!ParseColumn(b, &r.last_col)) return std::nullopt;
  if (!b.empty() && !ParseRow(b, &r.last_row)) return std::nullopt;
  if (b.empty()) r.last_row = INT64_MAX;
  if (r.last_col < r.first_col || r.last_row < r.first_row) return std::nullopt;
  return r;
}

Status ReadXlsxRecords(const XlsxReadOptions& options, const std::string& path, const Buffer& data,
                       int64_t max_records, std::vector<Record>* out) {
  LD_ASSIGN_OR_RETURN(auto zip, ZipReader::Open(data, path));
  Workbook wb;
  LD_ASSIGN_OR_RETURN(std::string part, SheetPart(*zip, options, path, &wb));
  LD_ASSIGN_OR_RETURN(Workbook parts, ReadWorkbook(*zip, path));
  parts.date1904 = wb.date1904;
  LD_ASSIGN_OR_RETURN(auto sheet, zip->Read(part));
  if (!sheet) return Status::DataError(path + ": missing sheet part " + part);

  SheetParser state;
  state.options = &options;
  state.workbook = &parts;
  state.max_records = max_records;
  state.out = out;
  XML_Parser parser = XML_ParserCreate(nullptr);
  state.parser = parser;
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser, OnText);
  XML_Status st = XML_Parse(parser, sheet->data(), static_cast<int>(std::min<size_t>(sheet->size(), INT32_MAX)), XML_TRUE);
  Status result = Status::OK();
  if (!state.error.empty()) {
    result = Status::DataError(path + ": " + part + ": " + state.error);
  } else if (st == XML_STATUS_ERROR && XML_GetErrorCode(parser) != XML_ERROR_ABORTED) {  // aborted: sample done
    result = Status::DataError(path + ": " + part + ":" + std::to_string(XML_GetCurrentLineNumber(parser)) + ":" +
                               std::to_string(XML_GetCurrentColumnNumber(parser) + 1) + ": malformed XML: " +
                               XML_ErrorString(XML_GetErrorCode(parser)));
  }
  XML_ParserFree(parser);
  return result;
}

}  // namespace logidata
