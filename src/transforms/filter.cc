#include "transforms/filter.h"

#include "expression/expression.h"
#include "transforms/config_fields.h"
#include "transforms/row_selection.h"
#include "transforms/transform_descriptor.h"

namespace logidata {
namespace {

class FilterOperator final : public Operator {
 public:
  FilterOperator(SchemaPtr schema, std::unique_ptr<CompiledExpression> predicate)
      : predicate_(std::move(predicate)) {
    output_schemas_.push_back(std::move(schema));
  }

  // Projection push-down: the predicate's columns plus whatever downstream reads.
  std::optional<std::vector<int>> InputColumnsNeeded(int port, const std::vector<int>& needed_outputs) const override {
    (void)port;
    return MergeColumns(needed_outputs, predicate_->ReferencedColumns());
  }
  // Columns nobody reads are not gathered (they come out all NULL).
  void SetRequiredColumns(const std::vector<int>& columns) override {
    read_ = ColumnMask(output_schemas_[0]->num_fields(), columns);
  }

  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    (void)port;
    (void)state;
    if (batch->num_rows() == 0) return Status::OK();
    LD_ASSIGN_OR_RETURN(Selection selection, EvaluatePredicate(*predicate_, *batch));
    if (selection.count == batch->num_rows()) return out.Emit(batch);
    BatchPtr kept = SelectRows(*batch, output_schemas_[0], selection.bitmap->data(), selection.count, read_);
    if (kept == nullptr) return Status::OK();
    return out.Emit(std::move(kept));
  }

 private:
  std::unique_ptr<CompiledExpression> predicate_;
  std::vector<bool> read_;  // empty: every column is read
};

Result<std::unique_ptr<Operator>> BindFilter(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1) return Status::Internal("filter expects exactly one input");
  const SchemaPtr& schema = ctx.input_schemas[0];
  LD_ASSIGN_OR_RETURN(std::string text, RequireString(ctx.cfg(), "expression", ""));
  ExpressionOptions options;
  options.params = ctx.params;
  auto compiled = CompileExpression(text, *schema, options);
  if (!compiled.ok()) return ConfigError("/expression", compiled.status().message());
  if ((*compiled)->type().id != TypeId::kBool && (*compiled)->type().id != TypeId::kNull) {
    return ConfigError("/expression", "the condition must be true or false, but it gives " +
                                          (*compiled)->type().ToString());
  }
  return std::unique_ptr<Operator>(new FilterOperator(schema, std::move(*compiled)));
}

}  // namespace

constexpr const char* kFilterDetails = R"md(The output schema equals the input schema. An expression that is not boolean is a config error (`/expression: the condition must be true or false, but it gives int64`). The node tells the executor which columns it reads (the columns read downstream plus those in the condition), so a CSV or Parquet source upstream decodes only those, and columns nobody reads are not copied. Batches are filtered independently on several threads.

Expressions use the language of `src/expression/expression.h`: `amount > 100 AND status IN ('shipped','paid')`, `lower(trim(email))`, `coalesce(a, 0)`, `CASE WHEN … END`, `cast(x AS decimal(10,2))`, run parameters such as `:start_date`, `"quoted column names"`.)md";

ModuleDescriptor FilterModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "filter", "rows", "filter", "Keeps the rows that match a condition.", "Rows to filter.",
      "Rows for which the condition is true.");
  d.description =
      "Evaluates a boolean expression for every row and passes on the rows where it is true. "
      "Rows where it is false or NULL are dropped.\n\n"
      "Example: `amount > 100 AND status IN ('shipped', 'paid')`.";
  d.config_schema = {
      {"type", "object"},
      {"title", "Filter"},
      {"properties",
       {{"expression",
         {{"type", "string"},
          {"title", "Condition"},
          {"description", "A boolean expression over the input columns; rows where it is true are kept."},
          {"minLength", 1},
          {"format", "expression"},
          {"examples", nlohmann::json::array({"amount > 100 AND status IN ('shipped', 'paid')"})}}}}},
      {"required", nlohmann::json::array({"expression"})},
      {"additionalProperties", false},
  };
  d.factory = BindFilter;
  d.description += "\n\n";
  d.description += kFilterDetails;
  return d;
}

}  // namespace logidata
