// [NOT] LIKE / ILIKE. A constant pattern made only of literals and '%' is split once into pieces
// and matched with memcmp/memmem (equality, prefix, suffix, contains, or an ordered chain);
// patterns with '_' use a backtracking matcher. '\' escapes '%', '_' and itself.
#include <string.h>

#include <cctype>

#include "expression/nodes.h"

namespace logidata::expr {

namespace {

inline unsigned char Fold(unsigned char c, bool ci) {
  return ci && c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c;
}

inline size_t CodePointLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

bool EqualFold(const char* a, const char* b, size_t n, bool ci) {
  if (!ci) return std::memcmp(a, b, n) == 0;
  for (size_t i = 0; i < n; ++i) {
    if (Fold(static_cast<unsigned char>(a[i]), true) != static_cast<unsigned char>(b[i])) return false;
  }
  return true;
}

// Finds `needle` (already folded when ci) in hay[from, to); returns the match start or npos.
size_t FindFold(std::string_view hay, size_t from, size_t to, std::string_view needle, bool ci) {
  if (needle.empty()) return from;
  if (to < from || to - from < needle.size()) return std::string_view::npos;
  if (!ci) {
    const void* p = memmem(hay.data() + from, to - from, needle.data(), needle.size());
    return p == nullptr ? std::string_view::npos : static_cast<size_t>(static_cast<const char*>(p) - hay.data());
  }
  for (size_t i = from; i + needle.size() <= to; ++i) {
    if (EqualFold(hay.data() + i, needle.data(), needle.size(), true)) return i;
  }
  return std::string_view::npos;
}

// A pattern without '_': literal pieces separated by '%'.
struct PiecePattern {
  std::vector<std::string> pieces;
  bool anchored_start = true;
  bool anchored_end = true;

  bool Match(std::string_view s, bool ci) const {
    if (pieces.size() == 1 && anchored_start && anchored_end) {
      return s.size() == pieces[0].size() && EqualFold(s.data(), pieces[0].data(), s.size(), ci);
    }
    size_t pos = 0;
    size_t end = s.size();
    size_t first = 0, last = pieces.size();
    if (anchored_start) {
      const std::string& p = pieces[0];
      if (s.size() < p.size() || !EqualFold(s.data(), p.data(), p.size(), ci)) return false;
      pos = p.size();
      first = 1;
    }
    if (anchored_end && last > first) {
      const std::string& p = pieces[last - 1];
      if (end < pos + p.size() || !EqualFold(s.data() + end - p.size(), p.data(), p.size(), ci)) return false;
      end -= p.size();
      --last;
    }
    for (size_t k = first; k < last; ++k) {
      size_t at = FindFold(s, pos, end, pieces[k], ci);
      if (at == std::string_view::npos) return false;
      pos = at + pieces[k].size();
    }
    return true;
  }
};

// Returns false when the pattern contains '_' (needs the general matcher).
bool SplitPattern(std::string_view pattern, bool ci, PiecePattern* out) {
  std::string current;
  bool any_piece_started = false;
  out->pieces.clear();
  out->anchored_start = !(pattern.size() > 0 && pattern[0] == '%');
  bool last_was_percent = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      current.push_back(static_cast<char>(Fold(static_cast<unsigned char>(pattern[++i]), ci)));
      last_was_percent = false;
      any_piece_started = true;
      continue;
    }
    if (c == '_') return false;
    if (c == '%') {
      if (any_piece_started) out->pieces.push_back(std::move(current));
      current.clear();
      any_piece_started = false;
      last_was_percent = true;
      continue;
    }
    current.push_back(static_cast<char>(Fold(static_cast<unsigned char>(c), ci)));
    any_piece_started = true;
    last_was_percent = false;
  }
  if (any_piece_started || out->pieces.empty()) out->pieces.push_back(std::move(current));
  out->anchored_end = !last_was_percent;
  if (!out->anchored_start && !out->anchored_end && out->pieces.size() == 1 && out->pieces[0].empty()) {
    out->pieces.clear();  // '%' matches everything
  }
  return true;
}

}  // namespace

bool LikeMatch(std::string_view s, std::string_view pattern, bool insensitive) {
  size_t i = 0, p = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (i < s.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_s = i;
      continue;
    }
    if (p < pattern.size()) {
      char pc = pattern[p];
      size_t plen = 1;
      bool literal = true;
      if (pc == '\\' && p + 1 < pattern.size()) {
        pc = pattern[p + 1];
        plen = 2;
      } else if (pc == '_') {
        literal = false;
      }
      if (!literal) {
        i += CodePointLength(static_cast<unsigned char>(s[i]));
        p += plen;
        continue;
      }
      if (Fold(static_cast<unsigned char>(s[i]), insensitive) == Fold(static_cast<unsigned char>(pc), insensitive)) {
        ++i;
        p += plen;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    star_s += CodePointLength(static_cast<unsigned char>(s[star_s]));
    i = star_s;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

namespace {

class LikeNode final : public ExprNode {
 public:
  LikeNode(NodePtr value, NodePtr pattern, bool insensitive, bool negated, size_t offset)
      : ExprNode(DataType::Bool(), offset), insensitive_(insensitive), negated_(negated) {
    const Value* lit = pattern->literal();
    if (lit != nullptr && !lit->is_null()) {
      constant_ = true;
      pattern_text_ = lit->string_value();
      simple_ = SplitPattern(pattern_text_, insensitive_, &pieces_);
    }
    children_.push_back(std::move(value));
    children_.push_back(std::move(pattern));
  }

  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    LD_ASSIGN_OR_RETURN(Datum v, children_[0]->Eval(batch, ctx));
    LD_ASSIGN_OR_RETURN(Datum p, children_[1]->Eval(batch, ctx));
    if (v.IsNullScalar() || p.IsNullScalar()) return Datum::Scalar(Value::Null(DataType::Bool()));
    const int64_t n = batch.num_rows();
    if (v.is_scalar) v = Datum::Array(v.ToColumn(n));
    StringReader s(v);
    BufferPtr bits = NewBitmap(n);
    uint8_t* out = bits->mutable_data();
    const bool flip = negated_;
    if (constant_ && simple_) {
      const bool ci = insensitive_;
      if (pieces_.pieces.empty()) {
        FillBitmap(out, n, [&](int64_t) { return !flip; });
      } else if (pieces_.pieces.size() == 1 && pieces_.anchored_start && !pieces_.anchored_end && !ci) {
        const std::string& pre = pieces_.pieces[0];  // 'abc%'
        FillBitmap(out, n, [&](int64_t i) {
          std::string_view x = s[i];
          return (x.size() >= pre.size() && std::memcmp(x.data(), pre.data(), pre.size()) == 0) != flip;
        });
      } else {
        FillBitmap(out, n, [&](int64_t i) { return pieces_.Match(s[i], ci) != flip; });
      }
    } else if (constant_) {
      FillBitmap(out, n, [&](int64_t i) { return LikeMatch(s[i], pattern_text_, insensitive_) != flip; });
    } else {
      StringReader pat(p);
      FillBitmap(out, n, [&](int64_t i) { return LikeMatch(s[i], pat[i], insensitive_) != flip; });
    }
    return Datum::Array(MakeColumn(type_, n, AndValidity(n, ValidityOf(v), ValidityOf(p)), std::move(bits)));
  }

  std::string ToString() const override {
    std::string op = std::string(negated_ ? " NOT" : "") + (insensitive_ ? " ILIKE " : " LIKE ");
    return Nested(*children_[0]) + op + Nested(*children_[1]);
  }

 private:
  bool insensitive_;
  bool negated_;
  bool constant_ = false;
  bool simple_ = false;
  std::string pattern_text_;
  PiecePattern pieces_;
};

}  // namespace

NodePtr MakeLike(NodePtr value, NodePtr pattern, bool insensitive, bool negated, size_t offset) {
  return std::make_unique<LikeNode>(std::move(value), std::move(pattern), insensitive, negated, offset);
}

}  // namespace logidata::expr
