#include "transforms/cleaner_plan.h"

#include "module/module_descriptor.h"
#include "transforms/config_fields.h"

namespace logidata {
namespace {

Result<std::optional<CleanerDedupe>> BindDedupe(const nlohmann::json& cfg, const Schema& cleaned) {
  const nlohmann::json* dedupe = FindMember(cfg, "dedupe");
  if (dedupe == nullptr) return std::optional<CleanerDedupe>();
  if (!dedupe->is_object()) return ConfigError("/dedupe", "must be an object {keys, keep}");
  CleanerDedupe step;
  LD_ASSIGN_OR_RETURN(std::vector<std::string> keys, OptionalStringArray(*dedupe, "keys", "/dedupe"));
  LD_ASSIGN_OR_RETURN(step.keys, ResolveColumns(cleaned, keys, "/dedupe/keys"));
  LD_ASSIGN_OR_RETURN(std::string keep, OptionalString(*dedupe, "keep", "/dedupe", "first"));
  LD_RETURN_IF_ERROR(RequireOneOf(keep, {"first", "last"}, "/dedupe/keep"));
  step.keep = keep == "first" ? DedupeKeep::kFirst : DedupeKeep::kLast;
  return std::optional<CleanerDedupe>(std::move(step));
}

// Binds one entry of "operations"; may append flag fields to `fields`.
Status BindStep(const nlohmann::json& item, const std::string& here, const Schema& input, std::vector<Field>& fields,
                std::vector<CleanerStep>& steps) {
  if (!item.is_object()) return ConfigError(here, "must be an object with an 'op'");
  LD_ASSIGN_OR_RETURN(std::string op, RequireString(item, "op", here));
  LD_RETURN_IF_ERROR(
      RequireOneOf(op, {"trim", "case", "fill_nulls", "drop_nulls", "email", "phone"}, JsonPointer(here, "op")));
  CleanerStep step;
  const std::string columns_ptr = JsonPointer(here, "columns");
  auto string_columns = [&](bool all_when_empty) -> Status {
    LD_ASSIGN_OR_RETURN(std::vector<std::string> names, OptionalStringArray(item, "columns", here));
    if (names.empty()) {
      if (!all_when_empty) return ConfigError(columns_ptr, "list at least one column");
      for (int i = 0; i < input.num_fields(); ++i) {
        if (input.field(i).type.id == TypeId::kString) step.columns.push_back(i);
      }
      return Status::OK();
    }
    LD_ASSIGN_OR_RETURN(step.columns, ResolveColumns(input, names, columns_ptr));
    for (size_t k = 0; k < step.columns.size(); ++k) {
      const Field& f = input.field(step.columns[k]);
      if (f.type.id != TypeId::kString) {
        return ConfigError(JsonPointer(columns_ptr, k), "column '" + f.name + "' is " + f.type.ToString() +
                                                            "; '" + op + "' applies to string columns only");
      }
    }
    return Status::OK();
  };

  if (op == "trim") {
    step.kind = CleanerStepKind::kTrim;
    LD_RETURN_IF_ERROR(string_columns(true));
  } else if (op == "case") {
    step.kind = CleanerStepKind::kCase;
    LD_ASSIGN_OR_RETURN(std::string mode, OptionalString(item, "mode", here, "lower"));
    LD_RETURN_IF_ERROR(RequireOneOf(mode, {"lower", "upper", "title"}, JsonPointer(here, "mode")));
    step.text_case = mode == "lower" ? TextCase::kLower : mode == "upper" ? TextCase::kUpper : TextCase::kTitle;
    LD_RETURN_IF_ERROR(string_columns(true));
  } else if (op == "fill_nulls") {
    step.kind = CleanerStepKind::kFillNulls;
    const nlohmann::json* values = FindMember(item, "values");
    const std::string values_ptr = JsonPointer(here, "values");
    if (values == nullptr || !values->is_object() || values->empty()) {
      return ConfigError(values_ptr, "must be an object mapping column names to fill values");
    }
    for (const auto& [name, value] : values->items()) {
      const std::string ptr = JsonPointer(values_ptr, name);
      LD_ASSIGN_OR_RETURN(int c, ResolveColumn(input, name, ptr));
      LD_ASSIGN_OR_RETURN(NullFiller filler, NullFiller::Make(value, input.field(c).type, ptr));
      step.columns.push_back(c);
      step.fillers.push_back(std::move(filler));
    }
  } else if (op == "drop_nulls") {
    step.kind = CleanerStepKind::kDropNulls;
    LD_ASSIGN_OR_RETURN(std::vector<std::string> names, OptionalStringArray(item, "columns", here));
    if (names.empty()) {
      for (int i = 0; i < input.num_fields(); ++i) step.columns.push_back(i);
    } else {
      LD_ASSIGN_OR_RETURN(step.columns, ResolveColumns(input, names, columns_ptr));
    }
  } else {
    step.kind = op == "email" ? CleanerStepKind::kEmail : CleanerStepKind::kPhone;
    LD_RETURN_IF_ERROR(string_columns(false));
    LD_ASSIGN_OR_RETURN(std::string invalid, OptionalString(item, "invalid", here, "flag"));
    LD_RETURN_IF_ERROR(RequireOneOf(invalid, {"flag", "keep", "null", "reject"}, JsonPointer(here, "invalid")));
    step.invalid = invalid == "flag"   ? InvalidPolicy::kFlag
                   : invalid == "keep" ? InvalidPolicy::kKeep
                   : invalid == "null" ? InvalidPolicy::kNull
                                       : InvalidPolicy::kReject;
    if (step.kind == CleanerStepKind::kPhone) {
      LD_ASSIGN_OR_RETURN(step.country_code, OptionalString(item, "country_code", here, "1"));
      std::string& cc = step.country_code;
      if (!cc.empty() && cc.front() == '+') cc.erase(0, 1);
      if (cc.empty() || cc.size() > 3 || cc.find_first_not_of("0123456789") != std::string::npos || cc[0] == '0') {
        return ConfigError(JsonPointer(here, "country_code"),
                           "must be a country calling code of 1 to 3 digits, like \"1\" or \"44\"");
      }
    }
    if (step.invalid == InvalidPolicy::kFlag) {
      for (size_t k = 0; k < step.columns.size(); ++k) {
        std::string flag = input.field(step.columns[k]).name + "_valid";
        for (const Field& f : fields) {
          if (f.name == flag) {
            return ConfigError(JsonPointer(columns_ptr, k),
                               "the flag column '" + flag + "' already exists; use 'invalid': 'null', 'keep' or 'reject'");
          }
        }
        fields.push_back(Field{flag, DataType::Bool(), true});
      }
    }
  }
  steps.push_back(std::move(step));
  return Status::OK();
}

}  // namespace

Result<CleanerPlan> BindCleanerPlan(const nlohmann::json& cfg, const Schema& input, const ExpressionOptions& options) {
  CleanerPlan plan;
  std::vector<Field> fields = input.fields();
  if (const nlohmann::json* ops = FindMember(cfg, "operations")) {
    if (!ops->is_array()) return ConfigError("/operations", "must be an array of operations");
    for (size_t i = 0; i < ops->size(); ++i) {
      LD_RETURN_IF_ERROR(BindStep((*ops)[i], JsonPointer("/operations", i), input, fields, plan.steps));
    }
  }
  plan.cleaned = MakeSchema(std::move(fields));
  for (int c = 0; c < input.num_fields(); ++c) plan.source_of.push_back(c);
  for (const CleanerStep& step : plan.steps) {
    if ((step.kind == CleanerStepKind::kEmail || step.kind == CleanerStepKind::kPhone) &&
        step.invalid == InvalidPolicy::kFlag) {
      for (int c : step.columns) plan.source_of.push_back(c);  // flags are appended in step order
    }
  }
  LD_ASSIGN_OR_RETURN(plan.rules, ValidationRules::Bind(FindMember(cfg, "rules"), *plan.cleaned, options, "/rules"));
  LD_ASSIGN_OR_RETURN(plan.dedupe, BindDedupe(cfg, *plan.cleaned));
  if (plan.steps.empty() && plan.rules.empty() && !plan.dedupe) {
    return ConfigError("/operations", "add at least one operation, validation rule or dedupe");
  }
  return plan;
}

namespace {

nlohmann::json ColumnList(const std::string& description) {
  return {{"type", "array"},
          {"title", "Columns"},
          {"description", description},
          {"items", {{"type", "string"}, {"minLength", 1}, {"format", "column"}}}};
}

nlohmann::json OperationBranch(const std::string& op, const std::string& title, const std::string& description,
                               nlohmann::json properties, std::vector<std::string> required) {
  properties["op"] = {{"const", op}, {"title", "Operation"}};
  required.insert(required.begin(), "op");
  return {{"type", "object"},
          {"title", title},
          {"description", description},
          {"properties", std::move(properties)},
          {"required", required},
          {"additionalProperties", false}};
}

nlohmann::json InvalidPolicySchema(const std::string& what) {
  return {{"type", "string"},
          {"title", "Invalid values"},
          {"description", "flag: add a boolean column <name>_valid; keep: leave them; null: replace them with NULL; "
                          "reject: send the row to the rejects output. Applies to invalid " + what + "."},
          {"enum", nlohmann::json::array({"flag", "keep", "null", "reject"})},
          {"default", "flag"}};
}

}  // namespace

nlohmann::json CleanerConfigSchema() {
  const std::string all_strings = "Columns to change; leave empty for every string column.";
  nlohmann::json operations = nlohmann::json::array({
      OperationBranch("trim", "Trim spaces", "Removes leading and trailing whitespace.",
                      {{"columns", ColumnList(all_strings)}}, {}),
      OperationBranch("case", "Change case", "Converts letters to lower, upper or title case (ASCII letters).",
                      {{"columns", ColumnList(all_strings)},
                       {"mode", {{"type", "string"}, {"title", "Case"},
                                 {"enum", nlohmann::json::array({"lower", "upper", "title"})}, {"default", "lower"}}}},
                      {}),
      OperationBranch("fill_nulls", "Fill empty values", "Replaces NULLs with a constant per column.",
                      {{"values", {{"type", "object"}, {"title", "Values"},
                                   {"description", "Column name → value to use where it is NULL."},
                                   {"additionalProperties", {{"type", nlohmann::json::array({"string", "number", "boolean"})}}},
                                   {"examples", nlohmann::json::array({{{"country", "unknown"}, {"quantity", 0}}})}}}},
                      {"values"}),
      OperationBranch("drop_nulls", "Drop rows with empty values",
                      "Drops rows that have a NULL in any of the columns.",
                      {{"columns", ColumnList("Columns that must not be NULL; leave empty for all columns.")}}, {}),
      OperationBranch("email", "Normalise emails",
                      "Trims and lower-cases email addresses and checks that they look valid.",
                      {{"columns", ColumnList("Email columns.")}, {"invalid", InvalidPolicySchema("addresses")}},
                      {"columns"}),
      OperationBranch("phone", "Normalise phone numbers",
                      "Rewrites phone numbers in E.164 form (+15551234567); numbers without an international "
                      "prefix get the default country code.",
                      {{"columns", ColumnList("Phone columns.")},
                       {"country_code", {{"type", "string"}, {"title", "Default country code"},
                                         {"description", "Calling code for numbers without one, e.g. 1 or 44."},
                                         {"pattern", "^\\+?[1-9][0-9]{0,2}$"}, {"default", "1"}}},
                       {"invalid", InvalidPolicySchema("numbers")}},
                      {"columns"}),
  });
  nlohmann::json rule = {
      {"type", "object"},
      {"title", "Rule"},
      {"properties",
       {{"name", {{"type", "string"}, {"title", "Name"}, {"description", "Shown in the _rule column of rejects."},
                  {"minLength", 1}}},
        {"expression", {{"type", "string"}, {"title", "Must be true"}, {"minLength", 1}, {"format", "expression"},
                        {"examples", nlohmann::json::array({"amount >= 0", "email_valid"})}}},
        {"action", {{"type", "string"}, {"title", "When it fails"},
                    {"description", "reject: send the row to the rejects output; fail: stop the run."},
                    {"enum", nlohmann::json::array({"reject", "fail"})}, {"default", "reject"}}},
        {"message", {{"type", "string"}, {"title", "Reason"},
                     {"description", "Text for the _reason column; default: the expression and its result."}}}}},
      {"required", nlohmann::json::array({"name", "expression"})},
      {"additionalProperties", false},
  };
  return {
      {"type", "object"},
      {"title", "Clean data"},
      {"properties",
       {{"operations", {{"type", "array"}, {"title", "Operations"}, {"description", "Applied top to bottom."},
                        {"items", {{"oneOf", operations}}}}},
        {"rules", {{"type", "array"}, {"title", "Validation rules"},
                   {"description", "Checked after the operations; a row must pass every rule."},
                   {"items", rule}}},
        {"dedupe",
         {{"type", "object"},
          {"title", "Remove duplicates"},
          {"description", "Applied last, to the rows that passed the rules: keeps one row per key."},
          {"properties",
           {{"keys", {{"type", "array"}, {"title", "Key columns"},
                      {"description", "Rows with equal values here are duplicates; empty: whole rows."},
                      {"items", {{"type", "string"}, {"minLength", 1}, {"format", "column"}}}}},
            {"keep", {{"type", "string"}, {"title", "Keep"}, {"description", "Which row of each key to keep, in input order."},
                      {"enum", nlohmann::json::array({"first", "last"})}, {"default", "first"}}}}},
          {"additionalProperties", false}}}}},
      {"additionalProperties", false},
  };
}

}  // namespace logidata
