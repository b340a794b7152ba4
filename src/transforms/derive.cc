#include "transforms/derive.h"

#include <set>

#include "expression/expression.h"
#include "transforms/config_fields.h"
#include "transforms/null_column.h"
#include "transforms/transform_descriptor.h"

namespace logidata {
namespace {

// One computed column: compiled against `input_schema` (the input plus earlier computed
// columns); its result goes to `target` (an existing index, or the end).
struct DerivedColumn {
  SchemaPtr input_schema;
  std::unique_ptr<CompiledExpression> expression;
  int target = 0;
  bool append = false;
};

class DeriveOperator final : public Operator {
 public:
  DeriveOperator(SchemaPtr schema, std::vector<DerivedColumn> steps) : steps_(std::move(steps)) {
    output_schemas_.push_back(std::move(schema));
  }

  std::optional<std::vector<int>> InputColumnsNeeded(int port, const std::vector<int>& needed_outputs) const override {
    (void)port;
    std::vector<bool> live;
    std::vector<int> needed = Liveness(needed_outputs, &live);
    const int width = steps_.front().input_schema->num_fields();
    std::vector<int> inputs;
    for (int c : needed) {
      if (c < width) inputs.push_back(c);
    }
    return inputs;
  }
  // Computed columns nobody reads (directly or through a later column) are not evaluated.
  void SetRequiredColumns(const std::vector<int>& columns) override { (void)Liveness(columns, &live_); }

  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    (void)port;
    (void)state;
    const int64_t rows = batch->num_rows();
    std::vector<ColumnPtr> columns = batch->columns();
    for (size_t k = 0; k < steps_.size(); ++k) {
      const DerivedColumn& step = steps_[k];
      ColumnPtr result;
      if (!live_.empty() && !live_[k]) {
        result = AllNullColumn(step.expression->type(), rows);
      } else if (k == 0) {
        LD_ASSIGN_OR_RETURN(result, step.expression->Evaluate(*batch));
      } else {
        Batch current(step.input_schema, columns, rows);
        LD_ASSIGN_OR_RETURN(result, step.expression->Evaluate(current));
      }
      if (step.append) {
        columns.push_back(std::move(result));
      } else {
        columns[static_cast<size_t>(step.target)] = std::move(result);
      }
    }
    return out.Emit(Batch::Make(output_schemas_[0], std::move(columns), rows));
  }

 private:
  // Walks the steps backwards from the columns read downstream (indices into the output schema).
  // Returns the columns needed before the first step; `live` gets which steps must run.
  std::vector<int> Liveness(const std::vector<int>& needed_outputs, std::vector<bool>* live) const {
    std::set<int> needed(needed_outputs.begin(), needed_outputs.end());
    live->assign(steps_.size(), false);
    for (size_t k = steps_.size(); k-- > 0;) {
      const DerivedColumn& step = steps_[k];
      const int target = step.append ? step.input_schema->num_fields() : step.target;
      if (needed.erase(target) == 0) continue;
      (*live)[k] = true;
      for (int c : step.expression->ReferencedColumns()) needed.insert(c);
    }
    return std::vector<int>(needed.begin(), needed.end());
  }

  std::vector<DerivedColumn> steps_;
  std::vector<bool> live_;  // empty: every step runs
};

Result<std::unique_ptr<Operator>> BindDerive(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1) return Status::Internal("derive expects exactly one input");
  const nlohmann::json* columns = FindMember(ctx.cfg(), "columns");
  if (columns == nullptr) return ConfigError("/columns", "is required: list the columns to compute");
  if (!columns->is_array()) return ConfigError("/columns", "must be an array of {name, expression}");
  if (columns->empty()) return ConfigError("/columns", "must list at least one column");

  ExpressionOptions options;
  options.params = ctx.params;
  std::vector<DerivedColumn> steps;
  SchemaPtr schema = ctx.input_schemas[0];
  for (size_t i = 0; i < columns->size(); ++i) {
    const std::string here = JsonPointer("/columns", i);
    const nlohmann::json& item = (*columns)[i];
    if (!item.is_object()) return ConfigError(here, "must be an object {name, expression}");
    LD_ASSIGN_OR_RETURN(std::string name, RequireString(item, "name", here));
    LD_ASSIGN_OR_RETURN(std::string text, RequireString(item, "expression", here));
    auto compiled = CompileExpression(text, *schema, options);
    if (!compiled.ok()) return ConfigError(JsonPointer(here, "expression"), compiled.status().message());
    DerivedColumn step;
    step.input_schema = schema;
    step.target = schema->FieldIndex(name);
    step.append = step.target < 0;
    std::vector<Field> fields = schema->fields();
    Field field{name, (*compiled)->type(), true};
    if (step.append) {
      fields.push_back(std::move(field));
    } else {
      fields[static_cast<size_t>(step.target)] = std::move(field);
    }
    step.expression = std::move(*compiled);
    steps.push_back(std::move(step));
    schema = MakeSchema(std::move(fields));
  }
  return std::unique_ptr<Operator>(new DeriveOperator(std::move(schema), std::move(steps)));
}

}  // namespace

constexpr const char* kDeriveDetails = R"md(Referring to a column defined further down is an error at that expression (`/columns/0/expression: … unknown column 'net'`). Computed columns nobody downstream reads are skipped (they come out NULL). Expressions use the same language as [transform.filter](transform.filter.md).

```json
{"columns": [
  {"name": "email", "expression": "lower(trim(email))"},
  {"name": "net", "expression": "amount / 1.2"},
  {"name": "band", "expression": "CASE WHEN net > 100 THEN 'high' ELSE 'low' END"}
]}
```)md";

ModuleDescriptor DeriveModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "derive", "columns", "functions", "Adds columns computed from expressions.", "Rows to extend.",
      "The rows with the computed columns.");
  d.description =
      "Computes each listed column from an expression, in order: a later expression may use a "
      "column computed before it. A column whose name already exists is replaced in place (its "
      "type may change); new columns are appended at the end.\n\n"
      "Example: `{\"name\": \"email\", \"expression\": \"lower(trim(email))\"}`.";
  nlohmann::json column = {
      {"type", "object"},
      {"title", "Computed column"},
      {"properties",
       {{"name",
         {{"type", "string"},
          {"title", "Column name"},
          {"description", "Name of the new column; an existing name is replaced."},
          {"minLength", 1}}},
        {"expression",
         {{"type", "string"},
          {"title", "Expression"},
          {"description", "Expression over the input columns and the columns computed above it."},
          {"minLength", 1},
          {"format", "expression"},
          {"examples", nlohmann::json::array({"amount * 1.2", "concat(first_name, ' ', last_name)"})}}}}},
      {"required", nlohmann::json::array({"name", "expression"})},
      {"additionalProperties", false},
  };
  d.config_schema = {
      {"type", "object"},
      {"title", "Derive columns"},
      {"properties",
       {{"columns",
         {{"type", "array"},
          {"title", "Computed columns"},
          {"description", "Evaluated top to bottom."},
          {"items", column},
          {"minItems", 1}}}}},
      {"required", nlohmann::json::array({"columns"})},
      {"additionalProperties", false},
  };
  d.factory = BindDerive;
  d.description += "\n\n";
  d.description += kDeriveDetails;
  return d;
}

}  // namespace logidata
