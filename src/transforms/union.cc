#include "transforms/union.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "transforms/config_fields.h"
#include "transforms/null_column.h"
#include "transforms/widen_column.h"

namespace logidata {
namespace {

// For one input port: where each output column comes from (-1: all NULL).
struct PortPlan {
  std::vector<int> sources;
};

class UnionOperator final : public Operator {
 public:
  UnionOperator(SchemaPtr schema, std::vector<PortPlan> plans) : plans_(std::move(plans)) {
    output_schemas_.push_back(std::move(schema));
  }

  std::optional<std::vector<int>> InputColumnsNeeded(int port, const std::vector<int>& needed_outputs) const override {
    if (port < 0 || static_cast<size_t>(port) >= plans_.size()) return std::nullopt;
    std::vector<int> inputs;
    for (int o : needed_outputs) {
      const auto& sources = plans_[static_cast<size_t>(port)].sources;
      if (o >= 0 && static_cast<size_t>(o) < sources.size() && sources[static_cast<size_t>(o)] >= 0) {
        inputs.push_back(sources[static_cast<size_t>(o)]);
      }
    }
    std::sort(inputs.begin(), inputs.end());
    return inputs;
  }

  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    (void)state;
    if (port < 0 || static_cast<size_t>(port) >= plans_.size()) {
      return Status::Internal("union got a batch on unknown port " + std::to_string(port));
    }
    const Schema& schema = *output_schemas_[0];
    const PortPlan& plan = plans_[static_cast<size_t>(port)];
    const int64_t rows = batch->num_rows();
    std::vector<ColumnPtr> columns;
    columns.reserve(plan.sources.size());
    for (size_t i = 0; i < plan.sources.size(); ++i) {
      const DataType& type = schema.field(static_cast<int>(i)).type;
      if (plan.sources[i] < 0) {
        columns.push_back(AllNullColumn(type, rows));
      } else {
        LD_ASSIGN_OR_RETURN(ColumnPtr c, WidenColumn(batch->column(plan.sources[i]), type));
        columns.push_back(std::move(c));
      }
    }
    auto result = std::make_shared<Batch>(output_schemas_[0], std::move(columns), rows);
    // Inputs number their batches independently, so the union numbers its own, in arrival order.
    result->set_sequence(next_sequence_.fetch_add(1, std::memory_order_relaxed));
    return out.Emit(std::move(result));
  }

 private:
  std::vector<PortPlan> plans_;
  std::atomic<uint64_t> next_sequence_{0};
};

Status TypeConflict(const std::string& column, size_t input, const DataType& have, const DataType& next) {
  return ConfigError("/mode", "column '" + column + "' of input " + std::to_string(input) + " has type " +
                                  next.ToString() + ", which does not combine with " + have.ToString() +
                                  " from the earlier inputs; cast it first (select with 'type')");
}

Result<std::unique_ptr<Operator>> BindUnion(const BindContext& ctx) {
  if (ctx.input_schemas.empty()) return Status::InvalidArgument("union needs at least one input");
  LD_ASSIGN_OR_RETURN(std::string mode, OptionalString(ctx.cfg(), "mode", "", "by_name"));
  LD_RETURN_IF_ERROR(RequireOneOf(mode, {"by_name", "by_position"}, "/mode"));

  std::vector<Field> fields;
  std::vector<PortPlan> plans(ctx.input_schemas.size());
  if (mode == "by_position") {
    const Schema& first = *ctx.input_schemas[0];
    fields = first.fields();
    for (size_t p = 0; p < ctx.input_schemas.size(); ++p) {
      const Schema& s = *ctx.input_schemas[p];
      if (s.num_fields() != first.num_fields()) {
        return ConfigError("/mode", "input " + std::to_string(p) + " has " + std::to_string(s.num_fields()) +
                                        " columns but input 0 has " + std::to_string(first.num_fields()) +
                                        "; by position, every input needs the same number of columns");
      }
      for (int i = 0; i < s.num_fields(); ++i) {
        Field& f = fields[static_cast<size_t>(i)];
        auto common = CommonSuperType(f.type, s.field(i).type);
        if (!common.ok()) return TypeConflict(f.name, p, f.type, s.field(i).type);
        f.type = *common;
        f.nullable = f.nullable || s.field(i).nullable;
        plans[p].sources.push_back(i);
      }
    }
  } else {
    std::map<std::string, size_t> position;  // output column by name
    std::vector<size_t> present_in(0);       // how many inputs have each output column
    for (size_t p = 0; p < ctx.input_schemas.size(); ++p) {
      for (const Field& in : ctx.input_schemas[p]->fields()) {
        auto [it, inserted] = position.emplace(in.name, fields.size());
        if (inserted) {
          fields.push_back(in);
          present_in.push_back(0);
        } else {
          Field& f = fields[it->second];
          auto common = CommonSuperType(f.type, in.type);
          if (!common.ok()) return TypeConflict(f.name, p, f.type, in.type);
          f.type = *common;
          f.nullable = f.nullable || in.nullable;
        }
        ++present_in[it->second];
      }
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (present_in[i] < ctx.input_schemas.size()) fields[i].nullable = true;
    }
    for (size_t p = 0; p < ctx.input_schemas.size(); ++p) {
      for (const Field& f : fields) plans[p].sources.push_back(ctx.input_schemas[p]->FieldIndex(f.name));
    }
  }
  return std::unique_ptr<Operator>(new UnionOperator(MakeSchema(std::move(fields)), std::move(plans)));
}

}  // namespace

constexpr const char* kUnionDetails = R"md(All common-type rules: int32 + int64 → int64, integers + float64 → float64, integers + decimal → decimal, decimal(p1,s1) + decimal(p2,s2) → a decimal holding both, date + timestamp → timestamp, string + binary → binary, a NULL-typed column → the other type. Columns whose types do not combine are an error at `/mode` naming the column and the input. Output batches are numbered in arrival order.)md";

ModuleDescriptor UnionModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kTransform;
  d.name = "union";
  d.summary = "Appends the rows of several inputs into one stream.";
  d.description =
      "Connect any number of inputs. By name (default), the output has every column that appears "
      "in any input, in order of first appearance; inputs without a column get NULL there. By "
      "position, the inputs must have the same number of columns and the names of the first input "
      "are used. Types are widened to a common type (int32 + int64 → int64, int + float64 → "
      "float64, date + timestamp → timestamp); columns whose types do not combine (string and "
      "int64) are an error. Duplicates are kept (UNION ALL); rows of different inputs interleave.";
  d.category = "combine";
  d.icon = "call_merge";
  d.inputs = {{"in", "Rows to append; connect as many inputs as needed.", true}};
  d.outputs = {{"out", "The rows of all inputs."}};
  d.config_schema = {
      {"type", "object"},
      {"title", "Union"},
      {"properties",
       {{"mode",
         {{"type", "string"},
          {"title", "Match columns"},
          {"description", "by_name: match columns by name, filling missing ones with NULL; by_position: by order."},
          {"enum", nlohmann::json::array({"by_name", "by_position"})},
          {"default", "by_name"}}}}},
      {"additionalProperties", false},
  };
  d.factory = BindUnion;
  d.description += "\n\n";
  d.description += kUnionDetails;
  return d;
}

}  // namespace logidata
