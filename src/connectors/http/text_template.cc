#include "connectors/http/text_template.h"

#include "connectors/http/http_client.h"
#include "module/module_descriptor.h"

namespace logidata {

Result<TextTemplate> TextTemplate::Parse(std::string_view text, std::string_view pointer, const SlotResolver& resolve) {
  TextTemplate t;
  std::string literal;
  auto at = [](size_t i) { return " at character " + std::to_string(i + 1); };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        ++i;
        continue;
      }
      return ConfigError(pointer, "unmatched '}'" + at(i) + "; write '}}' for a literal brace");
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) return ConfigError(pointer, "unclosed '{'" + at(i));
    std::string column(text.substr(i + 1, close - i - 1));
    if (column.empty()) return ConfigError(pointer, "empty placeholder '{}'" + at(i) + "; name a column");
    if (column.find('{') != std::string::npos) return ConfigError(pointer, "'{' inside a placeholder" + at(i));
    auto slot = resolve(column);
    if (!slot.ok()) return ConfigError(pointer, slot.status().message());
    if (!literal.empty()) t.pieces_.push_back({std::move(literal), -1});
    literal.clear();
    t.pieces_.push_back({"", *slot});
    if (t.first_placeholder_ < 0) t.first_placeholder_ = static_cast<int>(i);
    i = close;
  }
  if (!literal.empty()) t.pieces_.push_back({std::move(literal), -1});
  return t;
}

std::string TextTemplate::Render(const std::vector<std::string>& values, bool url_encode) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (p.slot < 0) out += p.literal;
    else out += url_encode ? UrlEncode(values[static_cast<size_t>(p.slot)]) : values[static_cast<size_t>(p.slot)];
  }
  return out;
}

int TextTemplate::sole_slot() const { return pieces_.size() == 1 ? pieces_[0].slot : -1; }

}  // namespace logidata
