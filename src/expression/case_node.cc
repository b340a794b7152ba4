// CASE WHEN … THEN … ELSE … END, and EvalSelected, which evaluates a subtree on a subset of rows
// so a branch never raises errors for rows that do not take it.
#include <algorithm>

#include "expression/nodes.h"

namespace logidata::expr {

Result<ColumnPtr> EvalSelected(const ExprNode& node, const Batch& batch, const uint8_t* selection, int64_t count,
                               const EvalContext& ctx) {
  const int64_t n = batch.num_rows();
  if (count == 0) return Column::MakeNull(node.type(), n);
  if (count == n) {
    LD_ASSIGN_OR_RETURN(Datum d, node.Eval(batch, ctx));
    return d.ToColumn(n);
  }
  std::vector<int32_t> indices;
  indices.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < n; ++i) {
    if (GetBit(selection, i)) indices.push_back(static_cast<int32_t>(i));
  }
  const int64_t m = static_cast<int64_t>(indices.size());
  std::vector<int> used;
  node.CollectColumns(used);
  std::vector<ColumnPtr> columns;
  columns.reserve(static_cast<size_t>(batch.num_columns()));
  for (int c = 0; c < batch.num_columns(); ++c) {
    bool needed = std::find(used.begin(), used.end(), c) != used.end();
    columns.push_back(needed ? TakeColumn(*batch.column(c), indices) : Column::MakeNull(batch.column(c)->type(), m));
  }
  Batch sub(batch.schema(), std::move(columns), m);
  std::vector<int32_t> row_map(indices);
  if (ctx.row_map != nullptr) {
    for (auto& r : row_map) r = ctx.row_map[r];
  }
  EvalContext sub_ctx = ctx;
  sub_ctx.row_map = row_map.data();
  LD_ASSIGN_OR_RETURN(Datum d, node.Eval(sub, sub_ctx));
  ColumnPtr partial = d.ToColumn(m);
  // Scatter back: row i of the batch reads row inverse[i] of the partial result (or null).
  std::vector<int32_t> inverse(static_cast<size_t>(n), -1);
  for (int64_t j = 0; j < m; ++j) inverse[static_cast<size_t>(indices[static_cast<size_t>(j)])] = static_cast<int32_t>(j);
  return TakeColumn(*partial, inverse);
}

namespace {

class CaseNode final : public ExprNode {
 public:
  CaseNode(std::vector<NodePtr> whens, std::vector<NodePtr> thens, NodePtr otherwise, DataType type, size_t offset)
      : ExprNode(std::move(type), offset), num_branches_(whens.size()) {
    for (auto& w : whens) children_.push_back(std::move(w));
    for (auto& t : thens) children_.push_back(std::move(t));
    children_.push_back(std::move(otherwise));
  }

  Result<Datum> Eval(const Batch& batch, const EvalContext& ctx) const override {
    const int64_t n = batch.num_rows();
    const size_t k_else = num_branches_;
    std::vector<uint16_t> branch(static_cast<size_t>(n), static_cast<uint16_t>(k_else));
    BufferPtr remaining = NewBitmap(n, true);
    int64_t remaining_count = n;
    std::vector<int64_t> taken(num_branches_ + 1, 0);
    for (size_t k = 0; k < num_branches_ && remaining_count > 0; ++k) {
      const ExprNode& when = *children_[k];
      Datum cond;
      if (remaining_count < n && when.SubtreeMayFail()) {
        LD_ASSIGN_OR_RETURN(ColumnPtr c, EvalSelected(when, batch, remaining->data(), remaining_count, ctx));
        cond = Datum::Array(std::move(c));
      } else {
        LD_ASSIGN_OR_RETURN(cond, when.Eval(batch, ctx));
      }
      if (cond.is_scalar) {
        if (cond.scalar.is_null() || !cond.scalar.bool_value()) continue;
        for (int64_t i = 0; i < n; ++i) {
          if (GetBit(remaining->data(), i)) branch[static_cast<size_t>(i)] = static_cast<uint16_t>(k);
        }
        taken[k] = remaining_count;
        remaining_count = 0;
        break;
      }
      const Column& c = *cond.column;
      for (int64_t i = 0; i < n; ++i) {
        if (GetBit(remaining->data(), i) && c.IsValid(i) && c.GetBool(i)) {
          branch[static_cast<size_t>(i)] = static_cast<uint16_t>(k);
          ClearBit(remaining->mutable_data(), i);
          ++taken[k];
          --remaining_count;
        }
      }
    }
    taken[k_else] = remaining_count;
    // Evaluate each result branch (only on its rows when it might fail).
    std::vector<Datum> results(num_branches_ + 1);
    for (size_t k = 0; k <= num_branches_; ++k) {
      if (taken[k] == 0) continue;
      const ExprNode& value = *children_[k == k_else ? 2 * num_branches_ : num_branches_ + k];
      if (taken[k] < n && value.SubtreeMayFail()) {
        BufferPtr sel = NewBitmap(n);
        for (int64_t i = 0; i < n; ++i) {
          if (branch[static_cast<size_t>(i)] == k) SetBit(sel->mutable_data(), i);
        }
        LD_ASSIGN_OR_RETURN(ColumnPtr c, EvalSelected(value, batch, sel->data(), taken[k], ctx));
        results[k] = Datum::Array(std::move(c));
      } else {
        LD_ASSIGN_OR_RETURN(results[k], value.Eval(batch, ctx));
      }
      if (taken[k] == n) return results[k];
    }
    return Datum::Array(Combine(branch, results, n));
  }

  std::string ToString() const override {
    std::string out = "CASE";
    for (size_t k = 0; k < num_branches_; ++k) {
      out += " WHEN " + children_[k]->ToString() + " THEN " + children_[num_branches_ + k]->ToString();
    }
    const ExprNode& otherwise = *children_[2 * num_branches_];
    if (!(otherwise.literal() != nullptr && otherwise.literal()->is_null())) out += " ELSE " + otherwise.ToString();
    return out + " END";
  }
  bool IsAtomic() const override { return true; }

 private:
  ColumnPtr Combine(const std::vector<uint16_t>& branch, std::vector<Datum>& results, int64_t n) const {
    for (auto& r : results) {
      if (!r.is_scalar && r.column == nullptr) r = Datum::Scalar(Value::Null(type_));  // branch not taken
    }
    return GatherRows(type_, results, branch, n);
  }

  size_t num_branches_;
};

}  // namespace

NodePtr MakeCase(std::vector<NodePtr> whens, std::vector<NodePtr> thens, NodePtr otherwise, DataType type,
                 size_t offset) {
  return std::make_unique<CaseNode>(std::move(whens), std::move(thens), std::move(otherwise), std::move(type), offset);
}

}  // namespace logidata::expr
