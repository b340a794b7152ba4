#include "transforms/cleaner.h"

#include <set>

#include "transforms/cleaner_plan.h"
#include "transforms/email_normalizer.h"
#include "transforms/phone_normalizer.h"
#include "transforms/rejected_rows.h"
#include "transforms/row_selection.h"

namespace logidata {
namespace {

class CleanerOperator final : public Operator {
 public:
  explicit CleanerOperator(CleanerPlan plan)
      : steps_(std::move(plan.steps)), rules_(std::move(plan.rules)), source_of_(std::move(plan.source_of)) {
    if (plan.dedupe) dedupe_keys_ = plan.dedupe->keys;
    whole_row_dedupe_ = plan.dedupe && plan.dedupe->keys.empty();
    output_schemas_.push_back(plan.cleaned);
    output_schemas_.push_back(RejectsSchema(*plan.cleaned));
    if (plan.dedupe) dedupe_ = std::make_unique<DedupeCore>(plan.cleaned, plan.dedupe->keys, plan.dedupe->keep);
  }

  bool UsesMemoryBudget() const override { return dedupe_ != nullptr; }
  Status Open(ExecContext& ctx) override {
    if (dedupe_ != nullptr) dedupe_->EnableSpill(ctx.fs, ctx.spill_dir, ctx.node_id, ctx.memory_budget_bytes);
    return Status::OK();
  }
  // Projection push-down: what downstream reads plus every column that decides which rows
  // survive (drop_nulls, rejecting email/phone checks, rules, dedupe keys). Flag columns map to the
  // column they check.
  std::optional<std::vector<int>> InputColumnsNeeded(int port, const std::vector<int>& needed_outputs) const override {
    (void)port;
    if (whole_row_dedupe_) return std::nullopt;
    std::set<int> needed;
    auto add = [&](int cleaned_column) {
      if (cleaned_column >= 0 && static_cast<size_t>(cleaned_column) < source_of_.size()) {
        needed.insert(source_of_[static_cast<size_t>(cleaned_column)]);
      }
    };
    for (int c : needed_outputs) add(c);
    for (const CleanerStep& step : steps_) {
      const bool decides_rows = step.kind == CleanerStepKind::kDropNulls ||
                                ((step.kind == CleanerStepKind::kEmail || step.kind == CleanerStepKind::kPhone) &&
                                 step.invalid == InvalidPolicy::kReject);
      if (decides_rows) {
        for (int c : step.columns) add(c);
      }
    }
    for (int c : rules_.ReferencedColumns()) add(c);
    for (int c : dedupe_keys_) add(c);
    return std::vector<int>(needed.begin(), needed.end());
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
    for (const CleanerStep& step : steps_) ApplyStep(step, schema, columns, alive, rejects);

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
  static void ApplyStep(const CleanerStep& step, const Schema& schema, std::vector<ColumnPtr>& columns,
                        std::vector<uint8_t>& alive, RejectedRows& rejects) {
    for (size_t k = 0; k < step.columns.size(); ++k) {
      const int c = step.columns[k];
      ColumnPtr& column = columns[static_cast<size_t>(c)];
      switch (step.kind) {
        case CleanerStepKind::kTrim:
          column = TrimColumn(*column);
          break;
        case CleanerStepKind::kCase:
          column = ChangeCaseColumn(*column, step.text_case);
          break;
        case CleanerStepKind::kFillNulls:
          column = step.fillers[k].Fill(column);
          break;
        case CleanerStepKind::kDropNulls:
          if (column->null_count() > 0) {
            const uint8_t* validity = column->validity();
            for (size_t b = 0; b < alive.size(); ++b) alive[b] &= validity[b];
          }
          break;
        case CleanerStepKind::kEmail:
        case CleanerStepKind::kPhone: {
          const bool email = step.kind == CleanerStepKind::kEmail;
          // Keep the original alive: the policy replaces columns[c] and may grow `columns`.
          const ColumnPtr original = column;
          NormalizedTextColumn result =
              email ? NormalizeEmailColumn(*original) : NormalizePhoneColumn(*original, step.country_code);
          ApplyInvalidPolicy(step, schema.field(c).name, email, *original, std::move(result), columns, c, alive,
                             rejects);
          break;
        }
      }
    }
  }

  static void ApplyInvalidPolicy(const CleanerStep& step, const std::string& name, bool email, const Column& original,
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

  std::vector<CleanerStep> steps_;
  ValidationRules rules_;
  std::vector<int> source_of_;
  std::vector<int> dedupe_keys_;
  bool whole_row_dedupe_ = false;
  std::unique_ptr<DedupeCore> dedupe_;  // used by one thread at a time (ordered input)
  bool dedupe_finished_ = false;
};

Result<std::unique_ptr<Operator>> BindCleaner(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1) return Status::Internal("cleaner expects exactly one input");
  ExpressionOptions options;
  options.params = ctx.params;
  LD_ASSIGN_OR_RETURN(CleanerPlan plan, BindCleanerPlan(ctx.cfg(), *ctx.input_schemas[0], options));
  return std::unique_ptr<Operator>(new CleanerOperator(std::move(plan)));
}

}  // namespace

constexpr const char* kCleanerDetails = R"md(At least one of `operations`, `rules` and `dedupe` is required; they apply in that order.

**Operations.** `trim` removes leading and trailing ASCII whitespace. `case` changes the case of ASCII letters; title case upper-cases a letter after anything that is not a letter, digit or apostrophe (`jean-luc o'neil` → `Jean-Luc O'neil`). `fill_nulls` constants must fit the column: a number for numeric columns, `true`/`false` for bool, `"YYYY-MM-DD"` for dates, `"YYYY-MM-DD HH:MM:SS"` for timestamps, any scalar for strings. `email` trims and lower-cases addresses and checks them: one `@`, a local part of RFC 5322 characters without leading, trailing or double dots, a dotted domain of letters, digits and hyphens, a top-level domain of two or more letters. `phone` rewrites numbers in E.164 (`+15552345678`): `+`, `00` (and `011` when the default code is 1) start an international number; otherwise a single leading trunk `0` is dropped and the default country code added; `(0)` after a country code is ignored; extensions (`x12`, `ext. 12`, `#12`) are dropped. Valid: 8–15 digits with the country code; for code 1 exactly 10 national digits with area code and exchange not starting with 0 or 1.

**Invalid values** (`invalid`): `flag` adds a boolean column `<column>_valid` at the end (NULL where the input is NULL); `keep` leaves invalid values (trimmed); `null` replaces them with NULL; `reject` sends the row to `rejects` with `_rule` = `email`/`phone` and a `_reason` quoting the value. Valid values are always normalised.

**Rules** see the cleaned values and any `_valid` columns. `action: fail` stops the run with "validation rule 'x' failed at row R of batch B". A row is rejected once, by the first operation or rule it fails. The `rejects` output has the cleaned columns plus `_rule` and `_reason` (both strings); connect it with `"source_port": "rejects"` on the edge.

**Dedupe.** Rows with equal values in `dedupe.keys` (default: all columns) after cleaning are duplicates; NULLs are equal. It uses the [transform.dedupe](transform.dedupe.md) engine, which spills to disk past the memory budget; `keep: last` emits its rows when the input ends.

The node reads what downstream reads plus the columns that decide which rows survive (everything when it dedupes whole rows or when its rejects output is connected).

```json
{
  "operations": [
    {"op": "trim"},
    {"op": "case", "mode": "title", "columns": ["name"]},
    {"op": "fill_nulls", "values": {"country": "unknown", "quantity": 0}},
    {"op": "drop_nulls", "columns": ["customer_id"]},
    {"op": "email", "columns": ["email"], "invalid": "reject"},
    {"op": "phone", "columns": ["phone"], "country_code": "44", "invalid": "flag"}
  ],
  "rules": [
    {"name": "positive_amount", "expression": "amount > 0", "message": "amount must be positive"},
    {"name": "known_phone", "expression": "phone_valid"},
    {"name": "sane_date", "expression": "order_date >= '2000-01-01'", "action": "fail"}
  ],
  "dedupe": {"keys": ["customer_id", "email"], "keep": "first"}
}
```)md";

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
  d.description += "\n\n";
  d.description += kCleanerDetails;
  return d;
}

}  // namespace logidata
