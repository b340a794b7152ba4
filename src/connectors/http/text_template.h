// TextTemplate: a string with `{column}` placeholders, as the lookup transform writes its URL and
// body values ("/search?q={address}&format=jsonv2"). `{{` and `}}` stand for literal braces.
// Placeholders are resolved once, at bind time, to key slots; rendering then only concatenates.
// Immutable after Parse; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace logidata {

class TextTemplate {
 public:
  // Resolves a placeholder's column name to a key slot (or a ConfigError naming the column).
  using SlotResolver = std::function<Result<int>(const std::string& column)>;

  // Parses `text`; errors are ConfigErrors at `pointer` naming the character position
  // ("/url: unclosed '{' at character 9").
  static Result<TextTemplate> Parse(std::string_view text, std::string_view pointer, const SlotResolver& resolve);

  // Fills the placeholders with `values[slot]`, percent-encoded when `url_encode` (so a value can
  // never add a path segment, a query parameter or a host).
  std::string Render(const std::vector<std::string>& values, bool url_encode) const;

  bool has_placeholders() const { return first_placeholder_ >= 0; }
  // When the whole text is one placeholder ("{id}"), its slot; else -1. A JSON body keeps the
  // value's own type then (a number stays a number).
  int sole_slot() const;
  // Offset in the original text of the first placeholder, or -1.
  int first_placeholder() const { return first_placeholder_; }

 private:
  struct Piece {
    std::string literal;  // used when slot < 0
    int slot = -1;
  };
  std::vector<Piece> pieces_;
  int first_placeholder_ = -1;
};

}  // namespace logidata
