// AND / OR (n-ary, SQL three-valued logic, computed 64 rows at a time on bitmaps), NOT, and
// IS [NOT] NULL. Operands that may raise errors are evaluated only on rows still undecided.
#include "expression/nodes.h"

namespace logidata::expr {

namespace {

// True/false masks of a bool datum for word `w` (both zero where null).
struct Masks {
  uint64_t t, f;
};

Masks LoadMasks(const Datum& d, int64_t w, int64_t n) {
  if (d.is_scalar) {
    if (d.scalar.is_null()) return {0, 0};
    return d.scalar.bool_value() ? Masks{~0ULL, 0} : Masks{0, ~0ULL};
  }
  uint64_t values = LoadWord(d.column->values_buffer()->data(), w, n);
  uint64_t valid = d.column->validity() ? LoadWord(d.column->validity(), w, n) : ~0ULL;
  return {values & valid, ~values & valid};
}

class AndOrNode final : public ExprNode {
 public:
  AndOrNode(bool is_and, std::vector<NodePtr> operands, size_t offset)
      : ExprNode(DataType::Bool(), offset), is_and_(is_and) {
    children_ = std::move(operands);
  }

  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    const int64_t n = batch.num_rows();
    const int64_t words = (n + 63) / 64;
    // For AND: decided = known false, pending = all true so far. OR mirrors it.
    BufferPtr decided_buf = NewBitmap(n, false);
    BufferPtr pending_buf = NewBitmap(n, true);
    uint64_t* decided = decided_buf->mutable_data_as<uint64_t>();
    uint64_t* pending = pending_buf->mutable_data_as<uint64_t>();
    const uint64_t tail = n % 64 == 0 ? ~0ULL : (1ULL << (n % 64)) - 1;
    int64_t decided_count = 0;
    for (size_t k = 0; k < children_.size(); ++k) {
      const ExprNode& child = *children_[k];
      Datum d;
      if (k > 0 && decided_count == n) break;  // every row already settled
      if (k > 0 && decided_count > 0 && child.SubtreeMayFail()) {
        // Skip rows already settled so they cannot raise errors SQL would not evaluate.
        BufferPtr undecided = NewBitmap(n);
        uint64_t* u = undecided->mutable_data_as<uint64_t>();
        for (int64_t w = 0; w < words; ++w) u[w] = ~decided[w] & (w == words - 1 ? tail : ~0ULL);
        LD_ASSIGN_OR_RETURN(ColumnPtr col, EvalSelected(child, batch, undecided->data(), n - decided_count, ctx));
        d = Datum::Array(std::move(col));
      } else {
        LD_ASSIGN_OR_RETURN(d, child.Eval(batch, ctx));
      }
      decided_count = 0;
      for (int64_t w = 0; w < words; ++w) {
        Masks m = LoadMasks(d, w, n);
        uint64_t settle = is_and_ ? m.f : m.t;
        uint64_t keep = is_and_ ? m.t : m.f;
        decided[w] |= settle;
        pending[w] &= keep;
        decided_count += __builtin_popcountll(decided[w] & (w == words - 1 ? tail : ~0ULL));
      }
    }
    // AND: value = all true; valid = known false | all true.  OR: value = known true.
    BufferPtr values = NewBitmap(n);
    BufferPtr validity = NewBitmap(n);
    uint64_t* v = values->mutable_data_as<uint64_t>();
    uint64_t* valid = validity->mutable_data_as<uint64_t>();
    bool all_valid = true;
    for (int64_t w = 0; w < words; ++w) {
      uint64_t pend = pending[w] & ~decided[w];
      v[w] = is_and_ ? pend : decided[w];
      valid[w] = decided[w] | pend;
      uint64_t mask = w == words - 1 ? tail : ~0ULL;
      all_valid &= (valid[w] & mask) == mask;
    }
    return Datum::Array(MakeColumn(type_, n, all_valid ? nullptr : validity, values));
  }

  std::string ToString() const override {
    std::string out;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (i > 0) out += is_and_ ? " AND " : " OR ";
      out += Nested(*children_[i]);
    }
    return out;
  }

 private:
  bool is_and_;
};

class NotNode final : public ExprNode {
 public:
  NotNode(NodePtr child, size_t offset) : ExprNode(DataType::Bool(), offset) { children_.push_back(std::move(child)); }
  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    LD_ASSIGN_OR_RETURN(Datum d, children_[0]->Eval(batch, ctx));
    if (d.is_scalar) return d.scalar.is_null() ? d : Datum::Scalar(Value::Bool(!d.scalar.bool_value()));
    const int64_t n = batch.num_rows();
    BufferPtr values = NewBitmap(n);
    uint64_t* v = values->mutable_data_as<uint64_t>();
    const uint8_t* in = d.column->values_buffer()->data();
    for (int64_t w = 0; w < (n + 63) / 64; ++w) v[w] = ~LoadWord(in, w, n);
    return Datum::Array(MakeColumn(type_, n, d.column->validity_buffer(), values));
  }
  std::string ToString() const override { return "NOT " + Nested(*children_[0]); }
};

class IsNullNode final : public ExprNode {
 public:
  IsNullNode(NodePtr child, bool negated, size_t offset) : ExprNode(DataType::Bool(), offset), negated_(negated) {
    children_.push_back(std::move(child));
  }
  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    LD_ASSIGN_OR_RETURN(Datum d, children_[0]->Eval(batch, ctx));
    if (d.is_scalar) return Datum::Scalar(Value::Bool(d.scalar.is_null() != negated_));
    const int64_t n = batch.num_rows();
    const uint8_t* valid = d.column->validity();
    if (valid == nullptr) return Datum::Scalar(Value::Bool(negated_));
    BufferPtr values = NewBitmap(n);
    uint64_t* v = values->mutable_data_as<uint64_t>();
    for (int64_t w = 0; w < (n + 63) / 64; ++w) {
      uint64_t word = LoadWord(valid, w, n);
      v[w] = negated_ ? word : ~word;
    }
    return Datum::Array(MakeColumn(type_, n, nullptr, values));
  }
  std::string ToString() const override { return Nested(*children_[0]) + (negated_ ? " IS NOT NULL" : " IS NULL"); }

 private:
  bool negated_;
};

}  // namespace

NodePtr MakeAndOr(bool is_and, std::vector<NodePtr> operands, size_t offset) {
  return std::make_unique<AndOrNode>(is_and, std::move(operands), offset);
}
NodePtr MakeNot(NodePtr child, size_t offset) { return std::make_unique<NotNode>(std::move(child), offset); }
NodePtr MakeIsNull(NodePtr child, bool negated, size_t offset) {
  return std::make_unique<IsNullNode>(std::move(child), negated, offset);
}

}  // namespace logidata::expr
