// Numeric functions: abs, round, floor, ceil, sqrt, power, ln, log10, exp. Integer inputs are
// int64, decimals keep their type, everything else computes in float64. Results outside a
// function's domain (sqrt(-1), ln(0)) are NULL.
#include <cmath>

#include "expression/decimal_math.h"
#include "expression/function_registry.h"

namespace logidata::expr {

namespace {

// out[i] = f(in[i]); rows where f returns false become NULL.
template <typename In, typename Out, typename F>
Datum MapFixed(const std::vector<Datum>& args, int64_t n, const DataType& type, F&& f) {
  FixedReader<In> in = MakeFixedReader<In>(args[0]);
  BufferPtr validity = StrictValidity(args, n);
  BufferPtr values = NewBuffer(n * static_cast<int64_t>(sizeof(Out)));
  Out* out = values->mutable_data_as<Out>();
  bool any_bad = false;
  for (int64_t i = 0; i < n; ++i) any_bad |= !f(i, in[i], &out[i]);
  if (any_bad) {
    for (int64_t i = 0; i < n; ++i) {
      if (validity != nullptr && !GetBit(validity->data(), i)) continue;
      Out tmp;
      if (f(i, in[i], &tmp)) continue;
      if (validity == nullptr) validity = NewBitmap(n, true);
      ClearBit(validity->mutable_data(), i);
    }
  }
  return Datum::Array(MakeColumn(type, n, std::move(validity), std::move(values)));
}

Result<Datum> Abs(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext& ctx) {
  switch (self.type().id) {
    case TypeId::kInt64: {
      // |INT64_MIN| does not fit: report the row.
      FixedReader<int64_t> in = MakeFixedReader<int64_t>(args[0]);
      NullReader nulls(args[0]);
      for (int64_t i = 0; i < n; ++i) {
        if (in[i] == INT64_MIN && !nulls.IsNull(i)) return ctx.RowError(i, "integer overflow in abs");
      }
      return MapFixed<int64_t, int64_t>(args, n, self.type(), [](int64_t, int64_t v, int64_t* o) {
        *o = v < 0 ? (v == INT64_MIN ? 0 : -v) : v;
        return true;
      });
    }
    case TypeId::kFloat64:
      return MapFixed<double, double>(args, n, self.type(), [](int64_t, double v, double* o) { *o = std::fabs(v); return true; });
    default:
      return MapFixed<int128_t, int128_t>(args, n, self.type(), [](int64_t, int128_t v, int128_t* o) { *o = v < 0 ? -v : v; return true; });
  }
}

Result<Datum> Round(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  FixedReader<int64_t> digits;
  digits.scalar = true;
  if (args.size() > 1) digits = MakeFixedReader<int64_t>(args[1]);
  auto clamp = [](int64_t d) { return d < -38 ? -38 : (d > 38 ? 38 : d); };
  switch (self.type().id) {
    case TypeId::kInt64:
      return MapFixed<int64_t, int64_t>(args, n, self.type(), [&](int64_t i, int64_t v, int64_t* o) {
        int64_t d = clamp(digits[i]);
        if (d >= 0) { *o = v; return true; }
        if (d < -18) { *o = 0; return true; }
        int128_t r = DivRoundPow10(v, static_cast<int>(-d)) * Pow10(static_cast<int>(-d));
        if (r > INT64_MAX || r < INT64_MIN) return false;
        *o = static_cast<int64_t>(r);
        return true;
      });
    case TypeId::kFloat64:
      return MapFixed<double, double>(args, n, self.type(), [&](int64_t i, double v, double* o) {
        int64_t d = clamp(digits[i]);
        if (d == 0) { *o = std::round(v); return true; }
        double f = std::pow(10.0, static_cast<double>(d));
        double r = std::round(v * f) / f;
        *o = std::isfinite(r) ? r : v;
        return true;
      });
    default: {
      const int scale = self.type().scale;
      return MapFixed<int128_t, int128_t>(args, n, self.type(), [&](int64_t i, int128_t v, int128_t* o) {
        int64_t d = clamp(digits[i]);
        if (d >= scale) { *o = v; return true; }
        int drop = static_cast<int>(scale - d);
        if (drop > 38) { *o = 0; return true; }
        int128_t r = DivRoundPow10(v, drop);
        if (__builtin_mul_overflow(r, Pow10(drop), o)) return false;
        return FitsPrecision(*o, self.type().precision);
      });
    }
  }
}

template <bool kCeil>
Result<Datum> FloorCeil(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  switch (self.type().id) {
    case TypeId::kInt64:
      return MapFixed<int64_t, int64_t>(args, n, self.type(), [](int64_t, int64_t v, int64_t* o) { *o = v; return true; });
    case TypeId::kFloat64:
      return MapFixed<double, double>(args, n, self.type(), [](int64_t, double v, double* o) {
        *o = kCeil ? std::ceil(v) : std::floor(v);
        return true;
      });
    default: {
      const int128_t unit = Pow10(self.type().scale);
      return MapFixed<int128_t, int128_t>(args, n, self.type(), [unit](int64_t, int128_t v, int128_t* o) {
        int128_t q = v / unit, r = v % unit;
        if (kCeil && r > 0) ++q;
        if (!kCeil && r < 0) --q;
        *o = q * unit;
        return FitsPrecision(*o, 38);
      });
    }
  }
}

template <double (*F)(double), bool (*Domain)(double)>
Result<Datum> UnaryDouble(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  return MapFixed<double, double>(args, n, self.type(), [](int64_t, double v, double* o) {
    *o = Domain(v) ? F(v) : 0;
    return Domain(v);
  });
}

bool NonNegative(double v) { return v >= 0; }
bool Positive(double v) { return v > 0; }
bool Anything(double) { return true; }
double Sqrt(double v) { return std::sqrt(v); }
double Ln(double v) { return std::log(v); }
double Log10(double v) { return std::log10(v); }
double Exp(double v) { return std::exp(v); }

Result<Datum> Power(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  FixedReader<double> b = MakeFixedReader<double>(args[1]);
  return MapFixed<double, double>(args, n, self.type(), [&](int64_t i, double v, double* o) {
    *o = std::pow(v, b[i]);
    return !std::isnan(*o) || std::isnan(v) || std::isnan(b[i]);
  });
}

// f(numeric) with the argument's own (widened) type as the result.
FunctionBinder SameNumeric(KernelFn kernel, bool may_fail) {
  return [kernel, may_fail](CallBinder& b) -> Result<NodePtr> {
    LD_ASSIGN_OR_RETURN(DataType t, b.CoerceNumeric(0));
    for (size_t i = 1; i < b.args().size(); ++i) LD_RETURN_IF_ERROR(b.Coerce(i, DataType::Int64()));
    return NodePtr(std::make_unique<FunctionNode>(b.name(), t, std::move(b.args()), kernel, true, may_fail, b.offset()));
  };
}

// f(float64…) -> float64.
FunctionBinder Doubles(KernelFn kernel) {
  return [kernel](CallBinder& b) -> Result<NodePtr> {
    for (size_t i = 0; i < b.args().size(); ++i) {
      LD_RETURN_IF_ERROR(b.CoerceNumeric(i).status());
      LD_RETURN_IF_ERROR(b.Coerce(i, DataType::Float64()));
    }
    return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::Float64(), std::move(b.args()), kernel, true,
                                                  false, b.offset()));
  };
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& r) {
  r.Add({"abs", 1, 1, "abs(number)", SameNumeric(Abs, true)});
  r.Add({"round", 1, 2, "round(number[, digits])", SameNumeric(Round, true)});
  r.Add({"floor", 1, 1, "floor(number)", SameNumeric(FloorCeil<false>, false)});
  r.Add({"ceil", 1, 1, "ceil(number)", SameNumeric(FloorCeil<true>, false)});
  r.Add({"ceiling", 1, 1, "ceiling(number)", SameNumeric(FloorCeil<true>, false)});
  r.Add({"sqrt", 1, 1, "sqrt(number)", Doubles(UnaryDouble<Sqrt, NonNegative>)});
  r.Add({"ln", 1, 1, "ln(number)", Doubles(UnaryDouble<Ln, Positive>)});
  r.Add({"log10", 1, 1, "log10(number)", Doubles(UnaryDouble<Log10, Positive>)});
  r.Add({"exp", 1, 1, "exp(number)", Doubles(UnaryDouble<Exp, Anything>)});
  r.Add({"power", 2, 2, "power(base, exponent)", Doubles(Power)});
  r.Add({"pow", 2, 2, "pow(base, exponent)", Doubles(Power)});
}

}  // namespace logidata::expr
