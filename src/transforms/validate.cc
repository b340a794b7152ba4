#include "transforms/validate.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "expression/expression.h"
#include "transforms/config_fields.h"
#include "transforms/distinct_key_counter.h"
#include "transforms/duplicate_key_finder.h"
#include "transforms/key_encoder.h"
#include "transforms/key_table.h"
#include "transforms/rejected_rows.h"
#include "transforms/transform_descriptor.h"

namespace logidata {

namespace {

enum class RuleType { kNotNull, kUnique, kInSet, kRange, kRegex, kExpression, kRowCount, kUniqueKey, kFreshness, kNullShare };

const std::vector<std::string>& RuleTypeNames() {
  static const std::vector<std::string> kNames = {"not_null", "unique",    "in_set",    "range",     "regex",
                                                  "expression", "row_count", "unique_key", "freshness", "null_share"};
  return kNames;
}

bool IsRowRule(RuleType t) { return t <= RuleType::kExpression; }

struct Rule {
  std::string name;
  RuleType type;
  bool fail_run = false;
  std::vector<int> columns;                       // unique, unique_key; the column of the others
  std::shared_ptr<const CompiledExpression> check;  // row rules but unique: true = pass
  std::string text;                               // the check, for _reason
  double min = -1, max = -1;                      // row_count bounds (-1: none); null_share max
  double max_age_hours = 0;                       // freshness
};

// Per-thread (or, with unique, the single) counters of one run.
struct ValidateState final : OperatorState {
  explicit ValidateState(size_t rules) : failed(rules, 0), nulls(rules, 0), max_time(rules, INT64_MIN), keys(rules) {}
  int64_t rows = 0, rejected = 0;
  std::vector<int64_t> failed;    // row rules: rows failing the rule (each rule counted on its own)
  std::vector<int64_t> nulls;     // null_share: null values; unique_key: rows with a null key part
  std::vector<int64_t> max_time;  // freshness: latest value, microseconds since the epoch
  std::vector<DistinctKeyCounter> keys;  // unique_key: distinct keys seen (spilling past the budget)
  EncodedKeys scratch;
};

class ValidateOperator final : public Operator {
 public:
  ValidateOperator(SchemaPtr in, std::vector<Rule> rules)
      : in_(std::move(in)), rules_(std::move(rules)), rejects_schema_(RejectsSchema(*in_)) {
    output_schemas_ = {in_, rejects_schema_};
    std::vector<std::vector<int>> key_lists;
    for (size_t r = 0; r < rules_.size(); ++r) {
      if (rules_[r].type != RuleType::kUnique) continue;
      unique_rules_.push_back(r);
      key_lists.push_back(rules_[r].columns);
    }
    blocking_ = !unique_rules_.empty();
    if (blocking_) finder_ = std::make_unique<DuplicateKeyFinder>(in_, std::move(key_lists));
  }

  bool UsesMemoryBudget() const override {
    return blocking_ || std::any_of(rules_.begin(), rules_.end(), [](const Rule& r) { return r.type == RuleType::kUniqueKey; });
  }
  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    if (blocking_) finder_->EnableSpill(ctx.fs, ctx.spill_dir, ctx.node_id, ctx.memory_budget_bytes);
    // unique_key counts distinct keys: each thread's counter of each such rule gets a share of the
    // budget and spills its keys past it, so a key column of any cardinality stays bounded.
    const int64_t unique_key_rules = std::count_if(rules_.begin(), rules_.end(), [](const Rule& r) { return r.type == RuleType::kUniqueKey; });
    if (unique_key_rules > 0 && ctx.memory_budget_bytes >= 0) {
      key_spill_ = std::make_unique<SpillDirectory>(ctx.fs, ctx.spill_dir, "validate-keys-" + ctx.node_id);
      key_budget_ = ctx.memory_budget_bytes / std::max(1, ctx.num_threads) / unique_key_rules;
    }
    return Status::OK();
  }
  std::unique_ptr<OperatorState> MakeThreadState() override { return NewState(); }
  bool EmitsOnConsume(int) const override { return !blocking_; }
  int64_t MemoryUsage() const override { return blocking_ ? finder_->MemoryUsage() : 0; }

  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    if (blocking_) return finder_->Add(batch);
    return Judge(batch, static_cast<ValidateState*>(state), {}, out);
  }

  Status FinishPort(int, const std::vector<OperatorState*>& states) override {
    total_ = NewState();
    if (blocking_) return Status::OK();
    for (OperatorState* s : states) {
      if (s != nullptr) LD_RETURN_IF_ERROR(Merge(*static_cast<ValidateState*>(s)));
    }
    return Report();
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (!blocking_ || produced_) return false;
    produced_ = true;
    // duplicate[r]: per row of the batch, whether its key of unique rule r occurs more than once.
    std::vector<std::vector<uint8_t>> duplicate(rules_.size());
    LD_RETURN_IF_ERROR(finder_->Finish([&](const BatchPtr& batch, const DuplicateKeyFinder::Marks& marks) {
      for (size_t k = 0; k < unique_rules_.size(); ++k) duplicate[unique_rules_[k]] = marks[k];
      return Judge(batch, total_.get(), duplicate, out);
    }));
    LD_RETURN_IF_ERROR(Report());
    return false;
  }

 private:
  std::unique_ptr<ValidateState> NewState() const {
    auto state = std::make_unique<ValidateState>(rules_.size());
    if (key_spill_ != nullptr) {
      for (auto& counter : state->keys) counter.EnableSpill(key_spill_.get(), key_budget_);
    }
    return state;
  }

  void Encode(const Rule& r, const Batch& b, EncodedKeys* keys) const {
    std::vector<DataType> types;
    std::vector<ColumnPtr> cols;
    for (int c : r.columns) {
      types.push_back(in_->field(c).type);
      cols.push_back(b.column(c));
    }
    KeyEncoder(std::move(types)).Encode(cols, 0, b.num_rows(), keys);
  }

  // Counts `batch` into `st` and sends its rows to out (port 0) or rejects (port 1).
  // `duplicate`: per unique rule, whether each row's key repeats (blocking mode only).
  Status Judge(const BatchPtr& batch_ptr, ValidateState* st, const std::vector<std::vector<uint8_t>>& duplicate, Emitter& out) {
    const Batch& batch = *batch_ptr;
    const int64_t n = batch.num_rows();
    if (n == 0) return Status::OK();
    st->rows += n;
    RejectedRows rejects(n);
    for (size_t r = 0; r < rules_.size(); ++r) {
      const Rule& rule = rules_[r];
      switch (rule.type) {
        case RuleType::kUnique: {
          for (int64_t i = 0; i < n; ++i) {
            if (!duplicate[r][static_cast<size_t>(i)]) continue;
            ++st->failed[r];
            rejects.Reject(i, rule.name, "the key of '" + rule.name + "' occurs more than once");
          }
          break;
        }
        case RuleType::kNotNull:
        case RuleType::kInSet:
        case RuleType::kRange:
        case RuleType::kRegex:
        case RuleType::kExpression: {
          LD_ASSIGN_OR_RETURN(ColumnPtr result, rule.check->Evaluate(batch));
          const Column& c = *result;
          const bool is_bool = c.type().id == TypeId::kBool;
          for (int64_t i = 0; i < n; ++i) {
            const bool valid = is_bool && c.IsValid(i);
            if (valid && c.GetBool(i)) continue;
            ++st->failed[r];
            rejects.Reject(i, rule.name, rule.text + " is " + (valid ? "false" : "NULL"));
          }
          break;
        }
        case RuleType::kNullShare: st->nulls[r] += batch.column(rule.columns[0])->null_count(); break;
        case RuleType::kUniqueKey: {
          Encode(rule, batch, &st->scratch);
          std::vector<uint32_t> g(static_cast<size_t>(n));
          std::vector<int32_t> valid_rows;
          for (int64_t i = 0; i < n; ++i) {
            if (st->scratch.all_valid[static_cast<size_t>(i)]) valid_rows.push_back(static_cast<int32_t>(i));
            else ++st->nulls[r];
          }
          for (int32_t i : valid_rows) {
            LD_RETURN_IF_ERROR(st->keys[r].Add(st->scratch.key(i), st->scratch.hashes[static_cast<size_t>(i)]));
          }
          break;
        }
        case RuleType::kFreshness: {
          const Column& c = *batch.column(rule.columns[0]);
          const bool is_date = c.type().id == TypeId::kDate;
          for (int64_t i = 0; i < n; ++i) {
            if (c.IsNull(i)) continue;
            const int64_t t = is_date ? int64_t{c.Get<int32_t>(i)} * 86400000000LL : c.Get<int64_t>(i);
            st->max_time[r] = std::max(st->max_time[r], t);
          }
          break;
        }
        case RuleType::kRowCount: break;
      }
    }
    if (rejects.count() == 0) return out.Emit(0, batch_ptr);
    st->rejected += rejects.count();
    LD_RETURN_IF_ERROR(out.Emit(1, rejects.Build(batch, rejects_schema_)));
    std::vector<int32_t> kept;
    for (int64_t i = 0; i < n; ++i) {
      if (!rejects.IsRejected(i)) kept.push_back(static_cast<int32_t>(i));
    }
    if (!kept.empty()) LD_RETURN_IF_ERROR(out.Emit(0, TakeBatch(batch, kept)));
    return Status::OK();
  }

  Status Merge(ValidateState& s) {
    total_->rows += s.rows;
    total_->rejected += s.rejected;
    for (size_t r = 0; r < rules_.size(); ++r) {
      total_->failed[r] += s.failed[r];
      total_->nulls[r] += s.nulls[r];
      total_->max_time[r] = std::max(total_->max_time[r], s.max_time[r]);
      LD_RETURN_IF_ERROR(total_->keys[r].Merge(s.keys[r]));
    }
    return Status::OK();
  }

  // Judges the dataset rules, logs the quality report, and fails the run when a `fail` rule failed.
  Status Report() {
    const ValidateState& t = *total_;
    nlohmann::json rules = nlohmann::json::array();
    std::vector<std::string> failures, warnings;
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    for (size_t r = 0; r < rules_.size(); ++r) {
      const Rule& rule = rules_[r];
      nlohmann::json j = {{"name", rule.name},
                          {"type", RuleTypeNames()[static_cast<size_t>(rule.type)]},
                          {"severity", rule.fail_run ? "fail" : "warn"}};
      bool failed = false;
      std::string detail;
      switch (rule.type) {
        case RuleType::kRowCount:
          j["checked"] = 1;
          j["value"] = t.rows;
          failed = (rule.min >= 0 && static_cast<double>(t.rows) < rule.min) || (rule.max >= 0 && static_cast<double>(t.rows) > rule.max);
          detail = std::to_string(t.rows) + " rows";
          break;
        case RuleType::kUniqueKey: {
          const int64_t keyed = t.rows - t.nulls[r];
          LD_ASSIGN_OR_RETURN(const int64_t distinct, total_->keys[r].Finish());
          const int64_t extra = keyed - distinct;
          j["checked"] = keyed;
          j["failed"] = extra;
          failed = extra > 0;
          detail = std::to_string(extra) + " rows repeat a key already seen (" + std::to_string(distinct) + " distinct keys)";
          break;
        }
        case RuleType::kNullShare: {
          const double share = t.rows == 0 ? 0 : static_cast<double>(t.nulls[r]) / static_cast<double>(t.rows);
          j["checked"] = t.rows;
          j["failed"] = t.nulls[r];
          j["value"] = share;
          failed = share > rule.max;
          detail = std::to_string(t.nulls[r]) + " nulls in " + std::to_string(t.rows) + " rows";
          break;
        }
        case RuleType::kFreshness: {
          j["checked"] = 1;
          if (t.max_time[r] == INT64_MIN) {
            failed = true;
            detail = "no value at all";
          } else {
            const double age = static_cast<double>(now - t.max_time[r]) / 3600e6;
            j["value"] = age;
            failed = age > rule.max_age_hours;
            detail = "latest value is " + std::to_string(age) + " hours old";
          }
          break;
        }
        default:
          j["checked"] = t.rows;
          j["failed"] = t.failed[r];
          failed = t.failed[r] > 0;
          detail = std::to_string(t.failed[r]) + " of " + std::to_string(t.rows) + " rows fail";
          break;
      }
      j["detail"] = detail;
      j["outcome"] = !failed ? "passed" : rule.fail_run ? "failed" : "warned";
      if (failed) (rule.fail_run ? failures : warnings).push_back("'" + rule.name + "' (" + detail + ")");
      rules.push_back(std::move(j));
    }
    const std::string outcome = !failures.empty() ? "failed" : !warnings.empty() ? "warned" : "passed";
    report_ = {{"rows", t.rows}, {"passed_rows", t.rows - t.rejected}, {"rejected_rows", t.rejected},
               {"outcome", outcome}, {"rules", std::move(rules)}};
    if (ctx_ != nullptr) {
      ctx_->Log(failures.empty() && warnings.empty() ? LogLevel::kInfo : LogLevel::kWarn, "quality report: " + report_.dump());
    }
    if (!failures.empty()) {
      std::string msg = "validate: ";
      for (size_t i = 0; i < failures.size(); ++i) msg += (i ? ", " : "rule ") + failures[i];
      return Status::DataError(msg + " failed");
    }
    return Status::OK();
  }

  SchemaPtr in_;
  std::vector<Rule> rules_;
  SchemaPtr rejects_schema_;
  bool blocking_ = false;
  ExecContext* ctx_ = nullptr;
  std::vector<size_t> unique_rules_;             // indices of the unique rules, in order
  std::unique_ptr<DuplicateKeyFinder> finder_;  // with unique rules: holds or spills the input
  std::unique_ptr<SpillDirectory> key_spill_;   // unique_key rules' spilled keys
  int64_t key_budget_ = -1;
  bool produced_ = false;
  std::unique_ptr<ValidateState> total_;
  nlohmann::json report_;
};

// A SQL literal for a config value: strings quoted, numbers and booleans as written.
Result<std::string> Literal(const nlohmann::json& v, const std::string& pointer) {
  if (v.is_string()) {
    std::string out = "'";
    for (char c : v.get<std::string>()) {
      if (c == '\'') out += '\'';
      out += c;
    }
    return out + "'";
  }
  if (v.is_number() || v.is_boolean()) return v.dump();
  return ConfigError(pointer, "must be a string, number or boolean");
}

Result<std::vector<Rule>> BindRules(const BindContext& ctx, const Schema& in) {
  const nlohmann::json* items = FindMember(ctx.cfg(), "rules");
  if (items == nullptr || !items->is_array() || items->empty()) return ConfigError("/rules", "give at least one rule");
  ExpressionOptions options;
  options.params = ctx.params;
  std::vector<Rule> rules;
  std::set<std::string> names;
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string p = JsonPointer("/rules", i);
    const nlohmann::json& item = (*items)[i];
    if (!item.is_object()) return ConfigError(p, "must be an object {type, …}");
    Rule rule;
    LD_ASSIGN_OR_RETURN(std::string type, RequireString(item, "type", p));
    LD_RETURN_IF_ERROR(RequireOneOf(type, RuleTypeNames(), JsonPointer(p, "type")));
    rule.type = static_cast<RuleType>(std::find(RuleTypeNames().begin(), RuleTypeNames().end(), type) - RuleTypeNames().begin());
    LD_ASSIGN_OR_RETURN(std::string severity, OptionalString(item, "severity", p, IsRowRule(rule.type) ? "warn" : "fail"));
    LD_RETURN_IF_ERROR(RequireOneOf(severity, {"fail", "warn"}, JsonPointer(p, "severity")));
    rule.fail_run = severity == "fail";

    // Columns.
    std::string column_name;
    const bool takes_list = rule.type == RuleType::kUnique || rule.type == RuleType::kUniqueKey;
    const bool takes_column = !takes_list && rule.type != RuleType::kExpression && rule.type != RuleType::kRowCount;
    if (takes_list) {
      LD_ASSIGN_OR_RETURN(std::vector<std::string> names_list, OptionalStringArray(item, "columns", p));
      if (names_list.empty()) return ConfigError(JsonPointer(p, "columns"), "list the key columns");
      LD_ASSIGN_OR_RETURN(rule.columns, ResolveColumns(in, names_list, JsonPointer(p, "columns")));
      for (const auto& c : names_list) column_name += (column_name.empty() ? "" : "_") + c;
    } else if (takes_column) {
      LD_ASSIGN_OR_RETURN(column_name, RequireString(item, "column", p));
      LD_ASSIGN_OR_RETURN(int c, ResolveColumn(in, column_name, JsonPointer(p, "column")));
      rule.columns = {c};
    }
    LD_ASSIGN_OR_RETURN(rule.name, OptionalString(item, "name", p, column_name.empty() ? type : type + "_" + column_name));
    if (rule.name.empty()) return ConfigError(JsonPointer(p, "name"), "must not be empty");
    if (!names.insert(rule.name).second) {
      return ConfigError(JsonPointer(p, "name"), "rule name '" + rule.name + "' is used twice; set `name`");
    }
    const std::string q = column_name.empty() ? "" : QuoteIdentifier(column_name);
    std::string check, check_at = p;
    switch (rule.type) {
      case RuleType::kNotNull: check = q + " IS NOT NULL"; break;
      case RuleType::kInSet: {
        const nlohmann::json* values = FindMember(item, "values");
        if (values == nullptr || !values->is_array() || values->empty()) {
          return ConfigError(JsonPointer(p, "values"), "list the allowed values");
        }
        std::string list;
        for (size_t v = 0; v < values->size(); ++v) {
          LD_ASSIGN_OR_RETURN(std::string lit, Literal((*values)[v], JsonPointer(JsonPointer(p, "values"), v)));
          list += (v ? ", " : "") + lit;
        }
        check = q + " IS NULL OR " + q + " IN (" + list + ")";
        check_at = JsonPointer(p, "values");
        break;
      }
      case RuleType::kRange: {
        const nlohmann::json* lo = FindMember(item, "min");
        const nlohmann::json* hi = FindMember(item, "max");
        if (lo == nullptr && hi == nullptr) return ConfigError(JsonPointer(p, "min"), "give min, max or both");
        const std::string type_text = in.field(rule.columns[0]).type.ToString();
        auto bound = [&](const nlohmann::json& v, const char* key) -> Result<std::string> {
          LD_ASSIGN_OR_RETURN(std::string lit, Literal(v, JsonPointer(p, key)));
          return v.is_string() ? "CAST(" + lit + " AS " + type_text + ")" : lit;
        };
        std::string cond;
        if (lo != nullptr) {
          LD_ASSIGN_OR_RETURN(std::string b, bound(*lo, "min"));
          cond = q + " >= " + b;
        }
        if (hi != nullptr) {
          LD_ASSIGN_OR_RETURN(std::string b, bound(*hi, "max"));
          cond += (cond.empty() ? "" : " AND ") + q + " <= " + b;
        }
        check = q + " IS NULL OR (" + cond + ")";
        check_at = JsonPointer(p, lo != nullptr ? "min" : "max");
        break;
      }
      case RuleType::kRegex: {
        LD_ASSIGN_OR_RETURN(std::string pattern, RequireString(item, "pattern", p));
        LD_ASSIGN_OR_RETURN(std::string lit, Literal(pattern, JsonPointer(p, "pattern")));
        check = q + " IS NULL OR regexp_matches(" + q + ", " + lit + ")";
        check_at = JsonPointer(p, "pattern");
        break;
      }
      case RuleType::kExpression: {
        LD_ASSIGN_OR_RETURN(check, RequireString(item, "expression", p));
        check_at = JsonPointer(p, "expression");
        break;
      }
      case RuleType::kRowCount: {
        for (const char* key : {"min", "max"}) {
          const nlohmann::json* v = FindMember(item, key);
          if (v == nullptr) continue;
          if (!v->is_number() || v->get<double>() < 0) return ConfigError(JsonPointer(p, key), "must be a number ≥ 0");
          (std::string(key) == "min" ? rule.min : rule.max) = v->get<double>();
        }
        if (rule.min < 0 && rule.max < 0) return ConfigError(JsonPointer(p, "min"), "give min, max or both");
        break;
      }
      case RuleType::kNullShare: {
        const nlohmann::json* v = FindMember(item, "max");
        if (v == nullptr || !v->is_number() || v->get<double>() < 0 || v->get<double>() > 1) {
          return ConfigError(JsonPointer(p, "max"), "give the largest allowed share of nulls, between 0 and 1");
        }
        rule.max = v->get<double>();
        break;
      }
      case RuleType::kFreshness: {
        const TypeId id = in.field(rule.columns[0]).type.id;
        if (id != TypeId::kDate && id != TypeId::kTimestamp) {
          return ConfigError(JsonPointer(p, "column"), "column '" + column_name + "' is " +
                                                           in.field(rule.columns[0]).type.ToString() + ", not a date or timestamp");
        }
        const nlohmann::json* v = FindMember(item, "max_age_hours");
        if (v == nullptr || !v->is_number() || v->get<double>() <= 0) {
          return ConfigError(JsonPointer(p, "max_age_hours"), "give the largest allowed age of the latest value, in hours (> 0)");
        }
        rule.max_age_hours = v->get<double>();
        break;
      }
      case RuleType::kUnique:
      case RuleType::kUniqueKey: break;
    }
    if (!check.empty()) {
      auto compiled = CompileExpression(check, in, options);
      if (!compiled.ok()) return ConfigError(check_at, compiled.status().message());
      const TypeId t = (*compiled)->type().id;
      if (t != TypeId::kBool && t != TypeId::kNull) {
        return ConfigError(check_at, "a rule must be true or false, but it gives " + (*compiled)->type().ToString());
      }
      rule.check = std::move(*compiled);
      rule.text = rule.type == RuleType::kExpression ? "'" + check + "'" : rule.name;
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

Result<std::unique_ptr<Operator>> BindValidate(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::InvalidArgument("validate needs exactly one input");
  }
  const SchemaPtr& in = ctx.input_schemas[0];
  for (const char* reserved : {"_rule", "_reason"}) {
    if (in->FieldIndex(reserved) >= 0) {
      return ConfigError("/rules", std::string("the input already has a column '") + reserved +
                                       "', which the rejects output adds; rename it first");
    }
  }
  LD_ASSIGN_OR_RETURN(std::vector<Rule> rules, BindRules(ctx, *in));
  return std::unique_ptr<Operator>(std::make_unique<ValidateOperator>(in, std::move(rules)));
}

}  // namespace

ModuleDescriptor ValidateModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor("validate", "quality", "rule",
                                                      "Checks data-quality rules, rejects failing rows and reports per rule.",
                                                      "Rows to check.", "Rows that pass every row rule.");
  d.outputs.push_back({"rejects", "Rows that fail a row rule, with `_rule` (the first rule failed) and `_reason`."});
  d.description =
      "Checks `rules` over the input, like dbt tests or Great Expectations.\n\n"
      "Row rules judge each row; a row failing any goes to `rejects` with `_rule` naming the first "
      "rule it fails:\n"
      "- `not_null` (`column`);\n"
      "- `unique` (`columns`): every row whose key occurs more than once in this run fails (keys "
      "with a null are not checked). Needs the whole input first: the node then holds it, and "
      "past the memory budget spills the rows and the keys to disk (counted one hash partition at "
      "a time, exact at any budget); output rows keep their input order;\n"
      "- `in_set` (`column`, `values`), `range` (`column`, `min` and/or `max`, inclusive; strings "
      "are cast to the column's type, so dates work), `regex` (`column`, `pattern`: RE2, matches "
      "anywhere — anchor with `^…$`): nulls pass these three (use not_null for them);\n"
      "- `expression`: any boolean expression; false or NULL fails.\n\n"
      "Dataset rules judge the whole input once it has ended: `row_count` (`min`, `max`), "
      "`unique_key` (`columns`: no two rows share a non-null key; its distinct keys spill to disk "
      "past the memory budget and are counted exactly), `freshness` (`column`, a date "
      "or timestamp: its latest value is at most `max_age_hours` old) and `null_share` "
      "(`column`: nulls / rows ≤ `max`).\n\n"
      "`severity`: `fail` fails the run when the rule fails (loaders then publish nothing); `warn` "
      "reports it. Row rules default to `warn` (failing rows are rejected and the run goes on), "
      "dataset rules to `fail`. Rule names default to `<type>_<column>`.\n\n"
      "Quality report: when the input ends the run log gets `quality report: {…}` — rows, passed "
      "and rejected rows, outcome (passed, warned, failed) and per rule its type, severity, rows "
      "checked and failed, detail and outcome.";
  nlohmann::json rule = {
      {"type", "object"},
      {"title", "Rule"},
      {"required", {"type"}},
      {"additionalProperties", false},
      {"properties",
       {{"type", {{"type", "string"}, {"title", "Rule"}, {"enum", RuleTypeNames()}}},
        {"name", {{"type", "string"}, {"title", "Name"}, {"description", "Shown in _rule and the report. Default: <type>_<column>."}}},
        {"severity", {{"type", "string"}, {"title", "Severity"}, {"enum", {"fail", "warn"}}}},
        {"column", {{"type", "string"}, {"title", "Column"}, {"format", "column"}}},
        {"columns", {{"type", "array"}, {"title", "Key columns"}, {"items", {{"type", "string"}, {"format", "column"}}}}},
        {"values", {{"type", "array"}, {"title", "Allowed values (in_set)"}, {"items", {{"type", {"string", "number", "boolean"}}}}}},
        {"min", {{"type", {"number", "string"}}, {"title", "Minimum (range, row_count)"}}},
        {"max", {{"type", {"number", "string"}}, {"title", "Maximum (range, row_count; null_share: largest share)"}}},
        {"pattern", {{"type", "string"}, {"title", "Pattern (regex)"}}},
        {"expression", {{"type", "string"}, {"title", "Expression"}, {"format", "expression"}}},
        {"max_age_hours", {{"type", "number"}, {"exclusiveMinimum", 0}, {"title", "Max age in hours (freshness)"}}}}}};
  d.config_schema = {
      {"type", "object"},
      {"title", "Validate"},
      {"additionalProperties", false},
      {"required", {"rules"}},
      {"properties", {{"rules", {{"type", "array"}, {"title", "Rules"}, {"minItems", 1}, {"items", rule}}}}},
  };
  d.factory = BindValidate;
  return d;
}

}  // namespace logidata
