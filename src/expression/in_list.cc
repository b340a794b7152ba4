// x [NOT] IN (constant, …): the list is turned into a hash set once at bind time (a short list is
// scanned linearly, which beats hashing). NULL in the list follows SQL: no match gives NULL.
#include <algorithm>
#include <unordered_set>

#include "expression/nodes.h"

namespace logidata::expr {

namespace {

struct Int128Hash {
  size_t operator()(int128_t v) const {
    uint64_t lo = static_cast<uint64_t>(v), hi = static_cast<uint64_t>(static_cast<unsigned __int128>(v) >> 64);
    return std::hash<uint64_t>()(lo ^ (hi * 0x9E3779B97F4A7C15ULL));
  }
};

constexpr size_t kLinearLimit = 6;

template <typename T, typename Hash = std::hash<T>>
struct FixedSet {
  std::vector<T> list;
  std::unordered_set<T, Hash> set;
  void Build() {
    if (list.size() > kLinearLimit) set.insert(list.begin(), list.end());
  }
  void Probe(const T* values, int64_t n, uint8_t* out) const {
    if (list.size() <= kLinearLimit) {
      FillBitmap(out, n, [&](int64_t i) {
        bool hit = false;
        for (const T& v : list) hit |= values[i] == v;
        return hit;
      });
    } else {
      FillBitmap(out, n, [&](int64_t i) { return set.count(values[i]) != 0; });
    }
  }
};

class InListNode final : public ExprNode {
 public:
  InListNode(NodePtr child, std::vector<Value> values, bool has_null, bool negated, size_t offset)
      : ExprNode(DataType::Bool(), offset), values_(std::move(values)), has_null_(has_null), negated_(negated) {
    const DataType& t = children_.emplace_back(std::move(child))->type();
    for (const Value& v : values_) {
      switch (t.id) {
        case TypeId::kInt32:
        case TypeId::kDate: i32_.list.push_back(static_cast<int32_t>(v.int_value())); break;
        case TypeId::kInt64:
        case TypeId::kTimestamp: i64_.list.push_back(v.int_value()); break;
        case TypeId::kFloat64: f64_.list.push_back(v.double_value()); break;
        case TypeId::kDecimal: dec_.list.push_back(v.decimal_value()); break;
        case TypeId::kBool: (v.bool_value() ? has_true_ : has_false_) = true; break;
        case TypeId::kString:
        case TypeId::kBinary: strings_.insert(v.string_value()); break;
        default: break;
      }
    }
    short_strings_ = strings_.size() <= 4;
    for (const auto& v : strings_) short_strings_ = short_strings_ && v.size() <= 16;
    i32_.Build();
    i64_.Build();
    f64_.Build();
    dec_.Build();
  }

  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    LD_ASSIGN_OR_RETURN(Datum d, children_[0]->Eval(batch, ctx));
    const int64_t n = batch.num_rows();
    if (d.is_scalar) d = Datum::Array(d.ToColumn(n));
    const Column& c = *d.column;
    BufferPtr found = NewBitmap(n);
    uint8_t* out = found->mutable_data();
    switch (c.type().id) {
      case TypeId::kInt32:
      case TypeId::kDate: i32_.Probe(c.values<int32_t>(), n, out); break;
      case TypeId::kInt64:
      case TypeId::kTimestamp: i64_.Probe(c.values<int64_t>(), n, out); break;
      case TypeId::kFloat64: f64_.Probe(c.values<double>(), n, out); break;
      case TypeId::kDecimal: dec_.Probe(c.values<int128_t>(), n, out); break;
      case TypeId::kBool: FillBitmap(out, n, [&](int64_t i) { return c.GetBool(i) ? has_true_ : has_false_; }); break;
      case TypeId::kString:
      case TypeId::kBinary: {
        if (short_strings_) {  // a few short constants: OR of branch-free equality bitmaps
          BufferPtr one = NewBitmap(n);
          uint64_t* f = found->mutable_data_as<uint64_t>();
          const uint64_t* o = one->data_as<uint64_t>();
          for (const auto& v : strings_) {
            StringEqualsConstant(c, v, true, one->mutable_data());
            for (int64_t w = 0; w < (n + 63) / 64; ++w) f[w] |= o[w];
          }
          break;
        }
        StringReader r(d);
        FillBitmap(out, n, [&](int64_t i) { return strings_.find(r[i]) != strings_.end(); });
        break;
      }
      default: break;
    }
    // Not found + NULL in the list -> NULL; value flips for NOT IN.
    BufferPtr validity = CopyValidity(n, c.validity());
    uint64_t* f = found->mutable_data_as<uint64_t>();
    const int64_t words = (n + 63) / 64;
    if (has_null_) {
      if (validity == nullptr) validity = NewBitmap(n, true);
      uint64_t* v = validity->mutable_data_as<uint64_t>();
      for (int64_t w = 0; w < words; ++w) v[w] &= f[w];
    }
    if (negated_) {
      for (int64_t w = 0; w < words; ++w) f[w] = ~f[w];
    }
    return Datum::Array(MakeColumn(type_, n, std::move(validity), std::move(found)));
  }

  std::string ToString() const override {
    std::string out = Nested(*children_[0]) + (negated_ ? " NOT IN (" : " IN (");
    for (size_t i = 0; i < values_.size(); ++i) {
      if (i > 0) out += ", ";
      out += LiteralText(values_[i]);
    }
    if (has_null_) out += values_.empty() ? "NULL" : ", NULL";
    return out + ")";
  }

 private:
  std::vector<Value> values_;
  bool has_null_;
  bool negated_;
  FixedSet<int32_t> i32_;
  FixedSet<int64_t> i64_;
  FixedSet<double> f64_;
  FixedSet<int128_t, Int128Hash> dec_;
  bool has_true_ = false, has_false_ = false;
  bool short_strings_ = false;
  struct ViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_set<std::string, ViewHash, std::equal_to<>> strings_;
};

}  // namespace

NodePtr MakeInList(NodePtr child, std::vector<Value> values, bool has_null, bool negated, size_t offset) {
  return std::make_unique<InListNode>(std::move(child), std::move(values), has_null, negated, offset);
}

}  // namespace logidata::expr
