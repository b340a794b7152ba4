#include "transforms/validation_rules.h"

#include <set>

#include "module/module_descriptor.h"
#include "transforms/config_fields.h"

namespace logidata {

Result<ValidationRules> ValidationRules::Bind(const nlohmann::json* rules, const Schema& schema,
                                              const ExpressionOptions& options, const std::string& pointer) {
  ValidationRules out;
  if (rules == nullptr) return out;
  if (!rules->is_array()) return ConfigError(pointer, "must be an array of {name, expression}");
  std::set<std::string> names;
  for (size_t i = 0; i < rules->size(); ++i) {
    const std::string here = JsonPointer(pointer, i);
    const nlohmann::json& item = (*rules)[i];
    if (!item.is_object()) return ConfigError(here, "must be an object {name, expression}");
    Rule rule;
    LD_ASSIGN_OR_RETURN(rule.name, RequireString(item, "name", here));
    if (!names.insert(rule.name).second) {
      return ConfigError(JsonPointer(here, "name"), "rule name '" + rule.name + "' is used twice");
    }
    LD_ASSIGN_OR_RETURN(rule.text, RequireString(item, "expression", here));
    LD_ASSIGN_OR_RETURN(rule.message, OptionalString(item, "message", here, ""));
    LD_ASSIGN_OR_RETURN(std::string action, OptionalString(item, "action", here, "reject"));
    LD_RETURN_IF_ERROR(RequireOneOf(action, {"reject", "fail"}, JsonPointer(here, "action")));
    rule.fail_run = action == "fail";
    auto compiled = CompileExpression(rule.text, schema, options);
    if (!compiled.ok()) return ConfigError(JsonPointer(here, "expression"), compiled.status().message());
    const TypeId type = (*compiled)->type().id;
    if (type != TypeId::kBool && type != TypeId::kNull) {
      return ConfigError(JsonPointer(here, "expression"),
                         "a rule must be true or false, but it gives " + (*compiled)->type().ToString());
    }
    rule.expression = std::move(*compiled);
    out.rules_.push_back(std::move(rule));
  }
  return out;
}

std::vector<int> ValidationRules::ReferencedColumns() const {
  std::set<int> columns;
  for (const Rule& rule : rules_) {
    for (int c : rule.expression->ReferencedColumns()) columns.insert(c);
  }
  return std::vector<int>(columns.begin(), columns.end());
}

Status ValidationRules::Check(const Batch& batch, const uint8_t* alive, RejectedRows& rejects) const {
  const int64_t rows = batch.num_rows();
  for (const Rule& rule : rules_) {
    LD_ASSIGN_OR_RETURN(ColumnPtr result, rule.expression->Evaluate(batch));
    const Column& c = *result;
    const bool is_bool = c.type().id == TypeId::kBool;
    // Fast path: every row true.
    if (is_bool && c.null_count() == 0) {
      const int64_t set = CountSetBits(c.values_buffer()->data(), rows);
      if (set == rows) continue;
    }
    for (int64_t i = 0; i < rows; ++i) {
      const bool valid = is_bool && c.IsValid(i);
      if (valid && c.GetBool(i)) continue;
      if (!GetBit(alive, i) || rejects.IsRejected(i)) continue;
      std::string reason = !rule.message.empty() ? rule.message
                                                 : "'" + rule.text + "' is " + (valid ? "false" : "NULL");
      if (rule.fail_run) {
        return Status::DataError("validation rule '" + rule.name + "' failed at row " + std::to_string(i) +
                                 " of batch " + std::to_string(batch.sequence()) + ": " + reason);
      }
      rejects.Reject(i, rule.name, std::move(reason));
    }
  }
  return Status::OK();
}

}  // namespace logidata
