#include "transforms/select.h"

#include <set>

#include "expression/expression.h"
#include "transforms/config_fields.h"
#include "transforms/null_column.h"
#include "transforms/row_selection.h"
#include "transforms/transform_descriptor.h"

namespace logidata {
namespace {

// One output column: an input column as is, or cast through a compiled CAST expression.
struct OutputColumn {
  int source = -1;
  std::unique_ptr<CompiledExpression> cast;  // null: no cast
};

class SelectOperator final : public Operator {
 public:
  SelectOperator(SchemaPtr schema, std::vector<OutputColumn> columns) : columns_(std::move(columns)) {
    output_schemas_.push_back(std::move(schema));
  }

  std::optional<std::vector<int>> InputColumnsNeeded(int port, const std::vector<int>& needed_outputs) const override {
    (void)port;
    std::vector<int> inputs;
    for (int o : needed_outputs) {
      if (o >= 0 && static_cast<size_t>(o) < columns_.size()) inputs.push_back(columns_[static_cast<size_t>(o)].source);
    }
    return MergeColumns(std::move(inputs), {});
  }
  // Unread cast columns are not computed.
  void SetRequiredColumns(const std::vector<int>& columns) override {
    read_ = ColumnMask(output_schemas_[0]->num_fields(), columns);
  }

  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    (void)port;
    (void)state;
    std::vector<ColumnPtr> columns;
    columns.reserve(columns_.size());
    for (size_t i = 0; i < columns_.size(); ++i) {
      const OutputColumn& c = columns_[i];
      if (c.cast != nullptr && !read_.empty() && !read_[i]) {
        columns.push_back(AllNullColumn(c.cast->type(), batch->num_rows()));
      } else if (c.cast == nullptr) {
        columns.push_back(batch->column(c.source));
      } else {
        LD_ASSIGN_OR_RETURN(ColumnPtr cast, c.cast->Evaluate(*batch));
        columns.push_back(std::move(cast));
      }
    }
    return out.Emit(Batch::Make(output_schemas_[0], std::move(columns), batch->num_rows()));
  }

 private:
  std::vector<OutputColumn> columns_;
  std::vector<bool> read_;  // empty: every column is read
};

Result<std::unique_ptr<Operator>> BindSelect(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1) return Status::Internal("select expects exactly one input");
  const Schema& in = *ctx.input_schemas[0];
  const nlohmann::json& cfg = ctx.cfg();
  const nlohmann::json* columns = FindMember(cfg, "columns");
  const nlohmann::json* exclude = FindMember(cfg, "exclude");
  if (columns != nullptr && exclude != nullptr) {
    return ConfigError("/exclude", "give either 'columns' (to keep) or 'exclude' (to drop), not both");
  }
  if (columns == nullptr && exclude == nullptr) {
    return ConfigError("/columns", "is required: list the columns to keep (or use 'exclude')");
  }

  std::vector<Field> fields;
  std::vector<OutputColumn> outputs;
  if (exclude != nullptr) {
    LD_ASSIGN_OR_RETURN(std::vector<std::string> names, OptionalStringArray(cfg, "exclude", ""));
    LD_ASSIGN_OR_RETURN(std::vector<int> dropped, ResolveColumns(in, names, "/exclude"));
    std::set<int> drop(dropped.begin(), dropped.end());
    for (int i = 0; i < in.num_fields(); ++i) {
      if (drop.count(i) != 0) continue;
      fields.push_back(in.field(i));
      outputs.push_back(OutputColumn{i, nullptr});
    }
  } else {
    if (!columns->is_array()) return ConfigError("/columns", "must be an array of {name, as?, type?}");
    if (columns->empty()) return ConfigError("/columns", "must list at least one column");
    std::set<std::string> seen;
    ExpressionOptions options;
    options.params = ctx.params;
    for (size_t i = 0; i < columns->size(); ++i) {
      const std::string here = JsonPointer("/columns", i);
      const nlohmann::json& item = (*columns)[i];
      if (!item.is_object()) return ConfigError(here, "must be an object {name, as?, type?}");
      LD_ASSIGN_OR_RETURN(std::string name, RequireString(item, "name", here));
      LD_ASSIGN_OR_RETURN(int source, ResolveColumn(in, name, JsonPointer(here, "name")));
      LD_ASSIGN_OR_RETURN(std::string as, OptionalString(item, "as", here, ""));
      LD_ASSIGN_OR_RETURN(std::string type_text, OptionalString(item, "type", here, ""));
      Field field = in.field(source);
      if (!as.empty()) field.name = as;
      if (!seen.insert(field.name).second) {
        return ConfigError(JsonPointer(here, as.empty() ? "name" : "as"),
                           "output column '" + field.name + "' appears twice; rename one with 'as'");
      }
      OutputColumn out{source, nullptr};
      if (!type_text.empty()) {
        auto type = DataType::Parse(type_text);
        if (!type.ok()) return ConfigError(JsonPointer(here, "type"), type.status().message());
        if (*type != field.type) {
          std::string text = "CAST(" + QuoteIdentifier(name) + " AS " + type->ToString() + ")";
          auto cast = CompileExpression(text, in, options);
          if (!cast.ok()) {
            // The compiler's message points into text we generated; name the column instead.
            return ConfigError(JsonPointer(here, "type"), "cannot cast column '" + name + "' from " +
                                                              field.type.ToString() + " to " + type->ToString());
          }
          field.type = (*cast)->type();
          field.nullable = true;
          out.cast = std::move(*cast);
        }
      }
      fields.push_back(std::move(field));
      outputs.push_back(std::move(out));
    }
  }
  return std::unique_ptr<Operator>(new SelectOperator(MakeSchema(std::move(fields)), std::move(outputs)));
}

}  // namespace

constexpr const char* kSelectDetails = R"md(Types for `type`: `bool`, `int32`, `int64`, `float64`, `decimal(p,s)`, `string`, `binary`, `date`, `timestamp`, `timestamp(ZONE)`; aliases such as `bigint`, `double`, `text` work. Output names must be unique. Casts nobody downstream reads are skipped. A misspelt column is an error at its place: `/columns/2/name: column 'nmae' does not exist (did you mean 'name'?); available: id, name, price`.

```json
{"columns": [{"name": "order_id"}, {"name": "cust", "as": "customer_id"}, {"name": "amount", "type": "decimal(12,2)"}]}
```
```json
{"exclude": ["internal_note", "debug"]}
```)md";

ModuleDescriptor SelectModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "select", "columns", "view_column", "Picks, renames, reorders, casts or drops columns.",
      "Rows whose columns to pick.", "The same rows with the chosen columns.");
  d.description =
      "Either list the columns to keep, in output order, each optionally renamed (`as`) and cast "
      "(`type`, with the same rules as the expression language's `CAST`), or list the columns to "
      "drop with `exclude` and keep the rest in their order.\n\n"
      "A cast that fails on a value (for example `'abc'` to `int64`) fails the run naming the row.";
  nlohmann::json column = {
      {"type", "object"},
      {"title", "Column"},
      {"properties",
       {{"name", {{"type", "string"}, {"title", "Column"}, {"description", "Input column to keep."}, {"minLength", 1},
                  {"format", "column"}}},
        {"as", {{"type", "string"}, {"title", "Rename to"}, {"description", "Output name; default: the same name."}}},
        {"type",
         {{"type", "string"},
          {"title", "Cast to"},
          {"description",
           "Output type: bool, int32, int64, float64, decimal(p,s), string, binary, date, timestamp, "
           "timestamp(ZONE). Default: unchanged."},
          {"examples", nlohmann::json::array({"int64", "decimal(18,2)", "date"})}}}}},
      {"required", nlohmann::json::array({"name"})},
      {"additionalProperties", false},
  };
  d.config_schema = {
      {"type", "object"},
      {"title", "Select columns"},
      {"properties",
       {{"columns",
         {{"type", "array"},
          {"title", "Columns to keep"},
          {"description", "Output columns in order. Leave empty and use 'Columns to drop' instead to drop a few."},
          {"items", column},
          {"minItems", 1}}},
        {"exclude",
         {{"type", "array"},
          {"title", "Columns to drop"},
          {"description", "Columns to remove; all others are kept in their order. Not together with 'columns'."},
          {"items", {{"type", "string"}, {"minLength", 1}, {"format", "column"}}}}}}},
      {"oneOf", nlohmann::json::array({nlohmann::json{{"required", nlohmann::json::array({"columns"})}},
                                       nlohmann::json{{"required", nlohmann::json::array({"exclude"})}}})},
      {"additionalProperties", false},
  };
  d.factory = BindSelect;
  d.description += "\n\n";
  d.description += kSelectDetails;
  return d;
}

}  // namespace logidata
