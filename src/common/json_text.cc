#include "common/json_text.h"

#include <string>

namespace logidata {

namespace {

// nlohmann reports a 1-based byte position just past the failure; users want line:column.
size_t OffsetOf(size_t byte) { return byte == 0 ? 0 : byte - 1; }

std::string LineColumn(std::string_view text, size_t byte) {
  JsonSyntaxError at = JsonSyntaxErrorAt(text, OffsetOf(byte), "");
  return std::to_string(at.line) + ":" + std::to_string(at.column);
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error …" → the reason.
std::string Reason(const std::string& what) {
  auto pos = what.find("] ");
  std::string rest = pos == std::string::npos ? what : what.substr(pos + 2);
  auto colon = rest.find(": ");
  return rest.rfind("parse error", 0) == 0 && colon != std::string::npos ? rest.substr(colon + 2) : rest;
}

// Accepts every event and keeps the first error; returning false stops the pass there.
class ErrorLocatingSax final : public nlohmann::json::json_sax_t {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    byte = position;
    what = ex.what();
    return false;
  }

  size_t byte = 0;
  std::string what;  // empty while no error was seen
};

}  // namespace

std::optional<JsonSyntaxError> LocateJsonSyntaxError(std::string_view text) {
  ErrorLocatingSax sax;
  try {
    nlohmann::json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json, /*strict=*/true);
  } catch (const std::exception&) {  // allocation failure: no location to offer
    return std::nullopt;
  }
  if (sax.what.empty()) {
    // nlohmann ends the input at a NUL byte (one inside a string is an error it reports), so a
    // text that passed but holds one was cut there.
    const size_t nul = text.find('\0');
    if (nul == std::string_view::npos) return std::nullopt;
    return JsonSyntaxErrorAt(text, nul, "unexpected NUL byte");
  }
  return JsonSyntaxErrorAt(text, OffsetOf(sax.byte), Reason(sax.what));
}

JsonSyntaxError JsonSyntaxErrorAt(std::string_view text, size_t offset, std::string reason) {
  JsonSyntaxError error;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++error.line;
      error.column = 1;
    } else {
      ++error.column;
    }
  }
  error.reason = std::move(reason);
  return error;
}

std::optional<JsonSyntaxError> FindJsonTooDeep(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  const char* p = text.data();
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped byte cannot end the string
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) {
          return JsonSyntaxErrorAt(text, i, "nested deeper than " + std::to_string(max_depth) + " levels");
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;  // unbalanced text is the parser's to report
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

Result<nlohmann::json> ParseJsonText(std::string_view text) { return ParseJsonLimited(text, kMaxJsonDepth); }

nlohmann::json ParseJsonOrDiscarded(std::string_view text, int max_depth) {
  auto parsed = ParseJsonLimited(text, max_depth);
  if (!parsed.ok()) return nlohmann::json(nlohmann::json::value_t::discarded);
  return std::move(parsed).value();
}

Result<nlohmann::json> ParseJsonLimited(std::string_view text, int max_depth) {
  if (auto deep = FindJsonTooDeep(text, max_depth)) {
    return Status::InvalidArgument(std::to_string(deep->line) + ":" + std::to_string(deep->column) + ": " +
                                   deep->reason);
  }
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
