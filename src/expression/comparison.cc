// Comparison operators = <> < <= > >= producing bool bitmaps. Column-vs-constant comparisons on
// fixed-width types and strings run without per-row branches on the constant's kind.
#include <functional>
#include <utility>

#include "expression/nodes.h"

namespace logidata::expr {

namespace {

std::string_view CompareText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "<>";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

// x op c  <=>  c Flip(op) x
CompareOp Flip(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return CompareOp::kGt;
    case CompareOp::kLe: return CompareOp::kGe;
    case CompareOp::kGt: return CompareOp::kLt;
    case CompareOp::kGe: return CompareOp::kLe;
    default: return op;
  }
}

template <typename F>
auto WithOp(CompareOp op, F&& f) {
  switch (op) {
    case CompareOp::kEq: return f(std::equal_to<>());
    case CompareOp::kNe: return f(std::not_equal_to<>());
    case CompareOp::kLt: return f(std::less<>());
    case CompareOp::kLe: return f(std::less_equal<>());
    case CompareOp::kGt: return f(std::greater<>());
    default: return f(std::greater_equal<>());
  }
}

template <typename T>
void CompareFixed(CompareOp op, const Datum& l, const Datum& r, int64_t n, uint8_t* out) {
  FixedReader<T> a = MakeFixedReader<T>(l);
  FixedReader<T> b = MakeFixedReader<T>(r);
  WithOp(op, [&](auto cmp) {
    if (!a.scalar && !b.scalar) {
      const T* av = a.values;
      const T* bv = b.values;
      FillBitmap(out, n, [&](int64_t i) { return cmp(av[i], bv[i]); });
    } else if (!a.scalar) {
      const T* av = a.values;
      const T c = b.constant;
      FillBitmap(out, n, [&](int64_t i) { return cmp(av[i], c); });
    } else {
      const T c = a.constant;
      const T* bv = b.values;
      FillBitmap(out, n, [&](int64_t i) { return cmp(c, bv[i]); });
    }
    return 0;
  });
}

inline int CompareStrings(std::string_view a, std::string_view b) { return a.compare(b); }

// Equality with a constant of compile-time length N (<= 16), branch-free: the row's first N
// bytes are loaded as two words and compared together with the length, so random lengths cost
// no mispredictions. Rows whose N-byte window would run past the data use the careful test.
template <size_t N>
void EqualsConstant(const int32_t* off, const char* data, const char* c, int64_t n, bool want, uint8_t* out) {
  uint64_t c0 = 0, c1 = 0;
  std::memcpy(&c0, c, N < 8 ? N : 8);
  if constexpr (N > 8) std::memcpy(&c1, c + 8, N - 8);
  const uint64_t m0 = N >= 8 ? ~0ULL : (N == 0 ? 0 : (~0ULL >> (64 - 8 * N)));
  const uint64_t m1 = N >= 16 ? ~0ULL : (N <= 8 ? 0 : (~0ULL >> (64 - 8 * (N - 8))));
  const int32_t total = off[n];
  int64_t safe = n;  // rows [0, safe) can read 16 bytes from their start
  while (safe > 0 && off[safe - 1] + 16 > total) --safe;
  FillBitmap(out, n, [&](int64_t i) {
    const int32_t start = off[i];
    const bool len_ok = off[i + 1] - start == static_cast<int32_t>(N);
    if (i >= safe) return (len_ok && std::memcmp(data + start, c, N) == 0) == want;
    uint64_t w0, w1;
    std::memcpy(&w0, data + start, 8);
    std::memcpy(&w1, data + start + 8, 8);
    const bool eq = len_ok & (((w0 & m0) ^ c0) == 0) & (((w1 & m1) ^ c1) == 0);
    return eq == want;
  });
}

template <size_t... Ns>
bool EqualsSmallConstant(std::string_view c, const int32_t* off, const char* data, int64_t n, bool want, uint8_t* out,
                         std::index_sequence<Ns...>) {
  bool done = false;
  ((c.size() == Ns ? (EqualsConstant<Ns>(off, data, c.data(), n, want, out), done = true) : false), ...);
  return done;
}

}  // namespace

void StringEqualsConstant(const Column& column, std::string_view c, bool want, uint8_t* out) {
  const int64_t n = column.length();
  const int32_t* off = column.offsets();
  const char* data = column.string_data();
  if (EqualsSmallConstant(c, off, data, n, want, out, std::make_index_sequence<17>())) return;
  const int32_t len = static_cast<int32_t>(c.size());
  FillBitmap(out, n, [&](int64_t i) {
    bool eq = off[i + 1] - off[i] == len && std::memcmp(data + off[i], c.data(), c.size()) == 0;
    return eq == want;
  });
}

namespace {

void CompareTextValues(CompareOp op, const Datum& l, const Datum& r, int64_t n, uint8_t* out) {
  if (l.is_scalar && !r.is_scalar) return CompareTextValues(Flip(op), r, l, n, out);
  StringReader a(l);
  if (!r.is_scalar) {
    StringReader b(r);
    WithOp(op, [&](auto cmp) {
      FillBitmap(out, n, [&](int64_t i) { return cmp(CompareStrings(a[i], b[i]), 0); });
      return 0;
    });
    return;
  }
  const std::string_view c = r.scalar.string_value();
  if (op == CompareOp::kEq || op == CompareOp::kNe) {
    StringEqualsConstant(*l.column, c, op == CompareOp::kEq, out);
    return;
  }
  WithOp(op, [&](auto cmp) {
    FillBitmap(out, n, [&](int64_t i) { return cmp(CompareStrings(a[i], c), 0); });
    return 0;
  });
}

class CompareNode final : public ExprNode {
 public:
  CompareNode(CompareOp op, NodePtr l, NodePtr r, size_t offset) : ExprNode(DataType::Bool(), offset), op_(op) {
    children_.push_back(std::move(l));
    children_.push_back(std::move(r));
  }
  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    LD_ASSIGN_OR_RETURN(Datum l, children_[0]->Eval(batch, ctx));
    LD_ASSIGN_OR_RETURN(Datum r, children_[1]->Eval(batch, ctx));
    if (l.IsNullScalar() || r.IsNullScalar()) return Datum::Scalar(Value::Null(DataType::Bool()));
    const int64_t n = batch.num_rows();
    if (l.is_scalar && r.is_scalar) l = Datum::Array(l.ToColumn(n));  // only when folding constants
    BufferPtr bits = NewBitmap(n);
    uint8_t* out = bits->mutable_data();
    const DataType& t = children_[0]->type();
    switch (t.id) {
      case TypeId::kString:
      case TypeId::kBinary: CompareTextValues(op_, l, r, n, out); break;
      case TypeId::kBool: {
        ColumnPtr a = l.ToColumn(n), b = r.ToColumn(n);
        WithOp(op_, [&](auto cmp) {
          FillBitmap(out, n, [&](int64_t i) { return cmp(a->GetBool(i), b->GetBool(i)); });
          return 0;
        });
        break;
      }
      case TypeId::kInt32:
      case TypeId::kDate: CompareFixed<int32_t>(op_, l, r, n, out); break;
      case TypeId::kInt64:
      case TypeId::kTimestamp: CompareFixed<int64_t>(op_, l, r, n, out); break;
      case TypeId::kFloat64: CompareFixed<double>(op_, l, r, n, out); break;
      case TypeId::kDecimal: CompareFixed<int128_t>(op_, l, r, n, out); break;
      case TypeId::kNull: return Datum::Scalar(Value::Null(DataType::Bool()));
    }
    return Datum::Array(MakeColumn(type_, n, AndValidity(n, ValidityOf(l), ValidityOf(r)), std::move(bits)));
  }
  std::string ToString() const override {
    return Nested(*children_[0]) + " " + std::string(CompareText(op_)) + " " + Nested(*children_[1]);
  }

 private:
  CompareOp op_;
};

}  // namespace

NodePtr MakeCompare(CompareOp op, NodePtr left, NodePtr right, size_t offset) {
  return std::make_unique<CompareNode>(op, std::move(left), std::move(right), offset);
}

}  // namespace logidata::expr
