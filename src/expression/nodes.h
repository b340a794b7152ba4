// Factories for the bound node kinds. Each kind lives in its own .cc file with its kernels; the
// binder (binder.cc) checks types and inserts casts before calling these, so the factories only
// REQUIRE well-typed children. Thread-safe (pure constructors).
#pragma once

#include <string>
#include <vector>

#include "expression/expr_node.h"

namespace logidata::expr {

// literal_node.cc
// `text`: how to print it when not LiteralText(value) (a literal implicitly cast keeps the
// user's spelling so the canonical text binds back to the same tree).
NodePtr MakeLiteral(Value value, size_t offset, std::string param_name = "", std::string text = "");
NodePtr MakeColumnRef(int index, std::string name, DataType type, size_t offset);
// Text of a literal in expression syntax: 12, 1.5, 'it''s', DATE '2024-01-01', NULL.
std::string LiteralText(const Value& v);
// A column name as written in expressions: bare when possible, else "quoted".
std::string QuoteName(const std::string& name);

// cast.cc
// True when a value of `from` can be CAST to `to` (the cast may still fail per value).
bool CanCast(const DataType& from, const DataType& to);
// Casts every value; on failure returns DataError naming the row (or null when `is_try`).
Result<Datum> CastDatum(const Datum& input, const DataType& to, bool is_try, int64_t length, const EvalContext& ctx);
// `implicit` casts print as their child (they are the binder's, not the user's).
NodePtr MakeCast(NodePtr child, DataType to, bool is_try, bool implicit, size_t offset);

// arithmetic.cc. REQUIRES: both operands already have the computation type `type` (int64,
// float64 or decimal), except date +/- int32/int64 and date - date.
enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod };
NodePtr MakeArithmetic(ArithOp op, NodePtr left, NodePtr right, DataType type, size_t offset);
NodePtr MakeNegate(NodePtr child, size_t offset);
std::string_view ArithOpText(ArithOp op);

// comparison.cc. REQUIRES: both operands have the same type.
enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
NodePtr MakeCompare(CompareOp op, NodePtr left, NodePtr right, size_t offset);

// Sets bit i of `out` (a zeroed bitmap of column.length() bits, padded to 64-bit words) where
// (row i == c) == want. Fast for constants of up to 16 bytes (no branches on row lengths).
void StringEqualsConstant(const Column& column, std::string_view c, bool want, uint8_t* out);

// logical.cc. REQUIRES: bool (or null-typed) operands.
NodePtr MakeAndOr(bool is_and, std::vector<NodePtr> operands, size_t offset);
NodePtr MakeNot(NodePtr child, size_t offset);
NodePtr MakeIsNull(NodePtr child, bool negated, size_t offset);

// in_list.cc. REQUIRES: every value is non-null and of child's type.
NodePtr MakeInList(NodePtr child, std::vector<Value> values, bool has_null, bool negated, size_t offset);

// like.cc. REQUIRES: string operands. A constant pattern is analysed once (prefix/suffix/…).
NodePtr MakeLike(NodePtr value, NodePtr pattern, bool insensitive, bool negated, size_t offset);
// SQL LIKE on one value ('%' any run, '_' one character, '\' escapes); ASCII case folding when
// `insensitive`.
bool LikeMatch(std::string_view s, std::string_view pattern, bool insensitive);

// case_node.cc. REQUIRES: whens are bool, thens and otherwise have `type` (otherwise may be null).
NodePtr MakeCase(std::vector<NodePtr> whens, std::vector<NodePtr> thens, NodePtr otherwise, DataType type,
                 size_t offset);

// concat `||` lives with the string functions (string_functions.cc).
NodePtr MakeConcatOperator(NodePtr left, NodePtr right, size_t offset);

}  // namespace logidata::expr

namespace logidata::expr {

// Evaluates `node` only on the rows whose bit is set in `selection` (`count` of them) and returns
// a full-length column with NULL elsewhere. Used where SQL promises a branch is not evaluated for
// rows that do not take it (CASE, AND/OR operands that may raise errors).
Result<ColumnPtr> EvalSelected(const ExprNode& node, const Batch& batch, const uint8_t* selection, int64_t count,
                               const EvalContext& ctx);

// Reads 64-bit word `w` of a bitmap of `length` bits without reading past its last byte.
inline uint64_t LoadWord(const uint8_t* bits, int64_t w, int64_t length) {
  int64_t bytes = BitmapBytes(length);
  int64_t start = w * 8;
  uint64_t word = 0;
  if (start + 8 <= bytes) {
    std::memcpy(&word, bits + start, 8);
  } else {
    std::memcpy(&word, bits + start, static_cast<size_t>(bytes - start));
  }
  return word;
}

}  // namespace logidata::expr
