// CAST / TRY_CAST: conversion kernels between every pair of castable types, one typed loop per
// pair. Failures name the row and value (CAST) or yield NULL (TRY_CAST).
#include <charconv>
#include <cmath>
#include <limits>

#include "expression/decimal_math.h"
#include "expression/nodes.h"
#include "types/temporal.h"

namespace logidata::expr {

bool CanCast(const DataType& from, const DataType& to) {
  if (from == to || from.id == TypeId::kNull) return true;
  if (to.id == TypeId::kNull) return false;
  if (to.IsVarLength() || from.IsVarLength()) return true;  // text <-> anything
  bool from_num = from.IsNumeric() || from.id == TypeId::kBool;
  bool to_num = to.IsNumeric() || to.id == TypeId::kBool;
  if (from_num && to_num) return true;
  if (from.IsTemporal() && to.IsTemporal()) return true;
  return false;
}

namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  s = TrimSpaces(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

bool ParseDouble(std::string_view s, double* out) {
  s = TrimSpaces(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ParseDecimal(std::string_view s, int precision, int scale, int128_t* out) {
  s = TrimSpaces(s);
  bool neg = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int128_t v = 0;
  int frac = -1, digits = 0;
  bool any = false;
  int round_digit = -1;  // first dropped fractional digit
  for (char c : s) {
    if (c == '.') {
      if (frac >= 0) return false;
      frac = 0;
      continue;
    }
    if (c < '0' || c > '9') return false;
    any = true;
    if (frac >= 0 && frac >= scale) {
      if (round_digit < 0) round_digit = c - '0';
      continue;
    }
    if (digits > 0 || c != '0') ++digits;
    if (digits > 38) return false;
    v = v * 10 + (c - '0');
    if (frac >= 0) ++frac;
  }
  if (!any) return false;
  for (int i = frac < 0 ? 0 : frac; i < scale; ++i) v *= 10;
  if (round_digit >= 5) v += 1;
  if (!FitsPrecision(v, precision)) return false;
  *out = neg ? -v : v;
  return true;
}

bool ParseBool(std::string_view s, bool* out) {
  s = TrimSpaces(s);
  std::string lower;
  for (char c : s.substr(0, 8)) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s.size() > 5) return false;
  if (lower == "true" || lower == "t" || lower == "1" || lower == "yes" || lower == "y") { *out = true; return true; }
  if (lower == "false" || lower == "f" || lower == "0" || lower == "no" || lower == "n") { *out = false; return true; }
  return false;
}

bool DoubleToInt64(double d, int64_t* out) {
  if (!std::isfinite(d)) return false;
  double r = std::round(d);
  if (r < -9223372036854775808.0 || r >= 9223372036854775808.0) return false;
  *out = static_cast<int64_t>(r);
  return true;
}

bool DoubleToDecimal(double d, int precision, int scale, int128_t* out) {
  if (!std::isfinite(d)) return false;
  long double scaled = std::round(static_cast<long double>(d) * static_cast<long double>(Pow10(scale)));
  if (std::fabs(scaled) >= 1e38L) return false;
  int128_t v = static_cast<int128_t>(scaled);
  if (!FitsPrecision(v, precision)) return false;
  *out = v;
  return true;
}

double DecimalToDouble(int128_t v, int scale) {
  return static_cast<double>(v) / static_cast<double>(Pow10(scale));
}

// A value's logical reading as one of the "wide" kinds used by casts.
struct Reader {
  const Column& col;
  TypeId id;
  int scale;
  int64_t AsInt(int64_t i) const {
    switch (id) {
      case TypeId::kBool: return col.GetBool(i) ? 1 : 0;
      case TypeId::kInt32:
      case TypeId::kDate: return col.Get<int32_t>(i);
      default: return col.Get<int64_t>(i);
    }
  }
};

class CastKernel {
 public:
  CastKernel(const Column& in, const DataType& to, bool is_try, const EvalContext& ctx)
      : in_(in), to_(to), is_try_(is_try), ctx_(ctx), n_(in.length()) {}

  Result<ColumnPtr> Run() {
    const DataType& from = in_.type();
    if (from.id == TypeId::kNull) return Column::MakeNull(to_, n_);
    if (from.id == to_.id && from.id != TypeId::kDecimal) {
      return MakeColumn(to_, n_, in_.validity_buffer(), in_.values_buffer(), in_.data_buffer());
    }
    if (from.IsVarLength() && to_.IsVarLength()) {
      return MakeColumn(to_, n_, in_.validity_buffer(), in_.values_buffer(), in_.data_buffer());
    }
    if (to_.IsVarLength()) return ToText();
    if (from.IsVarLength()) return FromText();
    switch (to_.id) {
      case TypeId::kBool: return Fixed<uint8_t>([&](int64_t i, uint8_t* o) { *o = NumericNonZero(i); return true; });
      case TypeId::kInt32:
        return Fixed<int32_t>([&](int64_t i, int32_t* o) {
          int64_t v;
          if (!NumericToInt64(i, &v) || v < INT32_MIN || v > INT32_MAX) return false;
          *o = static_cast<int32_t>(v);
          return true;
        });
      case TypeId::kInt64: return Fixed<int64_t>([&](int64_t i, int64_t* o) { return NumericToInt64(i, o); });
      case TypeId::kFloat64: return Fixed<double>([&](int64_t i, double* o) { *o = NumericToDouble(i); return true; });
      case TypeId::kDecimal:
        return Fixed<int128_t>([&](int64_t i, int128_t* o) { return NumericToDecimal(i, o); });
      case TypeId::kDate:  // from timestamp
        return Fixed<int32_t>([&](int64_t i, int32_t* o) {
          *o = static_cast<int32_t>(FloorDiv(in_.Get<int64_t>(i), kMicrosPerDay));
          return true;
        });
      case TypeId::kTimestamp:  // from date (or a timestamp with another zone)
        if (from.id == TypeId::kTimestamp) return MakeColumn(to_, n_, in_.validity_buffer(), in_.values_buffer());
        return Fixed<int64_t>([&](int64_t i, int64_t* o) {
          *o = static_cast<int64_t>(in_.Get<int32_t>(i)) * kMicrosPerDay;
          return true;
        });
      default: break;
    }
    return Status::Internal("no cast from " + from.ToString() + " to " + to_.ToString());
  }

 private:
  Status Fail(int64_t i) const {
    return ctx_.RowError(i, "cannot cast " + LiteralText(in_.GetValue(i)) + " to " + to_.ToString());
  }

  bool NumericNonZero(int64_t i) const {
    switch (in_.type().id) {
      case TypeId::kFloat64: return in_.Get<double>(i) != 0;
      case TypeId::kDecimal: return in_.Get<int128_t>(i) != 0;
      default: return Reader{in_, in_.type().id, 0}.AsInt(i) != 0;
    }
  }
  bool NumericToInt64(int64_t i, int64_t* out) const {
    switch (in_.type().id) {
      case TypeId::kFloat64: return DoubleToInt64(in_.Get<double>(i), out);
      case TypeId::kDecimal: {
        int128_t v = DivRoundPow10(in_.Get<int128_t>(i), in_.type().scale);
        if (v < INT64_MIN || v > INT64_MAX) return false;
        *out = static_cast<int64_t>(v);
        return true;
      }
      default: *out = Reader{in_, in_.type().id, 0}.AsInt(i); return true;
    }
  }
  double NumericToDouble(int64_t i) const {
    switch (in_.type().id) {
      case TypeId::kFloat64: return in_.Get<double>(i);
      case TypeId::kDecimal: return DecimalToDouble(in_.Get<int128_t>(i), in_.type().scale);
      default: return static_cast<double>(Reader{in_, in_.type().id, 0}.AsInt(i));
    }
  }
  bool NumericToDecimal(int64_t i, int128_t* out) const {
    switch (in_.type().id) {
      case TypeId::kFloat64: return DoubleToDecimal(in_.Get<double>(i), to_.precision, to_.scale, out);
      case TypeId::kDecimal:
        return Rescale(in_.Get<int128_t>(i), in_.type().scale, to_.scale, out) && FitsPrecision(*out, to_.precision);
      default: {
        int128_t v = Reader{in_, in_.type().id, 0}.AsInt(i);
        *out = v * Pow10(to_.scale);
        return FitsPrecision(*out, to_.precision);
      }
    }
  }

  // Runs `f(i, &out)` on every valid row; a false return fails the row.
  template <typename Out, typename F>
  Result<ColumnPtr> Fixed(F&& f) {
    const bool is_bool = to_.id == TypeId::kBool;
    BufferPtr values = is_bool ? NewBuffer(n_) : NewBuffer(n_ * static_cast<int64_t>(sizeof(Out)));
    Out* out = values->mutable_data_as<Out>();
    BufferPtr validity = CopyValidity(n_, in_.validity());
    for (int64_t i = 0; i < n_; ++i) {
      out[i] = Out{};
      if (!in_.IsValid(i)) continue;
      if (!f(i, &out[i])) {
        if (!is_try_) return Fail(i);
        if (validity == nullptr) validity = NewBitmap(n_, true);
        ClearBit(validity->mutable_data(), i);
        out[i] = Out{};
      }
    }
    if (is_bool) {  // bytes -> bitmap
      BufferPtr bits = NewBitmap(n_);
      const uint8_t* bytes = values->data();
      FillBitmap(bits->mutable_data(), n_, [&](int64_t i) { return bytes[i] != 0; });
      values = bits;
    }
    return MakeColumn(to_, n_, std::move(validity), std::move(values));
  }

  Result<ColumnPtr> FromText() {
    switch (to_.id) {
      case TypeId::kBool:
        return Fixed<uint8_t>([&](int64_t i, uint8_t* o) {
          bool b;
          if (!ParseBool(in_.GetString(i), &b)) return false;
          *o = b;
          return true;
        });
      case TypeId::kInt32:
        return Fixed<int32_t>([&](int64_t i, int32_t* o) {
          int64_t v;
          if (!ParseInt64(in_.GetString(i), &v) || v < INT32_MIN || v > INT32_MAX) return false;
          *o = static_cast<int32_t>(v);
          return true;
        });
      case TypeId::kInt64: return Fixed<int64_t>([&](int64_t i, int64_t* o) { return ParseInt64(in_.GetString(i), o); });
      case TypeId::kFloat64: return Fixed<double>([&](int64_t i, double* o) { return ParseDouble(in_.GetString(i), o); });
      case TypeId::kDecimal:
        return Fixed<int128_t>([&](int64_t i, int128_t* o) {
          return ParseDecimal(in_.GetString(i), to_.precision, to_.scale, o);
        });
      case TypeId::kDate:
        return Fixed<int32_t>([&](int64_t i, int32_t* o) {
          std::string_view s = TrimSpaces(in_.GetString(i));
          if (auto d = ParseDate(s)) {
            *o = *d;
            return true;
          }
          auto ts = ParseTimestamp(s);
          if (!ts) return false;
          *o = static_cast<int32_t>(FloorDiv(*ts, kMicrosPerDay));
          return true;
        });
      case TypeId::kTimestamp:
        return Fixed<int64_t>([&](int64_t i, int64_t* o) {
          auto ts = ParseTimestamp(TrimSpaces(in_.GetString(i)));
          if (!ts) return false;
          *o = *ts;
          return true;
        });
      default: return Status::Internal("no cast from text to " + to_.ToString());
    }
  }

  Result<ColumnPtr> ToText() {
    StringWriter w(n_, n_ * 12);
    std::string tmp;
    const TypeId from = in_.type().id;
    for (int64_t i = 0; i < n_; ++i) {
      if (!in_.IsValid(i)) {
        w.AppendEmpty();
        continue;
      }
      char buf[64];
      switch (from) {
        case TypeId::kBool: w.Append(in_.GetBool(i) ? "true" : "false"); break;
        case TypeId::kInt32:
        case TypeId::kInt64: {
          int64_t v = Reader{in_, from, 0}.AsInt(i);
          auto r = std::to_chars(buf, buf + sizeof buf, v);
          w.Append(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
          break;
        }
        case TypeId::kFloat64: w.Append(FormatDouble(in_.Get<double>(i))); break;
        case TypeId::kDecimal: w.Append(FormatDecimal(in_.Get<int128_t>(i), in_.type().scale)); break;
        case TypeId::kDate:
          tmp.clear();
          AppendDate(in_.Get<int32_t>(i), tmp);
          w.Append(tmp);
          break;
        case TypeId::kTimestamp:
          tmp.clear();
          AppendTimestamp(in_.Get<int64_t>(i), tmp);
          w.Append(tmp);
          break;
        default: w.AppendEmpty(); break;
      }
    }
    return w.Finish(to_, in_.validity_buffer());
  }

  const Column& in_;
  const DataType& to_;
  bool is_try_;
  const EvalContext& ctx_;
  int64_t n_;
};

class CastNode final : public ExprNode {
 public:
  CastNode(NodePtr child, DataType to, bool is_try, bool implicit, size_t offset)
      : ExprNode(std::move(to), offset), is_try_(is_try), implicit_(implicit) {
    children_.push_back(std::move(child));
  }
  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    LD_ASSIGN_OR_RETURN(Datum in, children_[0]->Eval(batch, ctx));
    return CastDatum(in, type_, is_try_, batch.num_rows(), ctx);
  }
  std::string ToString() const override {
    if (implicit_) return children_[0]->ToString();
    return std::string(is_try_ ? "TRY_CAST(" : "CAST(") + children_[0]->ToString() + " AS " + type_.ToString() + ")";
  }
  bool IsAtomic() const override { return !implicit_ || children_[0]->IsAtomic(); }
  bool MayFail() const override {
    if (is_try_) return false;
    const DataType& from = children_[0]->type();
    if (type_.IsVarLength() || from == type_ || from.id == TypeId::kNull) return false;
    if (from.IsInteger() && (type_.id == TypeId::kInt64 || type_.id == TypeId::kFloat64)) return false;
    if (from.id == TypeId::kDate && type_.IsTemporal()) return false;
    return true;
  }

 private:
  bool is_try_;
  bool implicit_;
};

}  // namespace

Result<Datum> CastDatum(const Datum& input, const DataType& to, bool is_try, int64_t length, const EvalContext& ctx) {
  if (input.is_scalar) {
    if (input.scalar.is_null()) return Datum::Scalar(Value::Null(to));
    Datum one = Datum::Scalar(input.scalar);
    ColumnPtr col = one.ToColumn(1);
    EvalContext scalar_ctx = ctx;
    scalar_ctx.folding = true;
    CastKernel kernel(*col, to, is_try, scalar_ctx);
    LD_ASSIGN_OR_RETURN(ColumnPtr out, kernel.Run());
    return Datum::Scalar(out->GetValue(0));
  }
  CastKernel kernel(*input.column, to, is_try, ctx);
  LD_ASSIGN_OR_RETURN(ColumnPtr out, kernel.Run());
  return Datum::Array(std::move(out));
}

NodePtr MakeCast(NodePtr child, DataType to, bool is_try, bool implicit, size_t offset) {
  return std::make_unique<CastNode>(std::move(child), std::move(to), is_try, implicit, offset);
}

}  // namespace logidata::expr
