// XmlReader: streams an XML file through expat and turns each element matched by a simple path
// into a Record: its attributes become columns ("@id" → "id"), child elements become columns by
// their relative path ("customer.name"), child attributes "child.attr", and the element's own
// text "text". Values are untyped text, typed later by inference. Stateless; calls may run
// concurrently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/json/record.h"

namespace logidata {

// "/orders/order" (from the root) or "//order", "//orders/order" (anywhere). Namespace prefixes
// are ignored.
struct XmlRecordPath {
  bool anywhere = false;
  std::vector<std::string> steps;
};

// nullopt when the text is not such a path.
std::optional<XmlRecordPath> ParseXmlRecordPath(std::string_view text);

// See RecordReader. A repeated child keeps its last value.
Status ReadXmlRecords(const XmlRecordPath& record_path, const std::string& path, const Buffer& data,
                      int64_t max_records, std::vector<Record>* out);

}  // namespace logidata
