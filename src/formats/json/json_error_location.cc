#include "formats/json/json_error_location.h"

#include <charconv>
#include <cstdint>
#include <system_error>
#include <string>

#include <simdjson.h>

namespace logidata {

namespace {

bool IsNumberChar(char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }

// Whether an integer literal (no fraction, no exponent) fits simdjson's int64 or uint64.
bool FitsIn64Bits(std::string_view literal) {
  const char* end = literal.data() + literal.size();
  auto fits = [end](std::from_chars_result r) { return r.ec == std::errc() && r.ptr == end; };
  if (literal.front() == '-') {
    int64_t v;
    return fits(std::from_chars(literal.data(), end, v));
  }
  uint64_t v;
  return fits(std::from_chars(literal.data(), end, v));
}

// What simdjson rejects and the SAX pass accepts: a leading byte order mark (nlohmann skips it),
// else the first bracket deeper than simdjson's maximum depth or integer beyond 64 bits,
// scanning tokens outside strings.
std::optional<JsonSyntaxError> LocateBeyondSimdjsonLimits(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") return JsonSyntaxErrorAt(text, 0, "unexpected byte order mark");
  const size_t max_depth = simdjson::DEFAULT_MAX_DEPTH;
  size_t depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return JsonSyntaxErrorAt(text, i, "nested deeper than " + std::to_string(max_depth) + " levels");
      }
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = i;
      while (end < text.size() && IsNumberChar(text[end])) ++end;
      std::string_view literal = text.substr(i, end - i);
      if (literal.find_first_of(".eE") == std::string_view::npos && !FitsIn64Bits(literal)) {
        return JsonSyntaxErrorAt(text, i, "the integer " + std::string(literal) + " does not fit in 64 bits");
      }
      i = end - 1;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<JsonSyntaxError> LocateSimdjsonError(std::string_view text) {
  if (auto syntax = LocateJsonSyntaxError(text)) return syntax;
  return LocateBeyondSimdjsonLimits(text);
}

}  // namespace logidata
