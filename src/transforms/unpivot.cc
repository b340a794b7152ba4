#include "transforms/unpivot.h"

#include <set>

#include <re2/re2.h>

#include "transforms/blocking_config.h"
#include "transforms/transform_descriptor.h"
#include "transforms/widen_column.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

using blocking::Pointer;

class UnpivotOperator final : public Operator {
 public:
  UnpivotOperator(std::vector<int> kept, std::vector<int> unpivoted, std::vector<std::string> names, DataType value_type,
                  bool include_nulls, SchemaPtr output)
      : kept_(std::move(kept)),
        unpivoted_(std::move(unpivoted)),
        names_(std::move(names)),
        value_type_(std::move(value_type)),
        include_nulls_(include_nulls) {
    output_schemas_ = {std::move(output)};
  }

  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter& out) override {
    const int64_t n = batch->num_rows();
    const int64_t k = static_cast<int64_t>(unpivoted_.size());
    if (n == 0) return Status::OK();
    if (n * k >= (int64_t{1} << 31)) return Status::Internal("unpivot: batch too large");
    // The chosen columns widened to the value type and laid end to end: cell (row r, column c)
    // is row c * n + r.
    std::vector<ColumnPtr> widened;
    for (int c : unpivoted_) {
      LD_ASSIGN_OR_RETURN(ColumnPtr w, WidenColumn(batch->column(c), value_type_));
      widened.push_back(std::move(w));
    }
    ColumnPtr cells = ConcatColumns(widened);
    std::vector<int32_t> row_of, cell_of;
    row_of.reserve(static_cast<size_t>(n * k));
    cell_of.reserve(static_cast<size_t>(n * k));
    ColumnBuilder name_builder(DataType::String(), n * k);
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t c = 0; c < k; ++c) {
        const int64_t cell = c * n + r;
        if (!include_nulls_ && cells->IsNull(cell)) continue;
        row_of.push_back(static_cast<int32_t>(r));
        cell_of.push_back(static_cast<int32_t>(cell));
        name_builder.AppendString(names_[static_cast<size_t>(c)]);
      }
    }
    const int64_t rows = static_cast<int64_t>(row_of.size());
    if (rows == 0) return Status::OK();
    std::vector<ColumnPtr> columns;
    for (int c : kept_) columns.push_back(TakeColumn(*batch->column(c), row_of));
    columns.push_back(name_builder.Finish());
    columns.push_back(TakeColumn(*cells, cell_of));
    return out.Emit(Batch::Make(output_schemas_[0], std::move(columns), rows));
  }

 private:
  std::vector<int> kept_, unpivoted_;
  std::vector<std::string> names_;
  DataType value_type_;
  bool include_nulls_;
};

Result<std::unique_ptr<Operator>> BindUnpivot(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::InvalidArgument("unpivot needs exactly one input");
  }
  const nlohmann::json& cfg = ctx.cfg();
  const Schema& in = *ctx.input_schemas[0];
  LD_ASSIGN_OR_RETURN(std::vector<int> listed, blocking::ColumnList(cfg, "columns", in));
  LD_ASSIGN_OR_RETURN(std::string pattern, blocking::StringMember(cfg, "pattern", "", ""));
  std::vector<int> unpivoted;
  std::string chosen_at;  // where the choice was made, for errors about the chosen columns
  if (!listed.empty() && !pattern.empty()) return ConfigError("/pattern", "give either `columns` or `pattern`, not both");
  if (!listed.empty()) {
    unpivoted = listed;
    chosen_at = "/columns";
  } else if (!pattern.empty()) {
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(pattern, options);
    if (!re.ok()) return ConfigError("/pattern", "is not a valid regular expression: " + re.error());
    for (int c = 0; c < in.num_fields(); ++c) {
      if (RE2::FullMatch(in.field(c).name, re)) unpivoted.push_back(c);
    }
    if (unpivoted.empty()) return ConfigError("/pattern", "matches no column name (it must match the whole name)");
    chosen_at = "/pattern";
  } else {
    return ConfigError("/columns", "list the columns to turn into rows, or give a `pattern`");
  }
  LD_ASSIGN_OR_RETURN(std::string name_column, blocking::StringMember(cfg, "name_column", "", "name"));
  LD_ASSIGN_OR_RETURN(std::string value_column, blocking::StringMember(cfg, "value_column", "", "value"));
  if (name_column.empty()) return ConfigError("/name_column", "must not be empty");
  if (value_column.empty()) return ConfigError("/value_column", "must not be empty");
  if (name_column == value_column) return ConfigError("/value_column", "must differ from name_column");
  bool include_nulls = false;
  if (cfg.contains("include_nulls") && !cfg["include_nulls"].is_null()) {
    if (!cfg["include_nulls"].is_boolean()) return ConfigError("/include_nulls", "must be true or false");
    include_nulls = cfg["include_nulls"].get<bool>();
  }

  // The value type: the narrowest type every chosen column widens to.
  DataType value_type = in.field(unpivoted[0]).type;
  for (size_t i = 1; i < unpivoted.size(); ++i) {
    const Field& f = in.field(unpivoted[i]);
    auto common = CommonSuperType(value_type, f.type);
    if (!common.ok()) {
      std::string offenders;
      for (size_t j = 0; j < i; ++j) {
        const Field& g = in.field(unpivoted[j]);
        if (!CommonSuperType(g.type, f.type).ok()) {
          offenders = "'" + g.name + "' (" + g.type.ToString() + ") and '" + f.name + "' (" + f.type.ToString() + ")";
          break;
        }
      }
      if (offenders.empty()) offenders = "'" + f.name + "' (" + f.type.ToString() + ") and the columns before it";
      return ConfigError(chosen_at, "columns " + offenders +
                                        " have no common type for one value column; cast them first (select `type`)");
    }
    value_type = *common;
  }

  std::set<int> chosen(unpivoted.begin(), unpivoted.end());
  std::vector<int> kept;
  std::vector<Field> fields;
  for (int c = 0; c < in.num_fields(); ++c) {
    if (chosen.count(c) != 0) continue;
    kept.push_back(c);
    fields.push_back(in.field(c));
    if (fields.back().name == name_column) {
      return ConfigError("/name_column", "'" + name_column + "' is a kept input column; choose another name");
    }
    if (fields.back().name == value_column) {
      return ConfigError("/value_column", "'" + value_column + "' is a kept input column; choose another name");
    }
  }
  fields.push_back({name_column, DataType::String(), false});
  fields.push_back({value_column, value_type, true});
  std::vector<std::string> names;
  for (int c : unpivoted) names.push_back(in.field(c).name);
  return std::unique_ptr<Operator>(std::make_unique<UnpivotOperator>(
      std::move(kept), std::move(unpivoted), std::move(names), std::move(value_type), include_nulls,
      MakeSchema(std::move(fields))));
}

}  // namespace

ModuleDescriptor UnpivotModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "unpivot", "columns", "table_rows", "Turns columns into rows of name and value.", "Rows in wide form.",
      "One row per input row and chosen column.");
  d.description =
      "Wide to long, like SQL `UNPIVOT`: each input row becomes one row per chosen column, with "
      "the other columns kept as they are, `name_column` holding the chosen column's name and "
      "`value_column` its value. Choose the columns by listing them (`columns`) or with `pattern`, "
      "an RE2 regular expression that must match the whole column name (`q[1-4]_sales`).\n\n"
      "The value column has the narrowest type every chosen column converts to without loss "
      "(int32 + int64 → int64, integers + float64 → float64, date + timestamp → timestamp); "
      "columns with no such type (a string and a number) are a config error naming them — cast "
      "them first with select. Rows whose value is null are left out unless `include_nulls`.";
  d.config_schema = {
      {"type", "object"},
      {"title", "Unpivot"},
      {"additionalProperties", false},
      {"properties",
       {{"columns",
         {{"type", "array"},
          {"title", "Columns"},
          {"description", "The columns to turn into rows. Or leave empty and give a pattern."},
          {"items", {{"type", "string"}, {"title", "Column"}, {"format", "column"}}}}},
        {"pattern",
         {{"type", "string"},
          {"title", "Column pattern"},
          {"description", "RE2 regular expression matched against whole column names, instead of a list."},
          {"examples", {"q[1-4]_sales", "price_.*"}}}},
        {"name_column", {{"type", "string"}, {"title", "Name column"}, {"default", "name"}}},
        {"value_column", {{"type", "string"}, {"title", "Value column"}, {"default", "value"}}},
        {"include_nulls",
         {{"type", "boolean"}, {"title", "Keep null values"}, {"default", false},
          {"description", "Also output rows whose value is null (SQL: INCLUDE NULLS)."}}}}},
  };
  d.factory = BindUnpivot;
  return d;
}

}  // namespace logidata
