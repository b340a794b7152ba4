// String functions: lower, upper, trim/ltrim/rtrim, length, substr/substring, concat and ||,
// replace, starts_with, ends_with, contains. Case mapping is ASCII-only (other bytes pass
// through); length and substr count UTF-8 code points.
#include <string.h>

#include "expression/function_registry.h"
#include "expression/nodes.h"

namespace logidata::expr {

namespace {

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Runs `f(row, writer)` for every row that is valid in all arguments; other rows are NULL.
template <typename F>
Datum StringKernel(const std::vector<Datum>& args, int64_t n, int64_t expected_bytes, const DataType& type, F&& f) {
  BufferPtr validity = StrictValidity(args, n);
  const uint8_t* valid = validity ? validity->data() : nullptr;
  StringWriter w(n, expected_bytes);
  for (int64_t i = 0; i < n; ++i) {
    if (valid != nullptr && !GetBit(valid, i)) {
      w.AppendEmpty();
      continue;
    }
    f(i, w);
  }
  return Datum::Array(w.Finish(type, std::move(validity)));
}

int64_t InputBytes(const Datum& d) {
  if (d.is_scalar) return 64;
  return d.column->data_buffer() ? static_cast<int64_t>(d.column->data_buffer()->size()) : 0;
}

template <bool kUpper>
inline void MapCase(const char* in, char* out, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    unsigned char c = static_cast<unsigned char>(in[k]);
    if constexpr (kUpper) {
      out[k] = static_cast<char>(c - ((static_cast<unsigned>(c - 'a') < 26u) ? 32 : 0));
    } else {
      out[k] = static_cast<char>(c + ((static_cast<unsigned>(c - 'A') < 26u) ? 32 : 0));
    }
  }
}

template <bool kUpper>
Result<Datum> ChangeCase(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  if (!args[0].is_scalar) {
    // Same lengths in and out: share the offsets and map all bytes in one vectorizable pass.
    const Column& in = *args[0].column;
    const int32_t* off = in.offsets();
    const size_t begin = static_cast<size_t>(off[0]), end = static_cast<size_t>(off[n]);
    BufferPtr data = NewBuffer(static_cast<int64_t>(end));
    MapCase<kUpper>(in.string_data() + begin, data->mutable_data_as<char>() + begin, end - begin);
    data->Resize(end);
    return Datum::Array(MakeColumn(self.type(), n, in.validity_buffer(), in.values_buffer(), std::move(data)));
  }
  StringReader s(args[0]);
  return StringKernel(args, n, InputBytes(args[0]), self.type(), [&](int64_t i, StringWriter& w) {
    std::string_view v = s[i];
    MapCase<kUpper>(v.data(), w.Reserve(v.size()), v.size());
    w.Commit(v.size());
  });
}

enum TrimSide { kBoth, kLeft, kRight };

template <TrimSide kSide>
Result<Datum> Trim(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  if (args.size() == 1 && !args[0].is_scalar) {
    // Hot path (trim of a column): one pass with raw pointers; the output never exceeds the
    // input, so it is allocated once. NULL rows are trimmed too (their bytes are empty).
    const Column& in = *args[0].column;
    const int32_t* off = in.offsets();
    const char* src = in.string_data();
    BufferPtr offsets = NewBuffer((n + 1) * 4);
    BufferPtr data = NewBuffer(off[n] - off[0]);
    int32_t* out_off = offsets->mutable_data_as<int32_t>();
    char* dst = data->mutable_data_as<char>();
    int32_t pos = 0;
    out_off[0] = 0;
    for (int64_t i = 0; i < n; ++i) {
      int32_t b = off[i], e = off[i + 1];
      if (kSide != kRight) while (b < e && IsSpace(static_cast<unsigned char>(src[b]))) ++b;
      if (kSide != kLeft) while (e > b && IsSpace(static_cast<unsigned char>(src[e - 1]))) --e;
      std::memcpy(dst + pos, src + b, static_cast<size_t>(e - b));
      pos += e - b;
      out_off[i + 1] = pos;
    }
    data->Resize(static_cast<size_t>(pos));
    return Datum::Array(MakeColumn(self.type(), n, in.validity_buffer(), std::move(offsets), std::move(data)));
  }
  StringReader s(args[0]);
  if (args.size() == 1) {
    return StringKernel(args, n, InputBytes(args[0]), self.type(), [&](int64_t i, StringWriter& w) {
      std::string_view v = s[i];
      size_t b = 0, e = v.size();
      if (kSide != kRight) while (b < e && IsSpace(static_cast<unsigned char>(v[b]))) ++b;
      if (kSide != kLeft) while (e > b && IsSpace(static_cast<unsigned char>(v[e - 1]))) --e;
      w.Append(v.substr(b, e - b));
    });
  }
  StringReader chars(args[1]);
  return StringKernel(args, n, InputBytes(args[0]), self.type(), [&](int64_t i, StringWriter& w) {
    std::string_view v = s[i];
    std::string_view set = chars[i];
    size_t b = 0, e = v.size();
    if (kSide != kRight) while (b < e && set.find(v[b]) != std::string_view::npos) ++b;
    if (kSide != kLeft) while (e > b && set.find(v[e - 1]) != std::string_view::npos) --e;
    w.Append(v.substr(b, e - b));
  });
}

// Byte offset of code point `cp` (0-based) in `s`, or s.size().
size_t CodePointOffset(std::string_view s, int64_t cp) {
  size_t i = 0;
  while (i < s.size() && cp > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --cp;
  }
  return i;
}

Result<Datum> Length(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader s(args[0]);
  BufferPtr values = NewBuffer(n * 8);
  int64_t* out = values->mutable_data_as<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    std::string_view v = s[i];
    int64_t count = 0;
    for (unsigned char c : v) count += (c & 0xC0) != 0x80;
    out[i] = count;
  }
  return Datum::Array(MakeColumn(self.type(), n, StrictValidity(args, n), values));
}

Result<Datum> Substr(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader s(args[0]);
  FixedReader<int64_t> start = MakeFixedReader<int64_t>(args[1]);
  bool has_len = args.size() > 2;
  FixedReader<int64_t> len = has_len ? MakeFixedReader<int64_t>(args[2]) : FixedReader<int64_t>{};
  return StringKernel(args, n, InputBytes(args[0]), self.type(), [&](int64_t i, StringWriter& w) {
    std::string_view v = s[i];
    int64_t first = start[i];  // 1-based; values before 1 shorten the window (SQL)
    int64_t end = INT64_MAX;
    if (has_len) {
      int64_t l = len[i];
      if (l <= 0) {
        w.AppendEmpty();
        return;
      }
      end = first > INT64_MAX - l ? INT64_MAX : first + l;
    }
    if (first < 1) first = 1;
    if (end <= first) {
      w.AppendEmpty();
      return;
    }
    size_t b = CodePointOffset(v, first - 1);
    size_t e = end == INT64_MAX ? v.size() : b + CodePointOffset(v.substr(b), end - first);
    w.Append(v.substr(b, e - b));
  });
}

Result<Datum> Concat(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  std::vector<StringReader> readers;
  std::vector<NullReader> nulls;
  int64_t bytes = 0;
  for (const auto& a : args) {
    readers.emplace_back(a);
    nulls.emplace_back(a);
    bytes += InputBytes(a);
  }
  StringWriter w(n, bytes);
  for (int64_t i = 0; i < n; ++i) {
    size_t total = 0;
    for (size_t k = 0; k < args.size(); ++k) {
      if (!nulls[k].IsNull(i)) total += readers[k][i].size();
    }
    char* out = w.Reserve(total);
    size_t pos = 0;
    for (size_t k = 0; k < args.size(); ++k) {
      if (nulls[k].IsNull(i)) continue;
      std::string_view part = readers[k][i];
      std::memcpy(out + pos, part.data(), part.size());
      pos += part.size();
    }
    w.Commit(total);
  }
  return Datum::Array(w.Finish(self.type(), nullptr));
}

Result<Datum> ConcatStrict(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader a(args[0]), b(args[1]);
  return StringKernel(args, n, InputBytes(args[0]) + InputBytes(args[1]), self.type(), [&](int64_t i, StringWriter& w) {
    std::string_view x = a[i], y = b[i];
    char* out = w.Reserve(x.size() + y.size());
    std::memcpy(out, x.data(), x.size());
    std::memcpy(out + x.size(), y.data(), y.size());
    w.Commit(x.size() + y.size());
  });
}

Result<Datum> Replace(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader s(args[0]), from(args[1]), to(args[2]);
  std::string tmp;
  return StringKernel(args, n, InputBytes(args[0]), self.type(), [&](int64_t i, StringWriter& w) {
    std::string_view v = s[i], f = from[i], t = to[i];
    if (f.empty()) {
      w.Append(v);
      return;
    }
    tmp.clear();
    size_t pos = 0;
    while (true) {
      size_t at = v.find(f, pos);
      if (at == std::string_view::npos) break;
      tmp.append(v.substr(pos, at - pos));
      tmp.append(t);
      pos = at + f.size();
    }
    tmp.append(v.substr(pos));
    w.Append(tmp);
  });
}

enum class Probe { kStarts, kEnds, kContains };

template <Probe kProbe>
Result<Datum> StringProbe(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader s(args[0]), x(args[1]);
  BufferPtr bits = NewBitmap(n);
  FillBitmap(bits->mutable_data(), n, [&](int64_t i) {
    std::string_view v = s[i], p = x[i];
    if (p.size() > v.size()) return false;
    if constexpr (kProbe == Probe::kStarts) return std::memcmp(v.data(), p.data(), p.size()) == 0;
    if constexpr (kProbe == Probe::kEnds) return std::memcmp(v.data() + v.size() - p.size(), p.data(), p.size()) == 0;
    return p.empty() || memmem(v.data(), v.size(), p.data(), p.size()) != nullptr;
  });
  return Datum::Array(MakeColumn(self.type(), n, StrictValidity(args, n), bits));
}

// Binds f(string, string…) -> `result` with a kernel.
FunctionBinder StringsTo(DataType result, KernelFn kernel) {
  return [result, kernel](CallBinder& b) -> Result<NodePtr> {
    for (size_t i = 0; i < b.args().size(); ++i) LD_RETURN_IF_ERROR(b.Coerce(i, DataType::String()));
    return NodePtr(std::make_unique<FunctionNode>(b.name(), result, std::move(b.args()), kernel, true, false, b.offset()));
  };
}

}  // namespace

NodePtr MakeConcatOperator(NodePtr left, NodePtr right, size_t offset) {
  std::vector<NodePtr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  // Printed as a call to concat_strict would be wrong: keep the operator syntax.
  class ConcatOpNode final : public ExprNode {
   public:
    ConcatOpNode(std::vector<NodePtr> a, size_t off) : ExprNode(DataType::String(), off) { children_ = std::move(a); }
    Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
      std::vector<Datum> d;
      for (const auto& c : children_) {
        LD_ASSIGN_OR_RETURN(Datum x, c->Eval(batch, ctx));
        if (x.IsNullScalar()) return Datum::Scalar(Value::Null(type_));
        d.push_back(std::move(x));
      }
      FunctionNode dummy("||", type_, {}, nullptr, true, false, offset_);
      return ConcatStrict(dummy, d, batch.num_rows(), ctx);
    }
    std::string ToString() const override {
      // a || b || c without nested parentheses (see ArithNode::ToString).
      const auto* left = dynamic_cast<const ConcatOpNode*>(children_[0].get());
      return (left != nullptr ? left->ToString() : Nested(*children_[0])) + " || " + Nested(*children_[1]);
    }
  };
  return std::make_unique<ConcatOpNode>(std::move(args), offset);
}

void RegisterStringFunctions(FunctionRegistry& r) {
  const DataType s = DataType::String();
  r.Add({"lower", 1, 1, "lower(string)", StringsTo(s, ChangeCase<false>)});
  r.Add({"upper", 1, 1, "upper(string)", StringsTo(s, ChangeCase<true>)});
  r.Add({"trim", 1, 2, "trim(string[, characters])", StringsTo(s, Trim<kBoth>)});
  r.Add({"ltrim", 1, 2, "ltrim(string[, characters])", StringsTo(s, Trim<kLeft>)});
  r.Add({"rtrim", 1, 2, "rtrim(string[, characters])", StringsTo(s, Trim<kRight>)});
  r.Add({"length", 1, 1, "length(string)", StringsTo(DataType::Int64(), Length)});
  auto substr = [](CallBinder& b) -> Result<NodePtr> {
    LD_RETURN_IF_ERROR(b.Coerce(0, DataType::String()));
    for (size_t i = 1; i < b.args().size(); ++i) LD_RETURN_IF_ERROR(b.Coerce(i, DataType::Int64()));
    return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), Substr, true,
                                                  false, b.offset()));
  };
  r.Add({"substr", 2, 3, "substr(string, start[, length])", substr});
  r.Add({"substring", 2, 3, "substring(string, start[, length])", substr});
  r.Add({"concat", 1, -1, "concat(value, …)", [](CallBinder& b) -> Result<NodePtr> {
           for (size_t i = 0; i < b.args().size(); ++i) LD_RETURN_IF_ERROR(b.CoerceToString(i));
           return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), Concat,
                                                         false, false, b.offset()));
         }});
  r.Add({"replace", 3, 3, "replace(string, from, to)", StringsTo(s, Replace)});
  r.Add({"starts_with", 2, 2, "starts_with(string, prefix)", StringsTo(DataType::Bool(), StringProbe<Probe::kStarts>)});
  r.Add({"ends_with", 2, 2, "ends_with(string, suffix)", StringsTo(DataType::Bool(), StringProbe<Probe::kEnds>)});
  r.Add({"contains", 2, 2, "contains(string, part)", StringsTo(DataType::Bool(), StringProbe<Probe::kContains>)});
}

}  // namespace logidata::expr
