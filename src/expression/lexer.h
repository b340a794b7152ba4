// Lexer: splits expression text into tokens, each carrying its byte offset so errors can name a
// 1-based line:column. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace logidata::expr {

enum class TokenKind : uint8_t {
  kEnd,
  kIdent,        // bare identifier or keyword (text as written)
  kQuotedIdent,  // "quoted name" (text unescaped)
  kString,       // 'text' (text unescaped)
  kInteger,      // 123
  kDecimal,      // 12.50
  kFloat,        // 1e5, 1.5E-3
  kParam,        // :name (text without the colon)
  kOperator,     // + - * / % || = != <> < <= > >= ( ) ,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t offset = 0;  // byte offset of the token's first character
};

// "line:column" (both 1-based, column counted in UTF-8 code points) of `offset` in `text`.
std::string FormatPosition(std::string_view text, size_t offset);
// InvalidArgument "line:column: message".
Status ErrorAt(std::string_view text, size_t offset, const std::string& message);

// Tokenizes `text`; the last token is always kEnd (at text.size()).
Result<std::vector<Token>> Tokenize(std::string_view text);

// How a token reads in messages: "end of input", "'AND'", "string 'abc'".
std::string DescribeToken(const Token& token);

}  // namespace logidata::expr
