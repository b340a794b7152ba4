#include "expression/lexer.h"

#include <cctype>

namespace logidata::expr {

std::string FormatPosition(std::string_view text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count code points, not continuation bytes
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

Status ErrorAt(std::string_view text, size_t offset, const std::string& message) {
  return Status::InvalidArgument(FormatPosition(text, offset) + ": " + message);
}

namespace {

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

}  // namespace

Result<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  const size_t n = text.size();
  while (true) {
    while (i < n && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    // "-- comment" to end of line.
    if (i + 1 < n && text[i] == '-' && text[i + 1] == '-') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (i >= n) break;
    Token tok;
    tok.offset = i;
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsIdentStart(c)) {
      size_t start = i;
      while (i < n && IsIdentChar(static_cast<unsigned char>(text[i]))) ++i;
      tok.kind = TokenKind::kIdent;
      tok.text = std::string(text.substr(start, i - start));
    } else if (std::isdigit(c) || (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      size_t start = i;
      bool dot = false, exp = false;
      while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      if (i < n && text[i] == '.') {
        dot = true;
        ++i;
        while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      }
      if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (text[j] == '+' || text[j] == '-')) ++j;
        if (j < n && std::isdigit(static_cast<unsigned char>(text[j]))) {
          exp = true;
          i = j;
          while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        }
      }
      if (i < n && IsIdentStart(static_cast<unsigned char>(text[i]))) {
        return ErrorAt(text, start, "malformed number '" + std::string(text.substr(start, i + 1 - start)) + "'");
      }
      tok.kind = exp ? TokenKind::kFloat : dot ? TokenKind::kDecimal : TokenKind::kInteger;
      tok.text = std::string(text.substr(start, i - start));
    } else if (c == '\'' || c == '"') {
      const char quote = static_cast<char>(c);
      ++i;
      std::string value;
      bool closed = false;
      while (i < n) {
        if (text[i] == quote) {
          if (i + 1 < n && text[i + 1] == quote) {  // doubled quote escapes itself
            value.push_back(quote);
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value.push_back(text[i++]);
      }
      if (!closed) {
        return ErrorAt(text, tok.offset, quote == '\'' ? "unterminated string literal" : "unterminated quoted name");
      }
      if (quote == '"' && value.empty()) return ErrorAt(text, tok.offset, "empty quoted name");
      tok.kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent;
      tok.text = std::move(value);
    } else if (c == ':') {
      ++i;
      size_t start = i;
      while (i < n && IsIdentChar(static_cast<unsigned char>(text[i]))) ++i;
      if (i == start) return ErrorAt(text, tok.offset, "expected a parameter name after ':'");
      tok.kind = TokenKind::kParam;
      tok.text = std::string(text.substr(start, i - start));
    } else {
      static constexpr std::string_view kTwo[] = {"||", "!=", "<>", "<=", ">="};
      tok.kind = TokenKind::kOperator;
      bool matched = false;
      if (i + 1 < n) {
        std::string_view two = text.substr(i, 2);
        for (auto op : kTwo) {
          if (two == op) {
            tok.text = std::string(op == "<>" ? "!=" : op);
            i += 2;
            matched = true;
            break;
          }
        }
      }
      if (!matched) {
        static constexpr std::string_view kOne = "+-*/%=<>(),";
        if (kOne.find(static_cast<char>(c)) == std::string_view::npos) {
          std::string shown = std::isprint(c) ? std::string(1, static_cast<char>(c)) : "\\x" + [&] {
            static const char* hex = "0123456789abcdef";
            return std::string{hex[c >> 4], hex[c & 15]};
          }();
          return ErrorAt(text, i, "unexpected character '" + shown + "'");
        }
        tok.text = std::string(1, static_cast<char>(c));
        ++i;
      }
    }
    tokens.push_back(std::move(tok));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.offset = n;
  tokens.push_back(std::move(end));
  return tokens;
}

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd: return "end of input";
    case TokenKind::kString: return "string '" + token.text + "'";
    case TokenKind::kQuotedIdent: return "\"" + token.text + "\"";
    case TokenKind::kParam: return "':" + token.text + "'";
    default: return "'" + token.text + "'";
  }
}

}  // namespace logidata::expr
