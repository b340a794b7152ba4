// Leaf nodes: literals (and run parameters, which bind as string literals) and column reads.
#include <cctype>
#include <charconv>
#include <cmath>

#include "expression/nodes.h"
#include "expression/parser.h"
#include "types/temporal.h"

namespace logidata::expr {

std::string LiteralText(const Value& v) {
  if (v.is_null()) return "NULL";
  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'') out.push_back('\'');
      out.push_back(c);
    }
    return out + "'";
  };
  switch (v.type().id) {
    case TypeId::kBool: return v.bool_value() ? "TRUE" : "FALSE";
    case TypeId::kFloat64: {
      double d = v.double_value();
      if (!std::isfinite(d)) return "CAST(" + quote(FormatDouble(d)) + " AS float64)";
      std::string s = FormatDouble(d);
      // Scientific notation reads back as float64 (plain digits would read as int or decimal).
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
      return std::string(buf, r.ptr);
    }
    case TypeId::kString: return quote(v.string_value());
    case TypeId::kBinary: return "CAST(" + quote(v.string_value()) + " AS binary)";
    case TypeId::kDate: return "DATE " + quote(v.ToString());
    case TypeId::kTimestamp: return "TIMESTAMP " + quote(v.ToString());
    default: return v.ToString();
  }
}

std::string QuoteName(const std::string& name) {
  bool bare = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) bare = bare && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (bare) {
    std::string lower;
    for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    bare = !IsReservedWord(name) && lower != "current_date" && lower != "current_timestamp";
  }
  if (bare) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

namespace {

class LiteralNode final : public ExprNode {
 public:
  LiteralNode(Value value, size_t offset, std::string param, std::string text)
      : ExprNode(value.type(), offset), value_(std::move(value)), param_(std::move(param)), text_(std::move(text)) {}
  Result<Datum> Eval(const Batch&, const EvalContext&) const override { return Datum::Scalar(value_); }
  std::string ToString() const override {
    if (!param_.empty()) return ":" + param_;
    return text_.empty() ? LiteralText(value_) : text_;
  }
  bool IsAtomic() const override {
    // Negative numbers are parenthesised so "a - -1" prints as "a - (-1)".
    if (value_.is_null()) return true;
    switch (value_.type().id) {
      case TypeId::kInt32:
      case TypeId::kInt64: return value_.int_value() >= 0;
      case TypeId::kFloat64: return !std::signbit(value_.double_value());
      case TypeId::kDecimal: return value_.decimal_value() >= 0;
      default: return true;
    }
  }
  const Value* literal() const override { return &value_; }
  const std::string* param_name() const override { return param_.empty() ? nullptr : &param_; }

 private:
  Value value_;
  std::string param_;
  std::string text_;  // how the user wrote it, when an implicit cast changed its type
};

class ColumnNode final : public ExprNode {
 public:
  ColumnNode(int index, std::string name, DataType type, size_t offset)
      : ExprNode(std::move(type), offset), index_(index), name_(std::move(name)) {}
  Result<Datum> Eval(const Batch& batch, const EvalContext&) const override {
    return Datum::Array(batch.column(index_));
  }
  std::string ToString() const override { return QuoteName(name_); }
  bool IsAtomic() const override { return true; }
  int column_index() const override { return index_; }

 private:
  int index_;
  std::string name_;
};

}  // namespace

NodePtr MakeLiteral(Value value, size_t offset, std::string param_name, std::string text) {
  return std::make_unique<LiteralNode>(std::move(value), offset, std::move(param_name), std::move(text));
}

NodePtr MakeColumnRef(int index, std::string name, DataType type, size_t offset) {
  return std::make_unique<ColumnNode>(index, std::move(name), std::move(type), offset);
}

}  // namespace logidata::expr
