#include "transforms/window_function.h"

#include <cmath>
#include <deque>

#include "module/module_descriptor.h"
#include "transforms/blocking_config.h"
#include "types/temporal.h"

namespace logidata {

namespace {

using blocking::Pointer;

bool IsRanking(WindowKind k) {
  return k == WindowKind::kRowNumber || k == WindowKind::kRank || k == WindowKind::kDenseRank || k == WindowKind::kNtile;
}
bool IsOffset(WindowKind k) { return k == WindowKind::kLag || k == WindowKind::kLead; }

// The frame [lo, hi] of position k in a partition of n rows.
struct Frame {
  int64_t lo, hi;
};
Frame FrameOf(const WindowFunction& f, int64_t k, int64_t n) {
  int64_t lo = f.preceding < 0 ? 0 : std::max<int64_t>(0, k - f.preceding);
  int64_t hi = f.following < 0 ? n - 1 : std::min<int64_t>(n - 1, k + f.following);
  return {lo, hi};
}

// a < b for two non-null values of one column (NaN sorts above every number, as in DuckDB and
// in transform.sort).
bool Less(const Column& c, int64_t a, int64_t b) {
  switch (c.type().id) {
    case TypeId::kBool: return !c.GetBool(a) && c.GetBool(b);
    case TypeId::kInt32:
    case TypeId::kDate: return c.Get<int32_t>(a) < c.Get<int32_t>(b);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return c.Get<int64_t>(a) < c.Get<int64_t>(b);
    case TypeId::kFloat64: {
      double x = c.Get<double>(a), y = c.Get<double>(b);
      if (std::isnan(x)) return false;
      if (std::isnan(y)) return true;
      return x < y;
    }
    case TypeId::kDecimal: return c.Get<int128_t>(a) < c.Get<int128_t>(b);
    case TypeId::kString:
    case TypeId::kBinary: return c.GetString(a) < c.GetString(b);
    case TypeId::kNull: return false;
  }
  return false;
}

// min/max over every frame with a monotonic deque: frames move forward (lo and hi never
// decrease), so each row enters and leaves the deque once.
void MinMax(const WindowFunction& f, const Column& c, std::span<const int32_t> rows, ColumnBuilder* out) {
  const int64_t n = static_cast<int64_t>(rows.size());
  const bool want_max = f.kind == WindowKind::kMax;
  // `better(a, b)`: a should stay in front of b.
  auto better = [&](int64_t a, int64_t b) {
    return want_max ? Less(c, rows[static_cast<size_t>(b)], rows[static_cast<size_t>(a)])
                    : Less(c, rows[static_cast<size_t>(a)], rows[static_cast<size_t>(b)]);
  };
  std::deque<int64_t> dq;
  int64_t next = 0;  // next position to enter
  for (int64_t k = 0; k < n; ++k) {
    Frame fr = FrameOf(f, k, n);
    for (; next <= fr.hi; ++next) {
      if (c.IsNull(rows[static_cast<size_t>(next)])) continue;
      while (!dq.empty() && !better(dq.back(), next)) dq.pop_back();
      dq.push_back(next);
    }
    while (!dq.empty() && dq.front() < fr.lo) dq.pop_front();
    if (dq.empty()) out->AppendNull();
    else out->AppendFrom(c, rows[static_cast<size_t>(dq.front())]);
  }
}

// Integer and decimal sums: exact (int128) sliding sums.
int128_t ExactValue(const Column& c, int64_t row) {
  switch (c.type().id) {
    case TypeId::kInt32: return c.Get<int32_t>(row);
    case TypeId::kInt64: return c.Get<int64_t>(row);
    case TypeId::kDecimal: return c.Get<int128_t>(row);
    default: return 0;
  }
}

// Sliding sum of doubles that stays right with infinities and NaN: finite values are summed in
// long double, non-finite ones counted apart (x - x would turn inf into NaN).
struct DoubleWindow {
  long double sum = 0;
  int64_t pos_inf = 0, neg_inf = 0, nan = 0;
  void Add(double v, int sign) {
    if (std::isnan(v)) nan += sign;
    else if (std::isinf(v)) (v > 0 ? pos_inf : neg_inf) += sign;
    else sum += sign * static_cast<long double>(v);
  }
  double Value() const {
    if (nan > 0 || (pos_inf > 0 && neg_inf > 0)) return std::nan("");
    if (pos_inf > 0) return INFINITY;
    if (neg_inf > 0) return -INFINITY;
    return static_cast<double>(sum);
  }
};

// Frames wider than this are slid (add the entering row, remove the leaving one); narrower ones
// are summed afresh for every row, which keeps double sums in row order like a plain loop.
constexpr int64_t kRecomputeWidth = 64;

Status SumAvgCount(const WindowFunction& f, const Column* c, std::span<const int32_t> rows, ColumnBuilder* out) {
  const int64_t n = static_cast<int64_t>(rows.size());
  const bool is_double = c != nullptr && c->type().id == TypeId::kFloat64;
  const bool recompute = f.preceding >= 0 && f.following >= 0 && f.preceding + f.following + 1 <= kRecomputeWidth;
  int128_t exact = 0;
  DoubleWindow dbl;
  int64_t count = 0;
  auto add = [&](int64_t pos, int sign) {
    const int64_t row = rows[static_cast<size_t>(pos)];
    if (c == nullptr) {
      count += sign;
      return;
    }
    if (c->IsNull(row)) return;
    count += sign;
    if (is_double) dbl.Add(c->Get<double>(row), sign);
    else exact += sign * ExactValue(*c, row);
  };
  int64_t lo = 0, hi = -1;  // the rows currently added
  for (int64_t k = 0; k < n; ++k) {
    Frame fr = FrameOf(f, k, n);
    if (recompute) {
      exact = 0;
      dbl = DoubleWindow();
      count = 0;
      for (int64_t p = fr.lo; p <= fr.hi; ++p) add(p, 1);
    } else {
      for (; hi < fr.hi; ) add(++hi, 1);
      for (; lo < fr.lo; ++lo) add(lo, -1);
    }
    if (f.kind == WindowKind::kCount) {
      out->AppendInt64(count);
      continue;
    }
    if (count == 0) {
      out->AppendNull();
      continue;
    }
    if (f.kind == WindowKind::kSum) {
      if (is_double) out->AppendDouble(dbl.Value());
      else if (c->type().id == TypeId::kDecimal) out->AppendDecimal(exact);
      else if (exact > INT64_MAX || exact < INT64_MIN) {
        return Status::DataError("window function '" + f.name + "': the sum leaves the int64 range");
      } else {
        out->AppendInt64(static_cast<int64_t>(exact));
      }
    } else {  // avg
      double sum = is_double ? dbl.Value() : static_cast<double>(exact);
      if (c->type().id == TypeId::kDecimal) sum /= std::pow(10.0, c->type().scale);
      out->AppendDouble(sum / static_cast<double>(count));
    }
  }
  return Status::OK();
}

Result<Value> DefaultValue(const nlohmann::json& j, const DataType& type, const std::string& pointer) {
  if (j.is_null()) return Value::Null(type);
  auto bad = [&] { return ConfigError(pointer, "cannot be used as a " + type.ToString() + " value: " + j.dump()); };
  switch (type.id) {
    case TypeId::kBool:
      if (!j.is_boolean()) return bad();
      return Value::Bool(j.get<bool>());
    case TypeId::kInt32:
    case TypeId::kInt64:
      if (!j.is_number_integer()) return bad();
      return type.id == TypeId::kInt32 ? Value::Int32(j.get<int32_t>()) : Value::Int64(j.get<int64_t>());
    case TypeId::kFloat64:
      if (!j.is_number()) return bad();
      return Value::Float64(j.get<double>());
    case TypeId::kDecimal: {
      if (!j.is_number()) return bad();
      double scaled = std::round(j.get<double>() * std::pow(10.0, type.scale));
      return Value::Decimal(static_cast<int128_t>(scaled), type.precision, type.scale);
    }
    case TypeId::kString:
    case TypeId::kBinary:
      if (!j.is_string()) return bad();
      return type.id == TypeId::kString ? Value::String(j.get<std::string>()) : Value::Binary(j.get<std::string>());
    case TypeId::kDate: {
      if (!j.is_string()) return bad();
      auto d = ParseDate(j.get<std::string>());
      if (!d) return bad();
      return Value::Date(*d);
    }
    case TypeId::kTimestamp: {
      if (!j.is_string()) return bad();
      auto t = ParseTimestamp(j.get<std::string>());
      if (!t) return bad();
      return Value::Timestamp(*t, type.timezone);
    }
    case TypeId::kNull: return Value::Null(type);
  }
  return bad();
}

// A frame bound: a non-negative row count, or "unbounded" (-1). Absent: `fallback`.
Result<int64_t> FrameBound(const nlohmann::json& frame, const char* key, const std::string& pointer, int64_t fallback) {
  auto it = frame.find(key);
  if (it == frame.end() || it->is_null()) return fallback;
  if (it->is_string() && it->get<std::string>() == "unbounded") return -1;
  if (it->is_number_integer() && it->get<int64_t>() >= 0) return it->get<int64_t>();
  return ConfigError(Pointer(pointer, key), "must be a row count >= 0 or \"unbounded\", not " + it->dump());
}

}  // namespace

const std::vector<std::string>& WindowFunctionNames() {
  static const std::vector<std::string> kNames = {"row_number", "rank",        "dense_rank", "ntile", "lag",
                                                  "lead",       "first_value", "last_value", "sum",   "avg",
                                                  "min",        "max",         "count"};
  return kNames;
}

Result<WindowFunction> BindWindowFunction(const nlohmann::json& item, const std::string& pointer, const Schema& schema) {
  if (!item.is_object()) return ConfigError(pointer, "must be an object {function, column, as, …}");
  WindowFunction f;
  LD_ASSIGN_OR_RETURN(std::string fn, blocking::StringMember(item, "function", pointer, "", WindowFunctionNames()));
  if (fn.empty()) return ConfigError(Pointer(pointer, "function"), "name the window function");
  const auto& names = WindowFunctionNames();
  f.kind = static_cast<WindowKind>(std::find(names.begin(), names.end(), fn) - names.begin());
  LD_ASSIGN_OR_RETURN(std::string column, blocking::StringMember(item, "column", pointer, ""));
  const bool needs_column = !IsRanking(f.kind) && f.kind != WindowKind::kCount;
  if (needs_column && column.empty()) return ConfigError(Pointer(pointer, "column"), fn + " needs a column");
  if (IsRanking(f.kind) && !column.empty()) return ConfigError(Pointer(pointer, "column"), fn + " takes no column");
  if (!column.empty()) {
    LD_ASSIGN_OR_RETURN(f.column, blocking::ResolveColumn(schema, column, Pointer(pointer, "column")));
  }
  const DataType in_type = f.column >= 0 ? schema.field(f.column).type : DataType::Null();
  LD_ASSIGN_OR_RETURN(f.name, blocking::StringMember(item, "as", pointer, column.empty() ? fn : fn + "_" + column));
  if (f.name.empty()) return ConfigError(Pointer(pointer, "as"), "the output column needs a name");

  switch (f.kind) {
    case WindowKind::kRowNumber:
    case WindowKind::kRank:
    case WindowKind::kDenseRank:
    case WindowKind::kNtile:
    case WindowKind::kCount: f.output_type = DataType::Int64(); break;
    case WindowKind::kSum:
    case WindowKind::kAvg:
      if (!in_type.IsNumeric()) {
        return ConfigError(Pointer(pointer, "column"), fn + " needs a numeric column; '" + column + "' is " + in_type.ToString());
      }
      if (f.kind == WindowKind::kAvg || in_type.id == TypeId::kFloat64) f.output_type = DataType::Float64();
      else if (in_type.id == TypeId::kDecimal) f.output_type = DataType::Decimal(38, in_type.scale);
      else f.output_type = DataType::Int64();
      break;
    default: f.output_type = in_type; break;
  }

  const bool has_frame = item.contains("frame") && !item["frame"].is_null();
  if (has_frame && (IsRanking(f.kind) || IsOffset(f.kind))) {
    return ConfigError(Pointer(pointer, "frame"), fn + " does not use a frame");
  }
  if (has_frame) {
    const nlohmann::json& frame = item["frame"];
    const std::string fp = Pointer(pointer, "frame");
    if (!frame.is_object()) return ConfigError(fp, "must be an object {preceding, following}");
    for (const auto& [k, v] : frame.items()) {
      (void)v;
      if (k != "preceding" && k != "following") return ConfigError(Pointer(fp, k), "unknown field (use preceding, following)");
    }
    LD_ASSIGN_OR_RETURN(f.preceding, FrameBound(frame, "preceding", fp, -1));
    LD_ASSIGN_OR_RETURN(f.following, FrameBound(frame, "following", fp, 0));
  }
  if (IsOffset(f.kind)) {
    auto it = item.find("offset");
    if (it != item.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 0) {
        return ConfigError(Pointer(pointer, "offset"), "must be an integer >= 0");
      }
      f.offset = it->get<int64_t>();
    }
    f.default_value = Value::Null(in_type);
    if (auto d = item.find("default"); d != item.end()) {
      LD_ASSIGN_OR_RETURN(f.default_value, DefaultValue(*d, in_type, Pointer(pointer, "default")));
    }
  } else {
    // null = left empty in a form: the same as absent.
    auto given = [&](const char* key) { return item.contains(key) && !item[key].is_null(); };
    if (given("offset")) return ConfigError(Pointer(pointer, "offset"), "only lag and lead take an offset");
    if (given("default")) return ConfigError(Pointer(pointer, "default"), "only lag and lead take a default");
  }
  if (f.kind == WindowKind::kNtile) {
    auto it = item.find("buckets");
    if (it == item.end() || !it->is_number_integer() || it->get<int64_t>() < 1) {
      return ConfigError(Pointer(pointer, "buckets"), "ntile needs buckets, an integer >= 1");
    }
    f.buckets = it->get<int64_t>();
  } else if (item.contains("buckets")) {
    return ConfigError(Pointer(pointer, "buckets"), "only ntile takes buckets");
  }
  return f;
}

Status WindowFunction::Evaluate(const Batch& data, std::span<const int32_t> rows,
                                const std::vector<uint8_t>& peers_start, ColumnBuilder* out) const {
  const int64_t n = static_cast<int64_t>(rows.size());
  const Column* c = column >= 0 ? data.column(column).get() : nullptr;
  switch (kind) {
    case WindowKind::kRowNumber:
      for (int64_t k = 0; k < n; ++k) out->AppendInt64(k + 1);
      return Status::OK();
    case WindowKind::kRank:
    case WindowKind::kDenseRank: {
      int64_t rank = 0, dense = 0;
      for (int64_t k = 0; k < n; ++k) {
        if (peers_start[static_cast<size_t>(k)]) {
          rank = k + 1;
          ++dense;
        }
        out->AppendInt64(kind == WindowKind::kRank ? rank : dense);
      }
      return Status::OK();
    }
    case WindowKind::kNtile: {
      // The first n % buckets buckets hold one row more than the others (SQL's NTILE).
      const int64_t b = std::min(buckets, std::max<int64_t>(n, 1));
      const int64_t size = n / b, large = n - b * size, large_rows = large * (size + 1);
      for (int64_t k = 0; k < n; ++k) {
        out->AppendInt64(k < large_rows ? 1 + k / (size + 1) : 1 + large + (k - large_rows) / size);
      }
      return Status::OK();
    }
    case WindowKind::kLag:
    case WindowKind::kLead:
      for (int64_t k = 0; k < n; ++k) {
        const int64_t p = kind == WindowKind::kLag ? k - offset : k + offset;
        if (p >= 0 && p < n) out->AppendFrom(*c, rows[static_cast<size_t>(p)]);
        else out->AppendValue(default_value);
      }
      return Status::OK();
    case WindowKind::kFirstValue:
    case WindowKind::kLastValue:
      for (int64_t k = 0; k < n; ++k) {
        Frame fr = FrameOf(*this, k, n);
        out->AppendFrom(*c, rows[static_cast<size_t>(kind == WindowKind::kFirstValue ? fr.lo : fr.hi)]);
      }
      return Status::OK();
    case WindowKind::kMin:
    case WindowKind::kMax: MinMax(*this, *c, rows, out); return Status::OK();
    case WindowKind::kSum:
    case WindowKind::kAvg:
    case WindowKind::kCount: return SumAvgCount(*this, c, rows, out);
  }
  return Status::Internal("unknown window function");
}

}  // namespace logidata
