#include "transforms/cleaner.h"

#include <optional>
#include <set>

#include "transforms/config_fields.h"
#include "transforms/dedupe.h"
#include "transforms/email_normalizer.h"
#include "transforms/null_filling.h"
#include "transforms/phone_normalizer.h"
#include "transforms/rejected_rows.h"
#include "transforms/row_selection.h"
#include "transforms/text_cleaning.h"
#include "transforms/validation_rules.h"

namespace logidata {
namespace {

enum class StepKind { kTrim, kCase, kFillNulls, kDropNulls, kEmail, kPhone };
// What to do with a value that is not a valid email/phone.
enum class InvalidPolicy { kKeep, kFlag, kNull, kReject };

struct Step {
  StepKind kind = StepKind::kTrim;
  std::vector<int> columns;
  TextCase text_case = TextCase::kLower;
  std::vector<NullFiller> fillers;  // kFillNulls: one per column
  InvalidPolicy invalid = InvalidPolicy::kFlag;
  std::string country_code;         // kPhone
};

// Optional last step: keep one row per key (the dedupe transform's engine).
struct DedupeStep {
  std::vector<int> keys;  // into the cleaned schema; empty = whole rows
  DedupeKeep keep = DedupeKeep::kFirst;
};

class CleanerOperator final : public Operator {
 public:
  CleanerOperator(SchemaPtr cleaned, std::vector<Step> steps, ValidationRules rules,
                  std::optional<DedupeStep> dedupe)
      : steps_(std::move(steps)), rules_(std::move(rules)) {
    output_schemas_.push_back(cleaned);
    output_schemas_.push_back(RejectsSchema(*cleaned));
    if (dedupe) dedupe_ = std::make_unique<DedupeCore>(cleaned, dedupe->keys, dedupe->keep);
  }

  Status Open(ExecContext& ctx) override {
    if (dedupe_ != nullptr) dedupe_->EnableSpill(ctx.fs, ctx.spill_dir, ctx.node_id, ctx.memory_budget_bytes);
    return Status::OK();
  }
  // Deduplication keeps the first/last row in input order, so it needs batches in order.
  bool RequiresOrderedInput(int port) const override { (void)port; return dedupe_ != nullptr; }

  Result<bool> Produce(OperatorState* state, Emitter& out) override {
    (void)state;
    if (dedupe_ == nullptr || dedupe_finished_) return false;
    dedupe_finished_ = true;
    LD_RETURN_IF_ERROR(dedupe_->Finish([&](BatchPtr b) {
      return out.Emit(0, Batch::Make(output_schemas_[0], b->columns(), b->num_rows()));
    }));
    return false;
  }

  int64_t MemoryUsage() const override { return dedupe_ != nullptr ? dedupe_->MemoryUsage() : 0; }

  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    (void)port;
    (void)state;
    const int64_t rows = batch->num_rows();
    if (rows == 0) return Status::OK();
    const Schema& schema = *output_schemas_[0];
    std::vector<ColumnPtr> columns = batch->columns();
    columns.reserve(static_cast<size_t>(schema.num_fields()));
    std::vector<uint8_t> alive = AllSetBitmap(rows);
    RejectedRows rejects(rows);
    for (const Step& step : steps_) ApplyStep(step, schema, columns, alive, rejects);

    Batch cleaned(output_schemas_[0], std::move(columns), rows);
    cleaned.set_sequence(batch->sequence());
    if (!rules_.empty()) LD_RETURN_IF_ERROR(rules_.Check(cleaned, alive.data(), rejects));

    int64_t kept_count = 0;
    const uint8_t* rejected = rejects.bitmap();
    for (size_t b = 0; b < alive.size(); ++b) {
      alive[b] = static_cast<uint8_t>(alive[b] & ~rejected[b]);
      kept_count += __builtin_popcount(alive[b]);
    }
    if (BatchPtr kept = SelectRows(cleaned, output_schemas_[0], alive.data(), kept_count)) {
      if (dedupe_ != nullptr) {
        LD_ASSIGN_OR_RETURN(kept, dedupe_->Add(kept));
      }
      if (kept != nullptr) {
        LD_RETURN_IF_ERROR(out.Emit(0, Batch::Make(output_schemas_[0], kept->columns(), kept->num_rows())));
      }
    }
    if (rejects.count() > 0) LD_RETURN_IF_ERROR(out.Emit(1, rejects.Build(cleaned, output_schemas_[1])));
    return Status::OK();
  }

 private:
  static void ApplyStep(const Step& step, const Schema& schema, std::vector<ColumnPtr>& columns,
                        std::vector<uint8_t>& alive, RejectedRows& rejects) {
    for (size_t k = 0; k < step.columns.size(); ++k) {
      const int c = step.columns[k];
      ColumnPtr& column = columns[static_cast<size_t>(c)];
      switch (step.kind) {
        case StepKind::kTrim:
          column = TrimColumn(*column);
          break;
        case StepKind::kCase:
          column = ChangeCaseColumn(*column, step.text_case);
          break;
        case StepKind::kFillNulls:
          column = step.fillers[k].Fill(column);
          break;
        case StepKind::kDropNulls:
          if (column->null_count() > 0) {
            const uint8_t* validity = column->validity();
            for (size_t b = 0; b < alive.size(); ++b) alive[b] &= validity[b];
          }
          break;
        case StepKind::kEmail:
        case StepKind::kPhone: {
          const bool email = step.kind == StepKind::kEmail;
          NormalizedTextColumn result =
              email ? NormalizeEmailColumn(*column) : NormalizePhoneColumn(*column, step.country_code);
          ApplyInvalidPolicy(step, schema.field(c).name, email, *column, std::move(result), columns, c, alive,
                             rejects);
          break;
        }
      }
    }
  }

  static void ApplyInvalidPolicy(const Step& step, const std::string& name, bool email, const Column& original,
                                 NormalizedTextColumn result, std::vector<ColumnPtr>& columns, int c,
                                 const std::vector<uint8_t>& alive, RejectedRows& rejects) {
    const int64_t rows = original.length();
    switch (step.invalid) {
      case InvalidPolicy::kKeep:
        columns[static_cast<size_t>(c)] = std::move(result.column);
        break;
      case InvalidPolicy::kFlag: {
        columns[static_cast<size_t>(c)] = std::move(result.column);
        auto values = Buffer::CopyOf(result.valid.data(), result.valid.size());
        columns.push_back(std::make_shared<const Column>(DataType::Bool(), rows, original.validity_buffer(), values,
                                                         nullptr, original.null_count()));
        break;
      }
      case InvalidPolicy::kNull: {
        const Column& norm = *result.column;
        auto validity = Buffer::CopyOf(result.valid.data(), result.valid.size());
        columns[static_cast<size_t>(c)] = std::make_shared<const Column>(
            norm.type(), rows, validity, norm.values_buffer(), norm.data_buffer(), -1);
        break;
      }
      case InvalidPolicy::kReject: {
        if (result.invalid_count > 0) {
          for (int64_t i = 0; i < rows; ++i) {
            if (original.IsNull(i) || GetBit(result.valid.data(), i) || !GetBit(alive.data(), i)) continue;
            rejects.Reject(i, email ? "email" : "phone",
                           std::string("invalid ") + (email ? "email address" : "phone number") + " in column '" +
                               name + "': '" + std::string(original.GetString(i)) + "'");
          }
        }
        columns[static_cast<size_t>(c)] = std::move(result.column);
        break;
      }
    }
  }

  std::vector<Step> steps_;
  ValidationRules rules_;
  std::unique_ptr<DedupeCore> dedupe_;  // used by one thread at a time (ordered input)
  bool dedupe_finished_ = false;
};

Result<std::optional<DedupeStep>> BindDedupe(const nlohmann::json& cfg, const Schema& cleaned) {
  const nlohmann::json* dedupe = FindMember(cfg, "dedupe");
  if (dedupe == nullptr) return std::optional<DedupeStep>();
  if (!dedupe->is_object()) return ConfigError("/dedupe", "must be an object {keys, keep}");
  DedupeStep step;
  LD_ASSIGN_OR_RETURN(std::vector<std::string> keys, OptionalStringArray(*dedupe, "keys", "/dedupe"));
  LD_ASSIGN_OR_RETURN(step.keys, ResolveColumns(cleaned, keys, "/dedupe/keys"));
  LD_ASSIGN_OR_RETURN(std::string keep, OptionalString(*dedupe, "keep", "/dedupe", "first"));
  LD_RETURN_IF_ERROR(RequireOneOf(keep, {"first", "last"}, "/dedupe/keep"));
  step.keep = keep == "first" ? DedupeKeep::kFirst : DedupeKeep::kLast;
  return std::optional<DedupeStep>(std::move(step));
}

// Binds one entry of "operations"; may append flag fields to `fields`.
Status BindStep(const nlohmann::json& item, const std::string& here, const Schema& input, std::vector<Field>& fields,
                std::vector<Step>& steps) {
  if (!item.is_object()) return ConfigError(here, "must be an object with an 'op'");
  LD_ASSIGN_OR_RETURN(std::string op, RequireString(item, "op", here));
  LD_RETURN_IF_ERROR(
      RequireOneOf(op, {"trim", "case", "fill_nulls", "drop_nulls", "email", "phone"}, JsonPointer(here, "op")));
  Step step;
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
    step.kind = StepKind::kTrim;
    LD_RETURN_IF_ERROR(string_columns(true));
  } else if (op == "case") {
    step.kind = StepKind::kCase;
    LD_ASSIGN_OR_RETURN(std::string mode, OptionalString(item, "mode", here, "lower"));
    LD_RETURN_IF_ERROR(RequireOneOf(mode, {"lower", "upper", "title"}, JsonPointer(here, "mode")));
    step.text_case = mode == "lower" ? TextCase::kLower : mode == "upper" ? TextCase::kUpper : TextCase::kTitle;
    LD_RETURN_IF_ERROR(string_columns(true));
  } else if (op == "fill_nulls") {
    step.kind = StepKind::kFillNulls;
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
    step.kind = StepKind::kDropNulls;
    LD_ASSIGN_OR_RETURN(std::vector<std::string> names, OptionalStringArray(item, "columns", here));
    if (names.empty()) {
      for (int i = 0; i < input.num_fields(); ++i) step.columns.push_back(i);
    } else {
      LD_ASSIGN_OR_RETURN(step.columns, ResolveColumns(input, names, columns_ptr));
    }
  } else {
    step.kind = op == "email" ? StepKind::kEmail : StepKind::kPhone;
    LD_RETURN_IF_ERROR(string_columns(false));
    LD_ASSIGN_OR_RETURN(std::string invalid, OptionalString(item, "invalid", here, "flag"));
    LD_RETURN_IF_ERROR(RequireOneOf(invalid, {"flag", "keep", "null", "reject"}, JsonPointer(here, "invalid")));
    step.invalid = invalid == "flag"   ? InvalidPolicy::kFlag
                   : invalid == "keep" ? InvalidPolicy::kKeep
                   : invalid == "null" ? InvalidPolicy::kNull
                                       : InvalidPolicy::kReject;
    if (step.kind == StepKind::kPhone) {
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

Result<std::unique_ptr<Operator>> BindCleaner(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1) return Status::Internal("cleaner expects exactly one input");
  const Schema& input = *ctx.input_schemas[0];
  const nlohmann::json& cfg = ctx.cfg();
  std::vector<Field> fields = input.fields();
  std::vector<Step> steps;
  if (const nlohmann::json* ops = FindMember(cfg, "operations")) {
    if (!ops->is_array()) return ConfigError("/operations", "must be an array of operations");
    for (size_t i = 0; i < ops->size(); ++i) {
      LD_RETURN_IF_ERROR(BindStep((*ops)[i], JsonPointer("/operations", i), input, fields, steps));
    }
  }
  // Fill and drop make values non-null; keep the declared nullability simple and honest.
  SchemaPtr cleaned = MakeSchema(std::move(fields));
  ExpressionOptions options;
  options.params = ctx.params;
  LD_ASSIGN_OR_RETURN(ValidationRules rules, ValidationRules::Bind(FindMember(cfg, "rules"), *cleaned, options, "/rules"));
  LD_ASSIGN_OR_RETURN(std::optional<DedupeStep> dedupe, BindDedupe(cfg, *cleaned));
  if (steps.empty() && rules.empty() && !dedupe) {
    return ConfigError("/operations", "add at least one operation, validation rule or dedupe");
  }
  return std::unique_ptr<Operator>(
      new CleanerOperator(std::move(cleaned), std::move(steps), std::move(rules), std::move(dedupe)));
}

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

}  // namespace

ModuleDescriptor CleanerModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kTransform;
  d.name = "cleaner";
  d.summary = "Cleans values and routes rows that fail validation rules to a rejects output.";
  d.description =
      "Applies `operations` top to bottom — trim, change case, fill NULLs, drop rows with NULLs, "
      "normalise email addresses and phone numbers — then checks the validation `rules`. A row "
      "fails a rule when its expression is false or NULL; it then goes to the `rejects` output with "
      "two extra columns, `_rule` (the rule's name, or `email`/`phone`) and `_reason`, or stops the "
      "run when the rule's action is `fail`. Dropped rows (drop_nulls) go nowhere. An optional "
      "`dedupe` step finally keeps one row per key (first or last in input order); with it the "
      "node processes batches in input order.";
  d.category = "quality";
  d.icon = "cleaning_services";
  d.inputs = {{"in", "Rows to clean."}};
  d.outputs = {{"out", "Cleaned rows that passed every rule."},
               {"rejects", "Rows that failed a rule, with _rule and _reason columns."}};
  d.config_schema = CleanerConfigSchema();
  d.factory = BindCleaner;
  return d;
}

}  // namespace logidata
