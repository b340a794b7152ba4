#include "common/json_text.h"

#include <string>

namespace logidata {

namespace {

// nlohmann reports a 1-based byte position just past the failure; users want line:column.
std::string LineColumn(std::string_view text, size_t byte) {
  size_t offset = byte == 0 ? 0 : byte - 1;
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error …" → the reason.
std::string Reason(const std::string& what) {
  auto pos = what.find("] ");
  std::string rest = pos == std::string::npos ? what : what.substr(pos + 2);
  auto colon = rest.find(": ");
  return rest.rfind("parse error", 0) == 0 && colon != std::string::npos ? rest.substr(colon + 2) : rest;
}

}  // namespace

Result<nlohmann::json> ParseJsonText(std::string_view text) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(LineColumn(text, e.byte) + ": " + Reason(e.what()));
  } catch (const nlohmann::json::exception& e) {
    // out_of_range ("number overflow parsing '1e999'") carries no position: locate the literal.
    std::string reason = Reason(e.what());
    size_t open = reason.find('\''), close = reason.rfind('\'');
    size_t at = std::string_view::npos;
    if (open != std::string::npos && close > open + 1) at = text.find(reason.substr(open + 1, close - open - 1));
    return Status::InvalidArgument((at == std::string_view::npos ? std::string("1:1") : LineColumn(text, at + 1)) +
                                   ": " + reason);
  }
}

}  // namespace logidata
