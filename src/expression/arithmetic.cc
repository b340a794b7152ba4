// Arithmetic operators + - * / % and unary minus over int64, float64 and decimal128. Integer
// arithmetic is checked: overflow is a DataError naming the row. Division or modulo by zero is
// NULL. Integer `/` truncates toward zero and `%` takes the sign of the dividend (as in
// PostgreSQL); cast an operand to float64 for fractional results.
#include <cmath>

#include "expression/decimal_math.h"
#include "expression/nodes.h"

namespace logidata::expr {

std::string_view ArithOpText(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd: return "+";
    case ArithOp::kSub: return "-";
    case ArithOp::kMul: return "*";
    case ArithOp::kDiv: return "/";
    case ArithOp::kMod: return "%";
  }
  return "?";
}

namespace {

// Each Apply is total (no UB for any input, including garbage under null rows) and returns
// false for a "special" row: overflow (an error) or a zero divisor (NULL).
template <typename T>
struct Ops;

template <>
struct Ops<int64_t> {
  static bool Add(int64_t a, int64_t b, int64_t* o) { return !__builtin_add_overflow(a, b, o); }
  static bool Sub(int64_t a, int64_t b, int64_t* o) { return !__builtin_sub_overflow(a, b, o); }
  static bool Mul(int64_t a, int64_t b, int64_t* o) { return !__builtin_mul_overflow(a, b, o); }
  static bool Div(int64_t a, int64_t b, int64_t* o) {
    bool bad = b == 0 || (a == INT64_MIN && b == -1);
    *o = bad ? 0 : a / (b == 0 ? 1 : b);
    return !bad;
  }
  static bool Mod(int64_t a, int64_t b, int64_t* o) {
    *o = (b == 0 || b == -1) ? 0 : a % b;
    return b != 0;
  }
};

template <>
struct Ops<double> {
  static bool Add(double a, double b, double* o) { *o = a + b; return true; }
  static bool Sub(double a, double b, double* o) { *o = a - b; return true; }
  static bool Mul(double a, double b, double* o) { *o = a * b; return true; }
  static bool Div(double a, double b, double* o) { *o = b == 0 ? 0 : a / b; return b != 0; }
  static bool Mod(double a, double b, double* o) { *o = b == 0 ? 0 : std::fmod(a, b); return b != 0; }
};

template <>
struct Ops<int128_t> {
  static bool Add(int128_t a, int128_t b, int128_t* o) { return !__builtin_add_overflow(a, b, o) && FitsPrecision(*o, 38); }
  static bool Sub(int128_t a, int128_t b, int128_t* o) { return !__builtin_sub_overflow(a, b, o) && FitsPrecision(*o, 38); }
  static bool Mul(int128_t a, int128_t b, int128_t* o) { return !__builtin_mul_overflow(a, b, o) && FitsPrecision(*o, 38); }
  static bool Div(int128_t a, int128_t b, int128_t* o) {  // same scale: integral quotient
    bool bad = b == 0;
    *o = bad ? 0 : a / b;
    return !bad;
  }
  static bool Mod(int128_t a, int128_t b, int128_t* o) {
    *o = (b == 0 || b == -1) ? 0 : a % b;
    return b != 0;
  }
};

template <typename T, bool (*Apply)(T, T, T*)>
Result<Datum> ArithLoop(const Datum& l, const Datum& r, int64_t n, const DataType& type, bool special_is_null,
                        const EvalContext& ctx, std::string_view op) {
  FixedReader<T> a = MakeFixedReader<T>(l);
  FixedReader<T> b = MakeFixedReader<T>(r);
  BufferPtr values = NewBuffer(n * static_cast<int64_t>(sizeof(T)));
  T* out = values->mutable_data_as<T>();
  bool any_special = false;
  if (!a.scalar && !b.scalar) {
    for (int64_t i = 0; i < n; ++i) any_special |= !Apply(a.values[i], b.values[i], &out[i]);
  } else if (!a.scalar) {
    const T bc = b.constant;
    for (int64_t i = 0; i < n; ++i) any_special |= !Apply(a.values[i], bc, &out[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) any_special |= !Apply(a[i], b[i], &out[i]);
  }
  BufferPtr validity = AndValidity(n, ValidityOf(l), ValidityOf(r));
  if (any_special) {
    // Rare: find the special rows among the valid ones.
    const uint8_t* valid = validity ? validity->data() : nullptr;
    for (int64_t i = 0; i < n; ++i) {
      if (valid != nullptr && !GetBit(valid, i)) continue;
      T tmp;
      if (Apply(a[i], b[i], &tmp)) continue;
      if (!special_is_null) {
        return ctx.RowError(i, std::string(type.IsInteger() ? "integer" : "decimal") + " overflow in '" +
                                   std::string(op) + "'");
      }
      if (validity == nullptr) {
        validity = NewBitmap(n, true);
        valid = validity->data();
      }
      ClearBit(validity->mutable_data(), i);
    }
  }
  return Datum::Array(MakeColumn(type, n, std::move(validity), std::move(values)));
}

template <typename T>
Result<Datum> Dispatch(ArithOp op, const Datum& l, const Datum& r, int64_t n, const DataType& type,
                       const EvalContext& ctx) {
  std::string_view text = ArithOpText(op);
  switch (op) {
    case ArithOp::kAdd: return ArithLoop<T, &Ops<T>::Add>(l, r, n, type, false, ctx, text);
    case ArithOp::kSub: return ArithLoop<T, &Ops<T>::Sub>(l, r, n, type, false, ctx, text);
    case ArithOp::kMul: return ArithLoop<T, &Ops<T>::Mul>(l, r, n, type, false, ctx, text);
    case ArithOp::kDiv: return ArithLoop<T, &Ops<T>::Div>(l, r, n, type, true, ctx, text);
    case ArithOp::kMod: return ArithLoop<T, &Ops<T>::Mod>(l, r, n, type, true, ctx, text);
  }
  return Status::Internal("bad arithmetic operator");
}

bool Additive(ArithOp op) { return op == ArithOp::kAdd || op == ArithOp::kSub; }

class ArithNode final : public ExprNode {
 public:
  ArithNode(ArithOp op, NodePtr l, NodePtr r, DataType type, size_t offset) : ExprNode(std::move(type), offset), op_(op) {
    children_.push_back(std::move(l));
    children_.push_back(std::move(r));
  }
  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    LD_ASSIGN_OR_RETURN(Datum l, children_[0]->Eval(batch, ctx));
    LD_ASSIGN_OR_RETURN(Datum r, children_[1]->Eval(batch, ctx));
    if (l.IsNullScalar() || r.IsNullScalar()) return Datum::Scalar(Value::Null(type_));
    const int64_t n = batch.num_rows();
    switch (type_.id) {
      case TypeId::kInt64: return Dispatch<int64_t>(op_, l, r, n, type_, ctx);
      case TypeId::kFloat64: return Dispatch<double>(op_, l, r, n, type_, ctx);
      case TypeId::kDecimal: return Dispatch<int128_t>(op_, l, r, n, type_, ctx);
      default: return Status::Internal("arithmetic on " + type_.ToString());
    }
  }
  std::string ToString() const override {
    // Left-associative: a left operand of the same precedence needs no parentheses, and leaving
    // them out keeps the canonical text of a long chain within the parser's nesting limit.
    const auto* left = dynamic_cast<const ArithNode*>(children_[0].get());
    std::string l = left != nullptr && Additive(left->op_) == Additive(op_) ? left->ToString() : Nested(*children_[0]);
    return l + " " + std::string(ArithOpText(op_)) + " " + Nested(*children_[1]);
  }
  bool MayFail() const override { return type_.id != TypeId::kFloat64 && op_ != ArithOp::kDiv && op_ != ArithOp::kMod; }

 private:
  ArithOp op_;
};

class NegateNode final : public ExprNode {
 public:
  NegateNode(NodePtr child, size_t offset) : ExprNode(child->type(), offset) { children_.push_back(std::move(child)); }
  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    LD_ASSIGN_OR_RETURN(Datum c, children_[0]->Eval(batch, ctx));
    if (c.IsNullScalar()) return Datum::Scalar(Value::Null(type_));
    Datum zero;
    switch (type_.id) {
      case TypeId::kInt64: zero = Datum::Scalar(Value::Int64(0)); break;
      case TypeId::kFloat64: zero = Datum::Scalar(Value::Float64(-0.0)); break;
      default: zero = Datum::Scalar(Value::Decimal(0, type_.precision, type_.scale)); break;
    }
    const int64_t n = batch.num_rows();
    switch (type_.id) {
      case TypeId::kInt64: return ArithLoop<int64_t, &Ops<int64_t>::Sub>(zero, c, n, type_, false, ctx, "-");
      case TypeId::kFloat64: return ArithLoop<double, &Ops<double>::Sub>(zero, c, n, type_, false, ctx, "-");
      default: return ArithLoop<int128_t, &Ops<int128_t>::Sub>(zero, c, n, type_, false, ctx, "-");
    }
  }
  std::string ToString() const override { return "-" + Nested(*children_[0]); }
  bool MayFail() const override { return type_.id == TypeId::kInt64; }
};

}  // namespace

NodePtr MakeArithmetic(ArithOp op, NodePtr left, NodePtr right, DataType type, size_t offset) {
  return std::make_unique<ArithNode>(op, std::move(left), std::move(right), std::move(type), offset);
}

NodePtr MakeNegate(NodePtr child, size_t offset) { return std::make_unique<NegateNode>(std::move(child), offset); }

}  // namespace logidata::expr
