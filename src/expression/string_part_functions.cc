// String functions that cut, pad and reshape text, with PostgreSQL's semantics: split_part,
// left, right, lpad, rpad, reverse, initcap. Positions and lengths count UTF-8 code points;
// initcap's case mapping is ASCII-only like lower/upper. Every function is strict (NULL in,
// NULL out). Registered once at startup; kernels keep no state, so they are thread-safe.
#include <algorithm>
#include <cstring>

#include "expression/function_registry.h"
#include "expression/nodes.h"

namespace logidata::expr {

namespace {

// Longest result lpad/rpad may build, in code points: a typo like lpad(s, 1e9) must fail with a
// clear message instead of allocating gigabytes per row.
constexpr int64_t kMaxPadLength = 1 << 20;

inline bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

int64_t CountCodePoints(std::string_view s) {
  int64_t count = 0;
  for (unsigned char c : s) count += !IsContinuation(c);
  return count;
}

// Byte offset of code point `cp` (0-based) in `s`, or s.size() when s is shorter.
size_t ByteOffset(std::string_view s, int64_t cp) {
  size_t i = 0;
  while (i < s.size() && cp > 0) {
    ++i;
    while (i < s.size() && IsContinuation(static_cast<unsigned char>(s[i]))) ++i;
    --cp;
  }
  return i;
}

// Runs `f(row, writer)` (returning Status) for each row valid in every argument.
template <typename F>
Result<Datum> EachValidRow(const FunctionNode& self, const std::vector<Datum>& args, int64_t n, F&& f) {
  BufferPtr validity = StrictValidity(args, n);
  const uint8_t* valid = validity ? validity->data() : nullptr;
  StringWriter w(n, args[0].is_scalar ? 64 : static_cast<int64_t>(args[0].column->data_buffer() ? args[0].column->data_buffer()->size() : 0));
  for (int64_t i = 0; i < n; ++i) {
    if (valid != nullptr && !GetBit(valid, i)) {
      w.AppendEmpty();
      continue;
    }
    LD_RETURN_IF_ERROR(f(i, w));
  }
  if (w.Overflowed()) return Status::DataError(self.name() + ": result larger than 2 GiB in one batch");
  return Datum::Array(w.Finish(self.type(), std::move(validity)));
}

Result<Datum> SplitPart(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext& ctx) {
  StringReader s(args[0]), delim(args[1]);
  FixedReader<int64_t> index = MakeFixedReader<int64_t>(args[2]);
  return EachValidRow(self, args, n, [&](int64_t i, StringWriter& w) -> Status {
    std::string_view v = s[i], d = delim[i];
    int64_t k = index[i];
    if (k == 0) return ctx.RowError(i, "argument 3 of split_part (the field index) must not be 0");
    if (d.empty()) {  // the whole string is the only field
      w.Append(k == 1 || k == -1 ? v : std::string_view());
      return Status::OK();
    }
    std::vector<std::string_view> fields;
    size_t pos = 0;
    while (true) {
      size_t at = v.find(d, pos);
      if (at == std::string_view::npos) break;
      fields.push_back(v.substr(pos, at - pos));
      pos = at + d.size();
    }
    fields.push_back(v.substr(pos));
    int64_t count = static_cast<int64_t>(fields.size());
    int64_t at = k > 0 ? k - 1 : count + k;  // negative counts from the end (PostgreSQL 14)
    w.Append(at >= 0 && at < count ? fields[static_cast<size_t>(at)] : std::string_view());
    return Status::OK();
  });
}

// left(s, n): the first n code points; a negative n drops the last |n|. right mirrors it.
template <bool kLeft>
Result<Datum> LeftRight(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader s(args[0]);
  FixedReader<int64_t> count = MakeFixedReader<int64_t>(args[1]);
  return EachValidRow(self, args, n, [&](int64_t i, StringWriter& w) -> Status {
    std::string_view v = s[i];
    int64_t k = count[i];
    int64_t total = CountCodePoints(v);
    int64_t keep = k >= 0 ? std::min(k, total) : std::max<int64_t>(0, total + k);
    if (kLeft) {
      w.Append(v.substr(0, ByteOffset(v, keep)));
    } else {
      w.Append(v.substr(ByteOffset(v, total - keep)));
    }
    return Status::OK();
  });
}

// lpad/rpad(s, length[, fill]): pads with `fill` (default one space) repeated, or truncates to
// `length` when s is longer. An empty fill leaves s as it is (truncated), like PostgreSQL.
template <bool kLeft>
Result<Datum> Pad(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext& ctx) {
  StringReader s(args[0]);
  FixedReader<int64_t> length = MakeFixedReader<int64_t>(args[1]);
  const bool has_fill = args.size() > 2;
  const Datum space = Datum::Scalar(Value::String(" "));  // outlives the reader that views it
  StringReader fill_reader(has_fill ? args[2] : space);
  std::string out, padding;
  return EachValidRow(self, args, n, [&](int64_t i, StringWriter& w) -> Status {
    std::string_view v = s[i], fill = fill_reader[i];
    int64_t target = length[i];
    if (target > kMaxPadLength) {
      return ctx.RowError(i, "argument 2 of " + self.name() + " (the length) is " + std::to_string(target) +
                                 ", more than the limit of " + std::to_string(kMaxPadLength));
    }
    if (target <= 0) {
      w.AppendEmpty();
      return Status::OK();
    }
    int64_t have = CountCodePoints(v);
    if (have >= target || fill.empty()) {
      w.Append(v.substr(0, ByteOffset(v, target)));
      return Status::OK();
    }
    // Build the padding code point by code point, cycling through `fill`.
    padding.clear();
    int64_t missing = target - have;
    size_t pos = 0;
    while (missing > 0) {
      size_t next = pos + 1;
      while (next < fill.size() && IsContinuation(static_cast<unsigned char>(fill[next]))) ++next;
      padding.append(fill.substr(pos, next - pos));
      pos = next >= fill.size() ? 0 : next;
      --missing;
    }
    out.clear();
    if (kLeft) out.append(padding).append(v);
    else out.append(v).append(padding);
    w.Append(out);
    return Status::OK();
  });
}

// reverse(s): code points in reverse order (a multi-byte character stays intact).
Result<Datum> Reverse(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader s(args[0]);
  return EachValidRow(self, args, n, [&](int64_t i, StringWriter& w) -> Status {
    std::string_view v = s[i];
    char* out = w.Reserve(v.size());
    size_t end = v.size();
    size_t at = 0;
    while (end > 0) {
      size_t begin = end - 1;
      while (begin > 0 && IsContinuation(static_cast<unsigned char>(v[begin]))) --begin;
      std::memcpy(out + at, v.data() + begin, end - begin);
      at += end - begin;
      end = begin;
    }
    w.Commit(v.size());
    return Status::OK();
  });
}

inline bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// initcap(s): the first letter of every word upper case, the rest lower case; words are runs of
// letters and digits (bytes >= 0x80 count as letters so UTF-8 words stay whole).
Result<Datum> Initcap(const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) {
  StringReader s(args[0]);
  return EachValidRow(self, args, n, [&](int64_t i, StringWriter& w) -> Status {
    std::string_view v = s[i];
    char* out = w.Reserve(v.size());
    bool in_word = false;
    for (size_t k = 0; k < v.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(v[k]);
      if (!in_word && c >= 'a' && c <= 'z') c = static_cast<unsigned char>(c - 32);
      else if (in_word && c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
      out[k] = static_cast<char>(c);
      in_word = IsAsciiAlnum(c);
    }
    w.Commit(v.size());
    return Status::OK();
  });
}

// Binds f(string, int64[, string]) with the given argument kinds ('s' string, 'i' int64).
FunctionBinder Bind(const char* kinds, KernelFn kernel, bool may_fail) {
  std::string k = kinds;
  return [k, kernel, may_fail](CallBinder& b) -> Result<NodePtr> {
    for (size_t i = 0; i < b.args().size(); ++i) {
      LD_RETURN_IF_ERROR(b.Coerce(i, k[i] == 'i' ? DataType::Int64() : DataType::String()));
    }
    return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), kernel, true,
                                                  may_fail, b.offset()));
  };
}

}  // namespace

void RegisterStringPartFunctions(FunctionRegistry& r) {
  const char* kCategory = "Strings";
  r.Add({"split_part", 3, 3, "split_part(string, delimiter, index)", Bind("ssi", SplitPart, true),
         "Returns field `index` (1-based; negative counts from the end) of the string split on `delimiter`; "
         "an empty string when there is no such field. Index 0 is an error.",
         {{"split_part('a,b,c', ',', 2)", "b"}, {"split_part('a,b,c', ',', -1)", "c"}, {"split_part('a,b,c', ',', 9)", ""}},
         kCategory});
  r.Add({"left", 2, 2, "left(string, n)", Bind("si", LeftRight<true>, false),
         "Returns the first `n` characters; a negative `n` returns all but the last |n|.",
         {{"left('Logidata', 4)", "Logi"}, {"left('Logidata', -4)", "Logi"}, {"left('héllo', 2)", "hé"}}, kCategory});
  r.Add({"right", 2, 2, "right(string, n)", Bind("si", LeftRight<false>, false),
         "Returns the last `n` characters; a negative `n` returns all but the first |n|.",
         {{"right('Logidata', 4)", "data"}, {"right('Logidata', -6)", "ta"}}, kCategory});
  r.Add({"lpad", 2, 3, "lpad(string, length[, fill])", Bind("sis", Pad<true>, true),
         "Pads the string on the left with `fill` (default a space) to `length` characters, or truncates it "
         "to `length` when it is longer. Lengths above 1048576 are an error.",
         {{"lpad('42', 5, '0')", "00042"}, {"lpad('abc', 6, 'xy')", "xyxabc"}, {"lpad('abcdef', 3)", "abc"}},
         kCategory});
  r.Add({"rpad", 2, 3, "rpad(string, length[, fill])", Bind("sis", Pad<false>, true),
         "Pads the string on the right with `fill` (default a space) to `length` characters, or truncates "
         "it to `length` when it is longer.",
         {{"rpad('ab', 4, '.')", "ab.."}, {"rpad('abcdef', 2)", "ab"}}, kCategory});
  r.Add({"reverse", 1, 1, "reverse(string)", Bind("s", Reverse, false),
         "Returns the characters in reverse order (UTF-8 characters stay intact).",
         {{"reverse('abc')", "cba"}, {"reverse('héllo')", "olléh"}}, kCategory});
  r.Add({"initcap", 1, 1, "initcap(string)", Bind("s", Initcap, false),
         "Capitalises the first letter of every word and lower-cases the rest (ASCII letters; words are runs "
         "of letters and digits).",
         {{"initcap('hello wORLD-foo')", "Hello World-Foo"}}, kCategory});
}

}  // namespace logidata::expr
