// transform.validate: row rules route failing rows to `rejects` with the first rule failed, counts
// per rule in the quality report (each rule counted on its own), dataset rules and severities, in
// every run mode; config errors at their JSON pointers.
#include <filesystem>
#include <mutex>
#include <set>

#include "analytic_test_util.h"
#include "types/column_builder.h"

namespace logidata::testing {
namespace {

using Rows2 = std::vector<std::vector<std::string>>;

// Captures the run log of the wrapped operator (the harness gives operators no logger).
class CapturingLogger final : public RunLogger {
 public:
  void Log(LogLevel, const std::string&, const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines.push_back(message);
  }
  // The quality report logged by the node, or null.
  nlohmann::json Report() const {
    for (const auto& l : lines) {
      if (l.rfind("quality report: ", 0) == 0) return nlohmann::json::parse(l.substr(16));
    }
    return nullptr;
  }
  std::vector<std::string> lines;

 private:
  std::mutex mu_;
};

class LoggedOperator final : public Operator {
 public:
  LoggedOperator(std::unique_ptr<Operator> inner, RunLogger* logger) : inner_(std::move(inner)), logger_(logger) {
    output_schemas_ = inner_->output_schemas();
  }
  Status Open(ExecContext& ctx) override {
    ctx.logger = logger_;
    return inner_->Open(ctx);
  }
  std::unique_ptr<OperatorState> MakeThreadState() override { return inner_->MakeThreadState(); }
  Status Consume(int port, const BatchPtr& b, OperatorState* s, Emitter& out) override { return inner_->Consume(port, b, s, out); }
  Status FinishPort(int port, const std::vector<OperatorState*>& s) override { return inner_->FinishPort(port, s); }
  bool EmitsOnConsume(int port) const override { return inner_->EmitsOnConsume(port); }
  bool RequiresOrderedInput(int port) const override { return inner_->RequiresOrderedInput(port); }
  Result<bool> Produce(OperatorState* s, Emitter& out) override { return inner_->Produce(s, out); }
  int MaxProduceParallelism() const override { return inner_->MaxProduceParallelism(); }

 private:
  std::unique_ptr<Operator> inner_;
  RunLogger* logger_;
};

struct Outcome {
  Status status;
  Rows2 out, rejects;
  nlohmann::json report;
};

Outcome RunValidate(const nlohmann::json& config, const BatchPtr& input, const RunMode& mode) {
  Outcome o;
  auto op = BindModule(AnalyticRegistry(), "transform.validate", config, {input->schema()});
  if (!op.ok()) {
    o.status = op.status();
    return o;
  }
  CapturingLogger logger;
  LoggedOperator logged(std::move(*op), &logger);
  HarnessOptions options;
  options.threads = mode.threads;
  options.memory_budget_bytes = mode.budget;
  auto out = RunOperator(logged, {Split(input, 2)}, options);
  o.report = logger.Report();
  if (!out.ok()) {
    o.status = out.status();
    return o;
  }
  o.out = SortedRows((*out)[0]);
  o.rejects = SortedRows((*out)[1]);
  return o;
}

const char* kOrders = "id:int64, email:string, status:string, amount:float64, day:date";
const Rows2 kOrderRows = {
    {"1", "a@x.com", "new", "10", "2024-01-01"},
    {"2", "NULL", "shipped", "-5", "2024-01-02"},
    {"3", "bad", "lost", "20", "NULL"},
    {"3", "c@x.com", "new", "NULL", "2024-01-03"},
    {"4", "d@x.com", "shipped", "1", "2024-01-04"},
};

nlohmann::json RowRules() {
  return {{{"type", "not_null"}, {"column", "email"}},
          {{"type", "in_set"}, {"column", "status"}, {"values", {"new", "shipped"}}},
          {{"type", "range"}, {"column", "amount"}, {"min", 0}, {"max", 100}},
          {{"type", "regex"}, {"column", "email"}, {"pattern", "^[^@]+@[^@]+$"}},
          {{"type", "expression"}, {"name", "small_amount"}, {"expression", "amount < 15"}},
          {{"type", "range"}, {"name", "january"}, {"column", "day"}, {"min", "2024-01-01"}, {"max", "2024-01-31"}}};
}

TEST(ValidateTest, RowRulesRejectWithTheFirstRuleFailed) {
  struct Case {
    std::string name;
    nlohmann::json extra_rules;
    Rows2 out;
    std::vector<std::string> reject_rules;  // _rule of the rejects, sorted by row
    std::map<std::string, int64_t> failed;  // per rule
  };
  const std::vector<Case> cases = {
      {"streaming", nlohmann::json::array(), {{"1", "a@x.com", "new", "10", "2024-01-01"}, {"4", "d@x.com", "shipped", "1", "2024-01-04"}},
       {"not_null_email", "in_set_status", "small_amount"},
       {{"not_null_email", 1}, {"in_set_status", 1}, {"range_amount", 1}, {"regex_email", 1}, {"small_amount", 2}, {"january", 0}}},
      {"with_unique_blocking", {{{"type", "unique"}, {"columns", {"id"}}}}, {{"1", "a@x.com", "new", "10", "2024-01-01"}, {"4", "d@x.com", "shipped", "1", "2024-01-04"}},
       {"not_null_email", "in_set_status", "small_amount"},
       {{"small_amount", 2}, {"unique_id", 2}}},
  };
  BatchPtr input = MakeBatch(kOrders, kOrderRows);
  for (const auto& c : cases) {
    nlohmann::json rules = RowRules();
    for (const auto& r : c.extra_rules) rules.push_back(r);
    for (const auto& mode : AnalyticModes()) {
      SCOPED_TRACE(c.name + " / " + mode.name);
      Outcome o = RunValidate({{"rules", rules}}, input, mode);
      ASSERT_TRUE(o.status.ok()) << o.status.ToString();
      EXPECT_EQ(o.out, c.out);
      std::vector<std::string> got_rules;
      for (const auto& r : o.rejects) got_rules.push_back(r[5]);
      EXPECT_EQ(got_rules, c.reject_rules);
      ASSERT_TRUE(o.report.is_object());
      EXPECT_EQ(o.report["rows"], 5);
      EXPECT_EQ(o.report["rejected_rows"], 3);
      EXPECT_EQ(o.report["outcome"], "warned");
      for (const auto& rule : o.report["rules"]) {
        auto it = c.failed.find(rule["name"].get<std::string>());
        if (it != c.failed.end()) EXPECT_EQ(rule["failed"], it->second) << rule.dump();
      }
    }
  }
}

TEST(ValidateTest, DatasetRulesAndSeverity) {
  struct Case {
    std::string name;
    nlohmann::json rule;
    bool run_fails;
    std::string outcome;
  };
  const std::vector<Case> cases = {
      {"row_count_within", {{"type", "row_count"}, {"min", 1}, {"max", 5}}, false, "passed"},
      {"row_count_too_few", {{"type", "row_count"}, {"min", 6}}, true, "failed"},
      {"row_count_too_many_warns", {{"type", "row_count"}, {"max", 4}, {"severity", "warn"}}, false, "warned"},
      {"unique_key_repeats", {{"type", "unique_key"}, {"columns", {"id"}}}, true, "failed"},
      {"unique_key_two_columns", {{"type", "unique_key"}, {"columns", {"id", "status"}}}, false, "passed"},
      {"null_share_ok", {{"type", "null_share"}, {"column", "email"}, {"max", 0.2}}, false, "passed"},
      {"null_share_too_high", {{"type", "null_share"}, {"column", "amount"}, {"max", 0.1}}, true, "failed"},
      {"stale_data", {{"type", "freshness"}, {"column", "day"}, {"max_age_hours", 24}}, true, "failed"},
      {"fresh_enough", {{"type", "freshness"}, {"column", "day"}, {"max_age_hours", 24.0 * 365 * 100}}, false, "passed"},
      {"row_rule_fail_severity", {{"type", "not_null"}, {"column", "email"}, {"severity", "fail"}}, true, "failed"},
  };
  BatchPtr input = MakeBatch(kOrders, kOrderRows);
  for (const auto& c : cases) {
    for (const auto& mode : AnalyticModes()) {
      SCOPED_TRACE(c.name + " / " + mode.name);
      Outcome o = RunValidate({{"rules", {c.rule}}}, input, mode);
      EXPECT_EQ(!o.status.ok(), c.run_fails) << o.status.ToString();
      if (c.run_fails) EXPECT_NE(o.status.message().find("validate: rule '"), std::string::npos) << o.status.ToString();
      ASSERT_TRUE(o.report.is_object());
      EXPECT_EQ(o.report["outcome"], c.outcome);
      EXPECT_EQ(o.report["rules"][0]["outcome"], c.outcome);
    }
  }
}

int64_t CountSpillFiles(const std::string& dir) {
  int64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

// A validate run over `input` (4096-row batches) with a spill folder of its own, looked at while
// the operator still lives (it removes its folders with itself).
struct SpillingRun {
  Result<std::vector<std::vector<BatchPtr>>> out = Status::Internal("not run");
  nlohmann::json report;
  int64_t spill_files = 0;  // regular files left in the folder
  bool spilled = false;     // anything was made in it (files, or folders emptied after use)
};

SpillingRun RunValidateSpilling(const nlohmann::json& config, const BatchPtr& input, int threads, int64_t budget) {
  SpillingRun run;
  auto op = BindModule(AnalyticRegistry(), "transform.validate", config, {input->schema()});
  if (!op.ok()) {
    run.out = op.status();
    return run;
  }
  CapturingLogger logger;
  LoggedOperator logged(std::move(*op), &logger);
  const std::string dir = TempDir("validate-spill");
  HarnessOptions options;
  options.threads = threads;
  options.memory_budget_bytes = budget;
  options.spill_dir = dir;
  run.out = RunOperator(logged, {Split(input, 4096)}, options);
  run.report = logger.Report();
  run.spill_files = CountSpillFiles(dir);
  run.spilled = !std::filesystem::is_empty(dir);
  std::filesystem::remove_all(dir);
  return run;
}

// `unique` over 200,000 rows whose duplicates are known by construction: id = i mod 150,000 (rows
// below 50,000 and from 150,000 repeat; every row ≡ 7 mod 1000 has a null id, which is never a
// duplicate) and tag = "t<i mod 190,000>" (rows below 10,000 and from 190,000 repeat). With a tiny
// budget the rows and keys spill and partitions are split again, on 1, 2 and 8 threads; the
// output keeps the input order and the counts are exact.
TEST(ValidateTest, UniqueSpillsPastTheBudgetWithTheExactAnswer) {
  constexpr int64_t kRows = 200000;
  ColumnBuilder ids(DataType::Int64(), kRows), tags(DataType::String(), kRows);
  std::vector<std::string> expected_out;  // ids (or NULL) of the passing rows, in input order
  std::vector<std::string> expected_rules;  // _rule of each reject, in input order
  int64_t dup_ids = 0, dup_tags = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    const bool null_id = i % 1000 == 7;
    if (null_id) ids.AppendNull();
    else ids.AppendInt64(i % 150000);
    tags.AppendString("t" + std::to_string(i % 190000));
    const bool id_repeats = !null_id && (i < 50000 || i >= 150000);
    const bool tag_repeats = i < 10000 || i >= 190000;
    dup_ids += id_repeats;
    dup_tags += tag_repeats;
    if (id_repeats) expected_rules.push_back("unique_id");
    else if (tag_repeats) expected_rules.push_back("tag_once");
    else expected_out.push_back(null_id ? "NULL" : std::to_string(i % 150000));
  }
  ASSERT_EQ(dup_ids, 99900);
  ASSERT_EQ(dup_tags, 20000);
  BatchPtr input = Batch::Make(ParseSchemaSpec("id:int64, tag:string"), {ids.Finish(), tags.Finish()}, kRows);
  const nlohmann::json config = {
      {"rules", {{{"type", "unique"}, {"columns", {"id"}}}, {{"type", "unique"}, {"name", "tag_once"}, {"columns", {"tag"}}}}}};
  struct Mode {
    int threads;
    int64_t budget;
    bool spills;
  };
  for (const Mode& mode : std::vector<Mode>{{1, int64_t{1} << 30, false}, {1, 1, true}, {2, 1, true},
                                            {8, 1, true}, {2, int64_t{2} << 20, true}, {8, int64_t{2} << 20, true}}) {
    SCOPED_TRACE(std::to_string(mode.threads) + " threads, budget " + std::to_string(mode.budget));
    SpillingRun run = RunValidateSpilling(config, input, mode.threads, mode.budget);
    auto& out = run.out;
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(run.spill_files > 0, mode.spills);
    std::vector<std::string> got_out, got_rules;
    for (const auto& row : Rows((*out)[0])) got_out.push_back(row[0]);
    for (const auto& row : Rows((*out)[1])) got_rules.push_back(row[2]);
    EXPECT_EQ(got_out, expected_out);
    EXPECT_EQ(got_rules, expected_rules);
    const nlohmann::json& report = run.report;
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(report["rows"], kRows);
    EXPECT_EQ(report["rejected_rows"], static_cast<int64_t>(expected_rules.size()));
    EXPECT_EQ(report["rules"][0]["failed"], dup_ids);
    EXPECT_EQ(report["rules"][1]["failed"], dup_tags);
  }
}

// `unique_key` (a dataset rule: how many rows repeat a key) over the same construction: past the
// budget each thread's distinct keys spill by hash partition and are counted a partition at a
// time (split again while too many), and the count is exact on 1, 2 and 8 threads.
TEST(ValidateTest, UniqueKeyCountsDistinctKeysExactlyPastTheBudget) {
  constexpr int64_t kRows = 300000;
  ColumnBuilder ids(DataType::Int64(), kRows), tags(DataType::String(), kRows);
  int64_t null_ids = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    if (i % 1000 == 7) {
      ids.AppendNull();
      ++null_ids;
    } else {
      ids.AppendInt64(i % 250000);
    }
    tags.AppendString("tag-" + std::to_string(i % 280000));
  }
  // id = i mod 250,000, null on rows ≡ 7 mod 1000: the distinct non-null ids, by enumeration.
  std::set<int64_t> distinct_ids;
  for (int64_t i = 0; i < kRows; ++i) {
    if (i % 1000 != 7) distinct_ids.insert(i % 250000);
  }
  const int64_t id_repeats = kRows - null_ids - static_cast<int64_t>(distinct_ids.size());
  const int64_t tag_repeats = kRows - 280000;
  BatchPtr input = Batch::Make(ParseSchemaSpec("id:int64, tag:string"), {ids.Finish(), tags.Finish()}, kRows);
  const nlohmann::json config = {{"rules",
                                  {{{"type", "unique_key"}, {"columns", {"id"}}, {"severity", "warn"}},
                                   {{"type", "unique_key"}, {"columns", {"tag"}}, {"severity", "warn"}}}}};
  struct Mode {
    int threads;
    int64_t budget;
    bool spills;
  };
  for (const Mode& mode : std::vector<Mode>{{1, int64_t{1} << 30, false}, {1, 1, true}, {2, 1, true}, {8, 1, true},
                                            {2, int64_t{2} << 20, true}}) {
    SCOPED_TRACE(std::to_string(mode.threads) + " threads, budget " + std::to_string(mode.budget));
    SpillingRun run = RunValidateSpilling(config, input, mode.threads, mode.budget);
    auto& out = run.out;
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    // The keys' spill folder is made only when keys are spilled (their files go once counted).
    EXPECT_EQ(run.spilled, mode.spills);
    EXPECT_EQ(Rows((*out)[0]).size(), static_cast<size_t>(kRows));
    const nlohmann::json& report = run.report;
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(report["rules"][0]["failed"], id_repeats);
    EXPECT_EQ(report["rules"][0]["checked"], kRows - null_ids);
    EXPECT_EQ(report["rules"][1]["failed"], tag_repeats);
  }
}

TEST(ValidateTest, DeclaresARejectsPort) {
  auto d = AnalyticRegistry().Find("transform", "validate");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ((*d)->outputs.size(), 2u);
  EXPECT_EQ((*d)->outputs[1].name, "rejects");
  auto op = BindModule(AnalyticRegistry(), "transform.validate", {{"rules", RowRules()}}, {MakeBatch(kOrders, {})->schema()});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  const Schema& rejects = *(*op)->output_schemas()[1];
  EXPECT_EQ(rejects.field(5).name, "_rule");
  EXPECT_EQ(rejects.field(6).name, "_reason");
}

TEST(ValidateTest, BadConfigsNameTheField) {
  auto schema = MakeBatch(kOrders, {})->schema();
  ExpectAnalyticBindErrors(
      "transform.validate", {schema},
      {
          {{{"rules", nlohmann::json::array()}}, "/rules", "at least one rule"},
          {{{"rules", {{{"type", "is_nice"}}}}}, "/rules/0/type", "is_nice"},
          {{{"rules", {{{"type", "not_null"}, {"column", "emial"}}}}}, "/rules/0/column", "emial"},
          {{{"rules", {{{"type", "unique"}}}}}, "/rules/0/columns", "key columns"},
          {{{"rules", {{{"type", "in_set"}, {"column", "status"}}}}}, "/rules/0/values", "allowed values"},
          {{{"rules", {{{"type", "range"}, {"column", "amount"}}}}}, "/rules/0/min", "min, max"},
          {{{"rules", {{{"type", "regex"}, {"column", "email"}, {"pattern", "("}}}}}, "/rules/0/pattern", ""},
          {{{"rules", {{{"type", "expression"}, {"expression", "amount + 1"}}}}}, "/rules/0/expression", "true or false"},
          {{{"rules", {{{"type", "freshness"}, {"column", "email"}, {"max_age_hours", 1}}}}}, "/rules/0/column", "not a date"},
          {{{"rules", {{{"type", "freshness"}, {"column", "day"}}}}}, "/rules/0/max_age_hours", "hours"},
          {{{"rules", {{{"type", "null_share"}, {"column", "day"}, {"max", 2}}}}}, "/rules/0/max", "between 0 and 1"},
          {{{"rules", {{{"type", "row_count"}}}}}, "/rules/0/min", "min, max"},
          {{{"rules", {{{"type", "not_null"}, {"column", "id"}, {"severity", "panic"}}}}}, "/rules/0/severity", "panic"},
          {{{"rules", {{{"type", "not_null"}, {"column", "id"}}, {{"type", "not_null"}, {"column", "id"}}}}}, "/rules/1/name", "used twice"},
      });
}

}  // namespace
}  // namespace logidata::testing
