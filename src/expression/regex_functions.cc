// regexp_matches(s, pattern), regexp_replace(s, pattern, replacement) — every match, with \1…\9
// group references — and regexp_extract(s, pattern[, group]) — NULL when nothing matches.
// regexp_split(s, pattern, index) returns one field of s split on every match (1-based; negative
// counts from the end; '' when there is no such field), like split_part with a pattern.
// Patterns use RE2 syntax, must be constants, and are compiled once when the expression binds.
#include <re2/re2.h>

#include "expression/function_registry.h"

namespace logidata::expr {

namespace {

Result<std::shared_ptr<const RE2>> CompilePattern(CallBinder& b, size_t i) {
  LD_ASSIGN_OR_RETURN(Value v, b.RequireConstant(i, "the regular expression"));
  if (v.is_null()) return b.Error(static_cast<int>(i), "the regular expression must not be NULL");
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(v.string_value(), options);
  if (!re->ok()) {
    return b.Error(static_cast<int>(i), "invalid regular expression '" + v.string_value() + "': " + re->error());
  }
  return re;
}

inline re2::StringPiece Piece(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }

Result<NodePtr> BindMatches(CallBinder& b) {
  LD_RETURN_IF_ERROR(b.Coerce(0, DataType::String()));
  LD_RETURN_IF_ERROR(b.Coerce(1, DataType::String()));
  LD_ASSIGN_OR_RETURN(auto re, CompilePattern(b, 1));
  KernelFn kernel = [re](const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext&) -> Result<Datum> {
    StringReader s(args[0]);
    BufferPtr bits = NewBitmap(n);
    NullReader nulls(args[0]);
    FillBitmap(bits->mutable_data(), n, [&](int64_t i) { return !nulls.IsNull(i) && RE2::PartialMatch(Piece(s[i]), *re); });
    return Datum::Array(MakeColumn(self.type(), n, StrictValidity(args, n), bits));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::Bool(), std::move(b.args()), kernel, true, false, b.offset()));
}

Result<NodePtr> BindReplace(CallBinder& b) {
  for (size_t i = 0; i < 3; ++i) LD_RETURN_IF_ERROR(b.Coerce(i, DataType::String()));
  LD_ASSIGN_OR_RETURN(auto re, CompilePattern(b, 1));
  LD_ASSIGN_OR_RETURN(Value repl, b.RequireConstant(2, "the replacement"));
  if (repl.is_null()) return b.Error(2, "the replacement must not be NULL");
  std::string error;
  if (!re->CheckRewriteString(repl.string_value(), &error)) {
    return b.Error(2, "invalid replacement '" + repl.string_value() + "': " + error);
  }
  std::string rewrite = repl.string_value();
  KernelFn kernel = [re, rewrite](const FunctionNode& self, std::vector<Datum>& args, int64_t n,
                                  const EvalContext&) -> Result<Datum> {
    StringReader s(args[0]);
    BufferPtr validity = StrictValidity(args, n);
    StringWriter w(n, args[0].is_scalar ? 64 : static_cast<int64_t>(args[0].column->data_buffer() ? args[0].column->data_buffer()->size() : 0));
    std::string tmp;
    for (int64_t i = 0; i < n; ++i) {
      if (validity != nullptr && !GetBit(validity->data(), i)) {
        w.AppendEmpty();
        continue;
      }
      tmp.assign(s[i]);
      RE2::GlobalReplace(&tmp, *re, rewrite);
      w.Append(tmp);
    }
    return Datum::Array(w.Finish(self.type(), validity));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), kernel, true, false, b.offset()));
}

Result<NodePtr> BindExtract(CallBinder& b) {
  LD_RETURN_IF_ERROR(b.Coerce(0, DataType::String()));
  LD_RETURN_IF_ERROR(b.Coerce(1, DataType::String()));
  LD_ASSIGN_OR_RETURN(auto re, CompilePattern(b, 1));
  int group = 0;
  if (b.args().size() > 2) {
    LD_RETURN_IF_ERROR(b.Coerce(2, DataType::Int64()));
    LD_ASSIGN_OR_RETURN(Value g, b.RequireConstant(2, "the group number"));
    if (g.is_null() || g.int_value() < 0 || g.int_value() > re->NumberOfCapturingGroups()) {
      return b.Error(2, "group " + (g.is_null() ? std::string("NULL") : std::to_string(g.int_value())) +
                            " does not exist (the pattern has " + std::to_string(re->NumberOfCapturingGroups()) +
                            " groups)");
    }
    group = static_cast<int>(g.int_value());
  }
  KernelFn kernel = [re, group](const FunctionNode& self, std::vector<Datum>& args, int64_t n,
                                const EvalContext&) -> Result<Datum> {
    StringReader s(args[0]);
    BufferPtr validity = StrictValidity(args, n);
    if (validity == nullptr) validity = NewBitmap(n, true);
    StringWriter w(n, n * 8);
    std::vector<re2::StringPiece> groups(static_cast<size_t>(group + 1));
    for (int64_t i = 0; i < n; ++i) {
      if (!GetBit(validity->data(), i)) {
        w.AppendEmpty();
        continue;
      }
      std::string_view v = s[i];
      if (re->Match(Piece(v), 0, v.size(), RE2::UNANCHORED, groups.data(), group + 1) && groups[static_cast<size_t>(group)].data() != nullptr) {
        const auto& g = groups[static_cast<size_t>(group)];
        w.Append(std::string_view(g.data(), g.size()));
      } else {
        ClearBit(validity->mutable_data(), i);
        w.AppendEmpty();
      }
    }
    return Datum::Array(w.Finish(self.type(), validity));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), kernel, true, false, b.offset()));
}

Result<NodePtr> BindSplit(CallBinder& b) {
  LD_RETURN_IF_ERROR(b.Coerce(0, DataType::String()));
  LD_RETURN_IF_ERROR(b.Coerce(1, DataType::String()));
  LD_RETURN_IF_ERROR(b.Coerce(2, DataType::Int64()));
  LD_ASSIGN_OR_RETURN(auto re, CompilePattern(b, 1));
  KernelFn kernel = [re](const FunctionNode& self, std::vector<Datum>& args, int64_t n, const EvalContext& ctx) -> Result<Datum> {
    StringReader s(args[0]);
    FixedReader<int64_t> index = MakeFixedReader<int64_t>(args[2]);
    BufferPtr validity = StrictValidity(args, n);
    StringWriter w(n, n * 8);
    std::vector<std::string_view> fields;
    re2::StringPiece match;
    for (int64_t i = 0; i < n; ++i) {
      if (validity != nullptr && !GetBit(validity->data(), i)) {
        w.AppendEmpty();
        continue;
      }
      int64_t k = index[i];
      if (k == 0) return ctx.RowError(i, "argument 3 of regexp_split (the field index) must not be 0");
      std::string_view v = s[i];
      fields.clear();
      size_t start = 0, from = 0;
      while (from <= v.size() && re->Match(Piece(v), from, v.size(), RE2::UNANCHORED, &match, 1)) {
        size_t at = static_cast<size_t>(match.data() - v.data());
        if (match.empty()) {  // an empty match splits nothing; step past it
          if (at >= v.size()) break;
          from = at + 1;
          continue;
        }
        fields.push_back(v.substr(start, at - start));
        start = from = at + match.size();
      }
      fields.push_back(v.substr(start));
      int64_t count = static_cast<int64_t>(fields.size());
      int64_t pos = k > 0 ? k - 1 : count + k;
      w.Append(pos >= 0 && pos < count ? fields[static_cast<size_t>(pos)] : std::string_view());
    }
    return Datum::Array(w.Finish(self.type(), std::move(validity)));
  };
  return NodePtr(std::make_unique<FunctionNode>(b.name(), DataType::String(), std::move(b.args()), kernel, true, true, b.offset()));
}

}  // namespace

void RegisterRegexFunctions(FunctionRegistry& r) {
  r.Add({"regexp_matches", 2, 2, "regexp_matches(string, pattern)", BindMatches});
  r.Add({"regexp_replace", 3, 3, "regexp_replace(string, pattern, replacement)", BindReplace});
  r.Add({"regexp_extract", 2, 3, "regexp_extract(string, pattern[, group])", BindExtract});
  r.Add({"regexp_split", 3, 3, "regexp_split(string, pattern, index)", BindSplit,
         "Splits the string on every match of the RE2 pattern (a constant) and returns field `index` "
         "(1-based; negative counts from the end); an empty string when there is no such field.",
         {{"regexp_split('a1b22c', '[0-9]+', 2)", "b"}, {"regexp_split('one  two three', '\\s+', -1)", "three"},
          {"regexp_split('abc', ',', 2)", ""}},
         "Strings"});
}

}  // namespace logidata::expr
