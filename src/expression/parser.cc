#include "expression/parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "expression/lexer.h"
#include "types/temporal.h"

namespace logidata::expr {

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

constexpr std::string_view kReserved[] = {"AND",  "OR",   "NOT",  "IN",   "IS",   "NULL",     "TRUE",
                                          "FALSE", "BETWEEN", "LIKE", "ILIKE", "CASE", "WHEN", "THEN",
                                          "ELSE", "END",  "CAST", "TRY_CAST", "AS"};

// Numeric literal text -> the narrowest fitting Value: int32, int64, decimal(p,s), else float64.
Value NumberLiteral(const Token& tok) {
  if (tok.kind == TokenKind::kFloat) return Value::Float64(std::strtod(tok.text.c_str(), nullptr));
  int128_t unscaled = 0;
  int digits = 0, scale = 0;
  bool frac = false, overflow = false;
  for (char c : tok.text) {
    if (c == '.') {
      frac = true;
      continue;
    }
    if (digits > 0 || c != '0') ++digits;
    if (digits > 38) overflow = true;
    if (!overflow) unscaled = unscaled * 10 + (c - '0');
    if (frac) ++scale;
  }
  if (overflow) return Value::Float64(std::strtod(tok.text.c_str(), nullptr));
  if (tok.kind == TokenKind::kInteger) {
    if (unscaled <= INT32_MAX) return Value::Int32(static_cast<int32_t>(unscaled));
    if (unscaled <= INT64_MAX) return Value::Int64(static_cast<int64_t>(unscaled));
  }
  int precision = std::max({digits, scale, 1});
  return Value::Decimal(unscaled, precision, scale);
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), tokens_(std::move(tokens)) {}

  Result<AstPtr> ParseAll() {
    LD_ASSIGN_OR_RETURN(AstPtr root, ParseOr());
    if (Peek().kind != TokenKind::kEnd) {
      return ErrorAt(text_, Peek().offset, "unexpected " + DescribeToken(Peek()) + " after the expression");
    }
    return root;
  }

 private:
  // Counts recursion depth; every recursive production holds one.
  struct DepthGuard {
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
    int& depth;
  };

  const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool IsKeyword(const Token& t, std::string_view kw) const {
    if (t.kind != TokenKind::kIdent || t.text.size() != kw.size()) return false;
    for (size_t i = 0; i < kw.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(t.text[i])) != kw[i]) return false;
    }
    return true;
  }
  bool IsOp(const Token& t, std::string_view op) const { return t.kind == TokenKind::kOperator && t.text == op; }
  bool AcceptKeyword(std::string_view kw) {
    if (!IsKeyword(Peek(), kw)) return false;
    Next();
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(Peek(), op)) return false;
    Next();
    return true;
  }
  Status Expected(std::string_view what) const {
    return ErrorAt(text_, Peek().offset, "expected " + std::string(what) + " but found " + DescribeToken(Peek()));
  }
  Status ExpectOp(std::string_view op) {
    if (AcceptOp(op)) return Status::OK();
    return Expected("'" + std::string(op) + "'");
  }
  Status ExpectKeyword(std::string_view kw) {
    if (AcceptKeyword(kw)) return Status::OK();
    return Expected(std::string(kw));
  }
  Status CheckDepth(size_t offset) const {
    if (depth_ > kMaxDepth) {
      return ErrorAt(text_, offset, "expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
    }
    return Status::OK();
  }

  static AstPtr Make(AstKind kind, size_t offset) {
    auto n = std::make_unique<AstNode>();
    n->kind = kind;
    n->offset = offset;
    return n;
  }

  // Left-associative binary chains also deepen the tree (not the C++ stack); bound them too.
  Status CountChain(int& links, size_t offset) const {
    if (++links + depth_ > kMaxDepth) {
      return ErrorAt(text_, offset, "expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
    }
    return Status::OK();
  }

  Result<AstPtr> ParseOr() {
    DepthGuard guard(depth_);
    LD_RETURN_IF_ERROR(CheckDepth(Peek().offset));
    LD_ASSIGN_OR_RETURN(AstPtr left, ParseAnd());
    if (!IsKeyword(Peek(), "OR")) return left;
    AstPtr node = Make(AstKind::kOr, Peek().offset);
    node->args.push_back(std::move(left));
    while (AcceptKeyword("OR")) {
      LD_ASSIGN_OR_RETURN(AstPtr right, ParseAnd());
      node->args.push_back(std::move(right));
    }
    return node;
  }

  Result<AstPtr> ParseAnd() {
    LD_ASSIGN_OR_RETURN(AstPtr left, ParseNot());
    if (!IsKeyword(Peek(), "AND")) return left;
    AstPtr node = Make(AstKind::kAnd, Peek().offset);
    node->args.push_back(std::move(left));
    while (AcceptKeyword("AND")) {
      LD_ASSIGN_OR_RETURN(AstPtr right, ParseNot());
      node->args.push_back(std::move(right));
    }
    return node;
  }

  Result<AstPtr> ParseNot() {
    DepthGuard guard(depth_);
    LD_RETURN_IF_ERROR(CheckDepth(Peek().offset));
    if (IsKeyword(Peek(), "NOT")) {
      AstPtr node = Make(AstKind::kNot, Next().offset);
      LD_ASSIGN_OR_RETURN(AstPtr child, ParseNot());
      node->args.push_back(std::move(child));
      return node;
    }
    return ParsePredicate();
  }

  static bool IsComparison(const Token& t) {
    if (t.kind != TokenKind::kOperator) return false;
    return t.text == "=" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">=";
  }

  Result<AstPtr> ParsePredicate() {
    LD_ASSIGN_OR_RETURN(AstPtr left, ParseConcat());
    int links = 0;
    while (true) {
      const Token& t = Peek();
      if (IsComparison(t)) {
        LD_RETURN_IF_ERROR(CountChain(links, t.offset));
        AstPtr node = Make(AstKind::kBinary, t.offset);
        node->name = Next().text;
        LD_ASSIGN_OR_RETURN(AstPtr right, ParseConcat());
        node->args.push_back(std::move(left));
        node->args.push_back(std::move(right));
        left = std::move(node);
        continue;
      }
      if (IsKeyword(t, "IS")) {
        LD_RETURN_IF_ERROR(CountChain(links, t.offset));
        AstPtr node = Make(AstKind::kIsNull, Next().offset);
        node->negated = AcceptKeyword("NOT");
        LD_RETURN_IF_ERROR(ExpectKeyword("NULL"));
        node->args.push_back(std::move(left));
        left = std::move(node);
        continue;
      }
      size_t op_offset = t.offset;
      bool negated = false;
      if (IsKeyword(t, "NOT") && (IsKeyword(Peek(1), "IN") || IsKeyword(Peek(1), "BETWEEN") ||
                                  IsKeyword(Peek(1), "LIKE") || IsKeyword(Peek(1), "ILIKE"))) {
        Next();
        negated = true;
      }
      const Token& op = Peek();
      if (IsKeyword(op, "IN")) {
        LD_RETURN_IF_ERROR(CountChain(links, op_offset));
        Next();
        AstPtr node = Make(AstKind::kIn, op_offset);
        node->negated = negated;
        node->args.push_back(std::move(left));
        LD_RETURN_IF_ERROR(ExpectOp("("));
        do {
          LD_ASSIGN_OR_RETURN(AstPtr item, ParseOr());
          node->args.push_back(std::move(item));
        } while (AcceptOp(","));
        LD_RETURN_IF_ERROR(ExpectOp(")"));
        left = std::move(node);
        continue;
      }
      if (IsKeyword(op, "BETWEEN")) {
        LD_RETURN_IF_ERROR(CountChain(links, op_offset));
        Next();
        AstPtr node = Make(AstKind::kBetween, op_offset);
        node->negated = negated;
        node->args.push_back(std::move(left));
        LD_ASSIGN_OR_RETURN(AstPtr low, ParseConcat());
        LD_RETURN_IF_ERROR(ExpectKeyword("AND"));
        LD_ASSIGN_OR_RETURN(AstPtr high, ParseConcat());
        node->args.push_back(std::move(low));
        node->args.push_back(std::move(high));
        left = std::move(node);
        continue;
      }
      if (IsKeyword(op, "LIKE") || IsKeyword(op, "ILIKE")) {
        LD_RETURN_IF_ERROR(CountChain(links, op_offset));
        AstPtr node = Make(AstKind::kLike, op_offset);
        node->insensitive = IsKeyword(op, "ILIKE");
        Next();
        node->negated = negated;
        node->args.push_back(std::move(left));
        LD_ASSIGN_OR_RETURN(AstPtr pattern, ParseConcat());
        node->args.push_back(std::move(pattern));
        left = std::move(node);
        continue;
      }
      if (negated) return Expected("IN, BETWEEN, LIKE or ILIKE after NOT");
      return left;
    }
  }

  Result<AstPtr> ParseBinaryChain(Result<AstPtr> (Parser::*next)(), std::initializer_list<std::string_view> ops) {
    LD_ASSIGN_OR_RETURN(AstPtr left, (this->*next)());
    int links = 0;
    while (true) {
      const Token& t = Peek();
      bool match = false;
      for (auto op : ops) match |= IsOp(t, op);
      if (!match) return left;
      LD_RETURN_IF_ERROR(CountChain(links, t.offset));
      AstPtr node = Make(AstKind::kBinary, t.offset);
      node->name = Next().text;
      LD_ASSIGN_OR_RETURN(AstPtr right, (this->*next)());
      node->args.push_back(std::move(left));
      node->args.push_back(std::move(right));
      left = std::move(node);
    }
  }

  Result<AstPtr> ParseConcat() { return ParseBinaryChain(&Parser::ParseAdditive, {"||"}); }
  Result<AstPtr> ParseAdditive() { return ParseBinaryChain(&Parser::ParseMultiplicative, {"+", "-"}); }
  Result<AstPtr> ParseMultiplicative() { return ParseBinaryChain(&Parser::ParseUnary, {"*", "/", "%"}); }

  Result<AstPtr> ParseUnary() {
    DepthGuard guard(depth_);
    LD_RETURN_IF_ERROR(CheckDepth(Peek().offset));
    if (IsOp(Peek(), "-")) {
      size_t offset = Next().offset;
      // Fold "-literal" right away so -2147483648 stays an int32 and -1.5 a decimal.
      const Token& t = Peek();
      if ((t.kind == TokenKind::kInteger || t.kind == TokenKind::kDecimal || t.kind == TokenKind::kFloat) &&
          !IsOp(Peek(1), "||")) {
        Token neg = Next();
        Value v = NumberLiteral(neg);
        AstPtr node = Make(AstKind::kLiteral, offset);
        switch (v.type().id) {
          case TypeId::kInt32: node->literal = Value::Int32(static_cast<int32_t>(-v.int_value())); break;
          case TypeId::kInt64: node->literal = Value::Int64(-v.int_value()); break;
          case TypeId::kFloat64: node->literal = Value::Float64(-v.double_value()); break;
          default: node->literal = Value::Decimal(-v.decimal_value(), v.type().precision, v.type().scale); break;
        }
        if (v.type().id == TypeId::kInt64 && v.int_value() == static_cast<int64_t>(INT32_MAX) + 1) {
          node->literal = Value::Int32(INT32_MIN);
        }
        return node;
      }
      AstPtr node = Make(AstKind::kNegate, offset);
      LD_ASSIGN_OR_RETURN(AstPtr child, ParseUnary());
      node->args.push_back(std::move(child));
      return node;
    }
    if (IsOp(Peek(), "+")) {
      Next();
      return ParseUnary();
    }
    return ParsePrimary();
  }

  Result<AstPtr> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kEnd: return Expected("an expression");
      case TokenKind::kInteger:
      case TokenKind::kDecimal:
      case TokenKind::kFloat: {
        AstPtr node = Make(AstKind::kLiteral, t.offset);
        node->literal = NumberLiteral(t);
        Next();
        return node;
      }
      case TokenKind::kString: {
        AstPtr node = Make(AstKind::kLiteral, t.offset);
        node->literal = Value::String(t.text);
        Next();
        return node;
      }
      case TokenKind::kParam: {
        AstPtr node = Make(AstKind::kParam, t.offset);
        node->name = t.text;
        Next();
        return node;
      }
      case TokenKind::kQuotedIdent: {
        AstPtr node = Make(AstKind::kColumn, t.offset);
        node->name = t.text;
        Next();
        return node;
      }
      case TokenKind::kOperator: {
        if (IsOp(t, "(")) {
          Next();
          LD_ASSIGN_OR_RETURN(AstPtr inner, ParseOr());
          LD_RETURN_IF_ERROR(ExpectOp(")"));
          return inner;
        }
        return Expected("an expression");
      }
      case TokenKind::kIdent: break;
    }
    // Identifiers: keywords, typed literals, function calls, columns.
    size_t offset = t.offset;
    if (IsKeyword(t, "NULL") || IsKeyword(t, "TRUE") || IsKeyword(t, "FALSE")) {
      AstPtr node = Make(AstKind::kLiteral, offset);
      node->literal = IsKeyword(t, "NULL") ? Value::Null() : Value::Bool(IsKeyword(t, "TRUE"));
      Next();
      return node;
    }
    if ((IsKeyword(t, "DATE") || IsKeyword(t, "TIMESTAMP")) && Peek(1).kind == TokenKind::kString) {
      bool is_date = IsKeyword(t, "DATE");
      Next();
      const Token& s = Next();
      AstPtr node = Make(AstKind::kLiteral, offset);
      if (is_date) {
        auto d = ParseDate(s.text);
        if (!d) return ErrorAt(text_, s.offset, "invalid date '" + s.text + "' (expected YYYY-MM-DD)");
        node->literal = Value::Date(*d);
      } else {
        auto ts = ParseTimestamp(s.text);
        if (!ts) return ErrorAt(text_, s.offset, "invalid timestamp '" + s.text + "' (expected YYYY-MM-DD HH:MM:SS)");
        node->literal = Value::Timestamp(*ts);
      }
      return node;
    }
    if (IsKeyword(t, "CASE")) return ParseCase();
    if (IsKeyword(t, "CAST") || IsKeyword(t, "TRY_CAST")) return ParseCast();
    if (IsReservedWord(t.text)) {
      return ErrorAt(text_, offset, "expected an expression but found " + DescribeToken(t) +
                                        " (quote it as \"" + t.text + "\" if it is a column)");
    }
    std::string name = t.text;
    Next();
    if (IsOp(Peek(), "(")) {
      Next();
      AstPtr node = Make(AstKind::kCall, offset);
      node->name = name;
      if (!AcceptOp(")")) {
        do {
          if (IsOp(Peek(), "*")) return ErrorAt(text_, Peek().offset, "'*' is not allowed in a scalar expression");
          LD_ASSIGN_OR_RETURN(AstPtr arg, ParseOr());
          node->args.push_back(std::move(arg));
        } while (AcceptOp(","));
        LD_RETURN_IF_ERROR(ExpectOp(")"));
      }
      return node;
    }
    std::string upper = Upper(name);
    if (upper == "CURRENT_DATE" || upper == "CURRENT_TIMESTAMP") {
      AstPtr node = Make(AstKind::kCall, offset);
      node->name = upper == "CURRENT_DATE" ? "current_date" : "now";
      return node;
    }
    AstPtr node = Make(AstKind::kColumn, offset);
    node->name = std::move(name);
    return node;
  }

  Result<AstPtr> ParseCase() {
    AstPtr node = Make(AstKind::kCase, Next().offset);
    if (!IsKeyword(Peek(), "WHEN")) {
      node->has_operand = true;
      LD_ASSIGN_OR_RETURN(AstPtr operand, ParseOr());
      node->args.push_back(std::move(operand));
    }
    if (!IsKeyword(Peek(), "WHEN")) return Expected("WHEN");
    while (AcceptKeyword("WHEN")) {
      LD_ASSIGN_OR_RETURN(AstPtr when, ParseOr());
      LD_RETURN_IF_ERROR(ExpectKeyword("THEN"));
      LD_ASSIGN_OR_RETURN(AstPtr then, ParseOr());
      node->args.push_back(std::move(when));
      node->args.push_back(std::move(then));
    }
    if (AcceptKeyword("ELSE")) {
      node->has_else = true;
      LD_ASSIGN_OR_RETURN(AstPtr otherwise, ParseOr());
      node->args.push_back(std::move(otherwise));
    }
    LD_RETURN_IF_ERROR(ExpectKeyword("END"));
    return node;
  }

  Result<AstPtr> ParseCast() {
    AstPtr node = Make(AstKind::kCast, Peek().offset);
    node->is_try = IsKeyword(Next(), "TRY_CAST");
    LD_RETURN_IF_ERROR(ExpectOp("("));
    LD_ASSIGN_OR_RETURN(AstPtr value, ParseOr());
    node->args.push_back(std::move(value));
    LD_RETURN_IF_ERROR(ExpectKeyword("AS"));
    if (Peek().kind != TokenKind::kIdent) return Expected("a type name");
    // The type runs to the ')' that closes the CAST: "decimal(10, 2)", "timestamp(UTC)".
    size_t start = Peek().offset;
    node->type_offset = start;
    int depth = 0;
    while (true) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kEnd) return Expected("')'");
      if (IsOp(t, "(")) ++depth;
      if (IsOp(t, ")")) {
        if (depth == 0) break;
        --depth;
      }
      Next();
    }
    node->type_text = std::string(text_.substr(start, Peek().offset - start));
    Next();  // ')'
    return node;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

bool IsReservedWord(std::string_view word) {
  std::string upper = Upper(word);
  return std::find(std::begin(kReserved), std::end(kReserved), upper) != std::end(kReserved);
}

Result<AstPtr> ParseExpression(std::string_view text) {
  LD_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  Parser parser(text, std::move(tokens));
  return parser.ParseAll();
}

}  // namespace logidata::expr
