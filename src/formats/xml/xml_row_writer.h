// XmlRowWriter: turns rows into XML elements for load.xml. A row is one element; each column is
// a child element named by its column name, and dotted names nest ("customer.address.city" →
// <customer><address><city>…</city></address></customer>). Siblings come in the order of the
// first column that reaches them, so columns sharing a prefix are grouped under one element even
// when they are not adjacent in the input.
//
// Nulls are omitted (an element whose children are all omitted is omitted too) or written as
// <name xsi:nil="true"/>. Text is escaped by AppendXmlText; characters XML 1.0 cannot hold fail
// the row or are replaced, as configured. Immutable after Make; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "formats/xml/xml_text.h"
#include "types/batch.h"

namespace logidata {

struct XmlWriteOptions {
  std::string root_element = "rows";
  std::string row_element = "row";
  bool nil_nulls = false;  // xsi:nil="true" instead of leaving the element out
  InvalidXmlChars invalid_chars = InvalidXmlChars::kFail;
};

class XmlRowWriter {
 public:
  // InvalidArgument naming the column when a name part is not an XML element name, or when a
  // column is also the parent of another ("a" and "a.b").
  // REQUIRES: options' element names satisfy IsXmlElementName.
  static Result<XmlRowWriter> Make(const Schema& schema, XmlWriteOptions options);

  // The XML declaration and the root's start tag (declaring xsi when nulls are nil), and its end.
  std::string Prologue() const;
  std::string Epilogue() const;

  // Appends row `row` of `batch` as one line. DataError names `row_number` and the column when a
  // value holds a character XML cannot (kFail); `out` is then left as it was.
  Status AppendRow(const Batch& batch, int64_t row, int64_t row_number, std::string* out) const;

 private:
  struct Element {
    std::string name;
    int column = -1;  // a leaf holds a column's value; a parent has children
    std::vector<Element> children;
  };

  XmlWriteOptions options_;
  std::vector<std::string> column_names_;
  Element row_;

  // Appends `e` (its children for the row element); false when nothing was written (all null).
  Status AppendElement(const Element& e, const Batch& batch, int64_t row, int64_t row_number, std::string* out,
                       bool* wrote) const;
};

// Appends the value at `row` of `column` as XML text: numbers exact (xs:double spellings NaN, INF,
// -INF), true/false, ISO dates and timestamps (`T`, `Z` when zoned), binary as hex, strings
// escaped. REQUIRES: the value is not null. False (with the byte offset) as AppendXmlText.
bool AppendXmlValue(const Column& column, int64_t row, InvalidXmlChars policy, std::string* out, size_t* bad_offset);

}  // namespace logidata
