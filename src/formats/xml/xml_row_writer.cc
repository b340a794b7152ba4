#include "formats/xml/xml_row_writer.h"

#include <cmath>

#include "types/temporal.h"
#include "types/value.h"

namespace logidata {

namespace {

constexpr const char* kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

std::vector<std::string> SplitDotted(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1) parts.push_back(name.substr(start, dot - start));
  parts.push_back(name.substr(start));
  return parts;
}

}  // namespace

bool AppendXmlValue(const Column& column, int64_t row, InvalidXmlChars policy, std::string* out, size_t* bad_offset) {
  const DataType& type = column.type();
  switch (type.id) {
    case TypeId::kBool: out->append(column.GetBool(row) ? "true" : "false"); return true;
    case TypeId::kInt32: out->append(std::to_string(column.Get<int32_t>(row))); return true;
    case TypeId::kInt64: out->append(std::to_string(column.Get<int64_t>(row))); return true;
    case TypeId::kFloat64: {
      const double d = column.Get<double>(row);
      if (std::isnan(d)) out->append("NaN");
      else if (std::isinf(d)) out->append(d > 0 ? "INF" : "-INF");
      else out->append(FormatDouble(d));
      return true;
    }
    case TypeId::kDecimal: out->append(FormatDecimal(column.Get<int128_t>(row), type.scale)); return true;
    case TypeId::kDate: AppendDate(column.Get<int32_t>(row), *out); return true;
    case TypeId::kTimestamp: {
      std::string ts = FormatTimestamp(column.Get<int64_t>(row));
      if (ts.size() > 10 && ts[10] == ' ') ts[10] = 'T';
      if (!type.timezone.empty()) ts.push_back('Z');
      out->append(ts);
      return true;
    }
    case TypeId::kBinary: {
      static constexpr char kHex[] = "0123456789ABCDEF";  // xs:hexBinary
      for (char ch : column.GetString(row)) {
        auto b = static_cast<unsigned char>(ch);
        out->push_back(kHex[b >> 4]);
        out->push_back(kHex[b & 15]);
      }
      return true;
    }
    case TypeId::kString: return AppendXmlText(column.GetString(row), policy, out, bad_offset);
    default: return AppendXmlText(column.GetValue(row).ToString(), policy, out, bad_offset);
  }
}

Result<XmlRowWriter> XmlRowWriter::Make(const Schema& schema, XmlWriteOptions options) {
  XmlRowWriter w;
  w.options_ = std::move(options);
  w.row_.name = w.options_.row_element;
  for (int c = 0; c < schema.num_fields(); ++c) {
    const std::string& column = schema.field(c).name;
    w.column_names_.push_back(column);
    Element* at = &w.row_;
    std::string path;
    for (const std::string& part : SplitDotted(column)) {
      path += (path.empty() ? "" : ".") + part;
      if (!IsXmlElementName(part)) {
        return Status::InvalidArgument("load.xml: column '" + column + "': '" + part +
                                       "' is not an XML element name (a letter or _ first, then letters, digits, - . _; "
                                       "no ':', not starting with 'xml'); rename the column before the load");
      }
      if (at->column >= 0) {
        return Status::InvalidArgument("load.xml: column '" + w.column_names_[static_cast<size_t>(at->column)] +
                                       "' would be both a value and the parent of column '" + column + "'");
      }
      Element* next = nullptr;
      for (Element& child : at->children) {
        if (child.name == part) next = &child;
      }
      if (next == nullptr) {
        at->children.push_back({part, -1, {}});
        next = &at->children.back();
      }
      at = next;
    }
    if (at->column >= 0 || !at->children.empty()) {
      return Status::InvalidArgument("load.xml: column '" + column + "' names the element '" + path +
                                     "' that another column also writes");
    }
    at->column = c;
  }
  return w;
}

std::string XmlRowWriter::Prologue() const {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + options_.root_element;
  if (options_.nil_nulls) out += std::string(" xmlns:xsi=\"") + kXsiNamespace + "\"";
  return out + ">\n";
}

std::string XmlRowWriter::Epilogue() const { return "</" + options_.root_element + ">\n"; }

Status XmlRowWriter::AppendRow(const Batch& batch, int64_t row, int64_t row_number, std::string* out) const {
  const size_t start = out->size();
  bool wrote = false;
  Status st = AppendElement(row_, batch, row, row_number, out, &wrote);
  if (!st.ok()) {
    out->resize(start);
    return st;
  }
  if (!wrote) out->append("<" + row_.name + "/>");  // a row of nulls is still a row
  out->push_back('\n');
  return Status::OK();
}

Status XmlRowWriter::AppendElement(const Element& e, const Batch& batch, int64_t row, int64_t row_number, std::string* out,
                                   bool* wrote) const {
  *wrote = false;
  const size_t start = out->size();
  if (e.column >= 0) {
    const Column& column = *batch.column(e.column);
    if (column.IsNull(row)) {
      if (options_.nil_nulls) {
        out->append("<" + e.name + " xsi:nil=\"true\"/>");
        *wrote = true;
      }
      return Status::OK();
    }
    out->append("<" + e.name + ">");
    size_t bad = 0;
    if (!AppendXmlValue(column, row, options_.invalid_chars, out, &bad)) {
      out->resize(start);
      return Status::DataError("load.xml: row " + std::to_string(row_number) + ", column '" +
                               column_names_[static_cast<size_t>(e.column)] + "': byte " + std::to_string(bad + 1) +
                               " is a character XML 1.0 cannot hold (a control character, U+FFFE/U+FFFF or invalid "
                               "UTF-8); set invalid_characters: replace to write U+FFFD instead");
    }
    out->append("</" + e.name + ">");
    *wrote = true;
    return Status::OK();
  }
  out->append("<" + e.name + ">");
  for (const Element& child : e.children) {
    bool child_wrote = false;
    LD_RETURN_IF_ERROR(AppendElement(child, batch, row, row_number, out, &child_wrote));
    *wrote = *wrote || child_wrote;
  }
  if (!*wrote) {
    out->resize(start);  // every value below was an omitted null
    return Status::OK();
  }
  out->append("</" + e.name + ">");
  return Status::OK();
}

}  // namespace logidata
