#include "formats/xml/xml_reader.h"

#include <expat.h>

#include <algorithm>
#include <string_view>

#include "types/utf8.h"

namespace logidata {

namespace {

std::string_view LocalName(const char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

struct XmlState {
  const XmlRecordPath* record_path;
  int64_t max_records;
  std::vector<Record>* out;
  XML_Parser parser = nullptr;

  std::vector<std::string> stack;  // local names from the root
  // Inside a record: its depth in `stack`, and per open descendant its column name, text and
  // whether it had child elements.
  size_t record_depth = 0;
  bool in_record = false;
  Record record;
  struct Open {
    std::string name;
    std::string text;
    bool has_children = false;
  };
  std::vector<Open> open;  // open[0] is the record element itself

  bool Matches() const {
    const auto& steps = record_path->steps;
    if (record_path->anywhere ? stack.size() < steps.size() : stack.size() != steps.size()) return false;
    size_t offset = stack.size() - steps.size();
    for (size_t i = 0; i < steps.size(); ++i) {
      if (stack[offset + i] != steps[i]) return false;
    }
    return true;
  }

  void Start(const char* name, const char** attrs) {
    stack.emplace_back(LocalName(name));
    if (!in_record) {
      if (!Matches()) return;
      in_record = true;
      record_depth = stack.size();
      record = Record();
      record.line = XML_GetCurrentLineNumber(parser);
      open.clear();
      open.push_back({"", "", false});
    } else {
      open.back().has_children = true;
      const std::string& parent = open.back().name;
      open.push_back({parent.empty() ? stack.back() : parent + "." + stack.back(), "", false});
    }
    const std::string& prefix = open.back().name;
    for (int i = 0; attrs[i] != nullptr; i += 2) {
      std::string attr(LocalName(attrs[i]));
      record.fields.emplace_back(prefix.empty() ? attr : prefix + "." + attr, Cell::Text(attrs[i + 1]));
    }
  }

  void End() {
    if (in_record) {
      Open& o = open.back();
      std::string_view text = Trim(o.text);
      if (o.name.empty()) {  // the record element
        if (!text.empty()) record.fields.emplace_back("text", Cell::Text(std::string(text)));
      } else if (!text.empty() || !o.has_children) {
        record.fields.emplace_back(o.name, Cell::Text(std::string(text)));
      }
      open.pop_back();
      if (stack.size() == record_depth) {
        in_record = false;
        out->push_back(std::move(record));
        if (max_records >= 0 && static_cast<int64_t>(out->size()) >= max_records) XML_StopParser(parser, XML_FALSE);
      }
    }
    stack.pop_back();
  }
};

void XMLCALL OnStart(void* data, const char* name, const char** attrs) { static_cast<XmlState*>(data)->Start(name, attrs); }
void XMLCALL OnEnd(void* data, const char*) { static_cast<XmlState*>(data)->End(); }
void XMLCALL OnText(void* data, const char* s, int len) {
  auto* st = static_cast<XmlState*>(data);
  if (st->in_record) st->open.back().text.append(s, static_cast<size_t>(len));
}

}  // namespace

std::optional<XmlRecordPath> ParseXmlRecordPath(std::string_view text) {
  XmlRecordPath p;
  if (text.substr(0, 2) == "//") {
    p.anywhere = true;
    text.remove_prefix(2);
  } else if (text.substr(0, 1) == "/") {
    text.remove_prefix(1);
  } else {
    return std::nullopt;
  }
  while (!text.empty()) {
    size_t slash = text.find('/');
    std::string_view step = text.substr(0, slash);
    if (step.empty() || step.find_first_of(" @[]*()=") != std::string_view::npos) return std::nullopt;
    size_t colon = step.rfind(':');
    p.steps.emplace_back(colon == std::string_view::npos ? step : step.substr(colon + 1));
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
    if (text.empty()) return std::nullopt;  // trailing slash
  }
  if (p.steps.empty()) return std::nullopt;
  return p;
}

Status ReadXmlRecords(const XmlRecordPath& record_path, const std::string& path, const Buffer& data,
                      int64_t max_records, std::vector<Record>* out) {
  XmlState state;
  state.record_path = &record_path;
  state.max_records = max_records;
  state.out = out;
  XML_Parser parser = XML_ParserCreate(nullptr);
  if (parser == nullptr) return Status::ResourceExhausted("cannot create an XML parser");
  state.parser = parser;
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser, OnText);
  // Fed in slices so files over 2 GiB work and a sample stops early.
  constexpr size_t kSlice = 1 << 24;
  const char* bytes = reinterpret_cast<const char*>(data.data());
  size_t pos = 0;
  Status result = Status::OK();
  for (;;) {
    size_t n = std::min(kSlice, data.size() - pos);
    bool last = pos + n == data.size();
    XML_Status st = XML_Parse(parser, bytes + pos, static_cast<int>(n), last ? XML_TRUE : XML_FALSE);
    pos += n;
    if (st == XML_STATUS_SUSPENDED) break;
    if (st == XML_STATUS_ERROR) {
      if (XML_GetErrorCode(parser) == XML_ERROR_ABORTED) break;  // stopped after the sample
      std::string reason = XML_ErrorString(XML_GetErrorCode(parser));
      // Expat calls a byte that is not UTF-8 an "invalid token": say what it is and how to fix it.
      const XML_Index at = XML_GetCurrentByteIndex(parser);
      if (XML_GetErrorCode(parser) == XML_ERROR_INVALID_TOKEN && at >= 0 && static_cast<size_t>(at) < data.size()) {
        const std::string_view rest(bytes + at, std::min<size_t>(4, data.size() - static_cast<size_t>(at)));
        if (static_cast<unsigned char>(rest[0]) >= 0x80 && FindInvalidUtf8(rest) == 0) {
          reason = "invalid UTF-8: " + DescribeInvalidUtf8(rest, 0) +
                   "; if the file is Latin-1, declare it: <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>";
        }
      }
      result = Status::DataError(path + ":" + std::to_string(XML_GetCurrentLineNumber(parser)) + ":" +
                                 std::to_string(XML_GetCurrentColumnNumber(parser) + 1) + ": malformed XML: " + reason);
      break;
    }
    if (last) break;
  }
  XML_ParserFree(parser);
  return result;
}

}  // namespace logidata
