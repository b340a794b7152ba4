// CompileExpression = parse (parser.cc) + bind and fold (binder.cc); evaluation walks the bound
// tree once per batch.
#include "expression/expression.h"

#include <algorithm>

#include "expression/binder.h"
#include "expression/expr_node.h"
#include "expression/parser.h"

namespace logidata {

namespace {

class CompiledExpressionImpl final : public CompiledExpression {
 public:
  CompiledExpressionImpl(expr::NodePtr root, const Schema& schema) : root_(std::move(root)) {
    root_->CollectColumns(columns_);
    std::sort(columns_.begin(), columns_.end());
    columns_.erase(std::unique(columns_.begin(), columns_.end()), columns_.end());
    for (int c : columns_) column_types_.push_back(schema.field(c).type);
    num_fields_ = schema.num_fields();
  }

  const DataType& type() const override { return root_->type(); }

  Result<ColumnPtr> Evaluate(const Batch& batch) const override {
    if (batch.num_columns() != num_fields_) {
      return Status::InvalidArgument("expression compiled for " + std::to_string(num_fields_) +
                                     " columns evaluated on a batch with " + std::to_string(batch.num_columns()));
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      const DataType& t = batch.column(columns_[i])->type();
      if (t.id != column_types_[i].id) {
        return Status::InvalidArgument("column " + std::to_string(columns_[i]) + " is " + t.ToString() +
                                       " but the expression was compiled for " + column_types_[i].ToString());
      }
    }
    expr::EvalContext ctx;
    LD_ASSIGN_OR_RETURN(expr::Datum d, root_->Eval(batch, ctx));
    return d.ToColumn(batch.num_rows());
  }

  std::vector<int> ReferencedColumns() const override { return columns_; }
  std::string ToString() const override { return root_->ToString(); }

 private:
  expr::NodePtr root_;
  std::vector<int> columns_;
  std::vector<DataType> column_types_;
  int num_fields_ = 0;
};

}  // namespace

Result<std::unique_ptr<CompiledExpression>> CompileExpression(std::string_view text, const Schema& schema,
                                                              const ExpressionOptions& options) {
  LD_ASSIGN_OR_RETURN(expr::AstPtr ast, expr::ParseExpression(text));
  LD_ASSIGN_OR_RETURN(expr::NodePtr root, expr::BindExpression(text, *ast, schema, options));
  return std::unique_ptr<CompiledExpression>(std::make_unique<CompiledExpressionImpl>(std::move(root), schema));
}

Result<Selection> EvaluatePredicate(const CompiledExpression& predicate, const Batch& batch) {
  TypeId id = predicate.type().id;
  if (id != TypeId::kBool && id != TypeId::kNull) {
    return Status::InvalidArgument("a filter needs a bool expression, but '" + predicate.ToString() + "' is " +
                                   predicate.type().ToString());
  }
  LD_ASSIGN_OR_RETURN(ColumnPtr column, predicate.Evaluate(batch));
  const int64_t n = batch.num_rows();
  Selection sel;
  sel.bitmap = expr::NewBitmap(n);
  if (id == TypeId::kNull) return sel;
  uint8_t* out = sel.bitmap->mutable_data();
  const uint8_t* values = column->values_buffer()->data();
  const uint8_t* valid = column->validity();
  const int64_t bytes = BitmapBytes(n);
  if (n == 0) return sel;
  if (valid == nullptr) {
    std::memcpy(out, values, static_cast<size_t>(bytes));
  } else {
    for (int64_t i = 0; i < bytes; ++i) out[i] = values[i] & valid[i];
  }
  if (n % 8 != 0) out[bytes - 1] &= static_cast<uint8_t>((1u << (n % 8)) - 1);  // clear bits past the end
  sel.count = CountSetBits(out, n);
  return sel;
}

}  // namespace logidata
