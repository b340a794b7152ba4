// The scheduler side of triggers and retention on a real SQLite metadata store: on-success
// followers fire once per upstream success however many passes run, only inside the organization;
// the retention purge removes exactly the run data older than each organization's setting.
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "auth/jwt.h"
#include "auth/secret_box.h"
#include "auth/token_codec.h"
#include "metadata/database.h"
#include "metadata/migrations.h"
#include "metadata/pipeline_store.h"
#include "metadata/retention_store.h"
#include "metadata/run_store.h"
#include "metadata/trigger_store.h"
#include "scheduler/schedule_trigger.h"

namespace logidata {
namespace {

namespace fs = std::filesystem;

class SchedulerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ld-trig-" + NewId());
    fs::create_directories(dir_);
    auto db = OpenDatabase((dir_ / "meta.db").string(), 2);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(RunMigrations(*db_).ok());
    box_ = std::make_unique<SecretBox>(RandomBytes(32));
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Org(const std::string& name) {
    std::string id = NewId();
    EXPECT_TRUE(db_->Query("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)", {id, name, NowIso8601()}).ok());
    return id;
  }
  std::string Pipeline(const std::string& org, const std::string& name) {
    PipelineWrite w;
    w.org_id = org;
    w.actor = "test";
    w.document = {{"name", name}, {"nodes", nlohmann::json::array()}, {"edges", nlohmann::json::array()}};
    auto p = CreatePipeline(*db_, w, "pipeline.create");
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p->id : "";
  }
  // A run of `pipeline` that ended with `status` at `finished_at`.
  std::string FinishedRun(const std::string& org, const std::string& pipeline, const std::string& status,
                          const std::string& finished_at) {
    NewRun run;
    run.org_id = org;
    run.pipeline_id = pipeline;
    run.pipeline_version = 1;
    run.trigger = "manual";
    auto created = CreateRun(*db_, run, "test");
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    std::string id = (*created)["id"];
    EXPECT_TRUE(db_->Query("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", {status, finished_at, id}).ok());
    return id;
  }
  int64_t Count(const std::string& sql, const DbParams& params = {}) {
    auto r = db_->Query(sql, params);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->rows[0].Int("n") : -1;
  }

  fs::path dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SecretBox> box_;
};

TEST_F(SchedulerStoreTest, OnSuccessFiresOncePerUpstreamSuccessEvenWhenPassesRepeat) {
  std::string org = Org("a"), other = Org("b");
  std::string up = Pipeline(org, "up"), down = Pipeline(org, "down");
  auto created = CreateTrigger(*db_, *box_, {org, down, kTriggerKindOnSuccess, up, std::nullopt, {{"region", "eu"}}, "test"});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->token.empty());
  // A pipeline of another organization cannot be followed, nor can a pipeline follow itself.
  std::string foreign = Pipeline(other, "foreign");
  struct Bad {
    const char* name;
    NewTrigger trigger;
    StatusCode code;
  };
  std::vector<Bad> bad = {
      {"foreign upstream", {org, down, kTriggerKindOnSuccess, foreign, std::nullopt, {}, "t"}, StatusCode::kInvalidArgument},
      {"foreign pipeline", {org, foreign, kTriggerKindOnSuccess, up, std::nullopt, {}, "t"}, StatusCode::kNotFound},
      {"self", {org, up, kTriggerKindOnSuccess, up, std::nullopt, {}, "t"}, StatusCode::kInvalidArgument},
      {"duplicate", {org, down, kTriggerKindOnSuccess, up, std::nullopt, {}, "t"}, StatusCode::kAlreadyExists},
      {"no upstream", {org, down, kTriggerKindOnSuccess, "", std::nullopt, {}, "t"}, StatusCode::kInvalidArgument},
      {"unknown kind", {org, down, "cron", "", std::nullopt, {}, "t"}, StatusCode::kInvalidArgument},
      {"short hmac", {org, down, kTriggerKindWebhook, "", std::string("short"), {}, "t"}, StatusCode::kInvalidArgument},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    auto r = CreateTrigger(*db_, *box_, b.trigger);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), b.code) << r.status().ToString();
  }

  std::string now_iso = NowIso8601();
  std::string ok_run = FinishedRun(org, up, "succeeded", now_iso);
  FinishedRun(org, up, "failed", now_iso);  // a failure starts nothing
  ScheduleTrigger trigger(db_.get(), nullptr);
  int64_t now = UnixMillisFromIso(now_iso).value() / 1000 + 1;
  auto first = trigger.FireDue(now);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 1);
  auto second = trigger.FireDue(now + 1);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 0) << "a second pass must not fire the same success again";
  auto runs = db_->Query("SELECT parameters, trigger_kind FROM runs WHERE pipeline_id = ?", {down});
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->rows.size(), 1u);
  nlohmann::json params = nlohmann::json::parse(runs->rows[0].Str("parameters"));
  EXPECT_EQ(params["upstream_run_id"], ok_run);
  EXPECT_EQ(params["region"], "eu");
  EXPECT_EQ(runs->rows[0].Str("trigger_kind"), "pipeline");
  // A later success fires again, once.
  FinishedRun(org, up, "succeeded", NowIso8601());
  EXPECT_EQ(trigger.FireDue(now + 5).value(), 1);
  EXPECT_EQ(trigger.FireDue(now + 6).value(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM runs WHERE pipeline_id = ?", {down}), 2);

  // Deleting the trigger stops it, and the list no longer shows it; foreign orgs see nothing.
  auto listed = ListTriggers(*db_, org, down);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(ListTriggers(*db_, other, down).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(DeleteTrigger(*db_, other, down, created->trigger["id"], "x").code(), StatusCode::kNotFound);
  ASSERT_TRUE(DeleteTrigger(*db_, org, down, created->trigger["id"], "x").ok());
  FinishedRun(org, up, "succeeded", NowIso8601());
  EXPECT_EQ(trigger.FireDue(now + 10).value(), 0);
}

TEST_F(SchedulerStoreTest, WebhookTokenIsStoredHashedAndMatchedExactly) {
  std::string org = Org("a");
  std::string p = Pipeline(org, "p");
  auto created = CreateTrigger(*db_, *box_, {org, p, kTriggerKindWebhook, "", std::string("0123456789abcdef-key"), {}, "t"});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_FALSE(created->token.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM pipeline_triggers WHERE token_hash = ?", {created->token}), 0)
      << "the token itself must never be stored";
  EXPECT_EQ(created->trigger.dump().find(created->token), std::string::npos);
  EXPECT_TRUE(created->trigger["has_hmac_secret"].get<bool>());
  auto hook = LoadWebhook(*db_, *box_, created->trigger["id"]);
  ASSERT_TRUE(hook.ok());
  EXPECT_EQ(hook->hmac_secret.value_or(""), "0123456789abcdef-key");
  struct Case {
    std::string token;
    bool matches;
  };
  std::string t = created->token;
  for (const Case& c : std::vector<Case>{{t, true}, {t + "x", false}, {t.substr(0, t.size() - 1), false}, {"", false},
                                         {hook->token_hash, false}}) {
    SCOPED_TRACE(c.token);
    EXPECT_EQ(WebhookTokenMatches(*hook, c.token), c.matches);
  }
  EXPECT_EQ(LoadWebhook(*db_, *box_, NewId()).status().code(), StatusCode::kNotFound);
}

TEST_F(SchedulerStoreTest, RetentionPurgesOnlyOldRunDataOfOrganizationsThatAskForIt) {
  std::string org = Org("keeps-7-days"), forever = Org("keeps-forever");
  std::string p = Pipeline(org, "p"), q = Pipeline(forever, "q");
  const int64_t now = UnixNowSeconds();
  auto iso_days_ago = [&](int64_t days) { return IsoFromUnixMillis((now - days * 86400) * 1000); };
  struct RunCase {
    const char* name;
    std::string org, pipeline, status;
    int64_t age_days;
    bool purged;
  };
  std::vector<RunCase> cases = {
      {"old succeeded", org, p, "succeeded", 30, true},
      {"old failed", org, p, "failed", 8, true},
      {"recent", org, p, "succeeded", 6, false},
      {"old, other org without retention", forever, q, "succeeded", 400, false},
  };
  std::vector<std::string> ids;
  for (const RunCase& c : cases) {
    std::string id = FinishedRun(c.org, c.pipeline, c.status, iso_days_ago(c.age_days));
    ids.push_back(id);
    for (int seq = 1; seq <= 5; ++seq) {
      ASSERT_TRUE(db_->Query("INSERT INTO run_logs (run_id, seq, ts, level, node_id, message) VALUES (?, ?, ?, 'info', '', 'x')",
                             {id, int64_t{seq}, NowIso8601()}).ok());
    }
    ASSERT_TRUE(db_->Query("INSERT INTO node_metrics (run_id, node_id, status) VALUES (?, 'n', 'succeeded')", {id}).ok());
    ASSERT_TRUE(db_->Query("INSERT INTO data_previews (id, org_id, pipeline_id, node_id, pipeline_version, result, "
                           "created_at) VALUES (?, ?, ?, 'n', 1, '{}', ?)",
                           {NewId(), c.org, c.pipeline, iso_days_ago(c.age_days)}).ok());
  }
  // A long-running run started long ago keeps its logs until it finishes.
  std::string running = FinishedRun(org, p, "running", iso_days_ago(20));
  ASSERT_TRUE(db_->Query("UPDATE runs SET finished_at = NULL WHERE id = ?", {running}).ok());
  ASSERT_TRUE(db_->Query("INSERT INTO run_logs (run_id, seq, ts, level, node_id, message) VALUES (?, 1, ?, 'info', '', 'x')",
                         {running, NowIso8601()}).ok());

  EXPECT_EQ(SaveRetentionDays(*db_, org, 0, "t").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SaveRetentionDays(*db_, org, kMaxRetentionDays + 1, "t").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(SaveRetentionDays(*db_, org, 7, "t").ok());
  EXPECT_EQ(LoadRetentionDays(*db_, org).value(), std::optional<int64_t>(7));
  EXPECT_EQ(LoadRetentionDays(*db_, forever).value(), std::nullopt);

  // Batches of one run: the purge must loop, not stop after the first statement.
  auto purged = PurgeExpiredRunData(*db_, now, /*batch_size=*/1);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->runs, 2);
  EXPECT_EQ(purged->previews, 2);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    int64_t logs = Count("SELECT COUNT(*) AS n FROM run_logs WHERE run_id = ?", {ids[i]});
    int64_t metrics = Count("SELECT COUNT(*) AS n FROM node_metrics WHERE run_id = ?", {ids[i]});
    EXPECT_EQ(logs, cases[i].purged ? 0 : 5);
    EXPECT_EQ(metrics, cases[i].purged ? 0 : 1);
    EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM runs WHERE id = ?", {ids[i]}), 1) << "runs themselves stay";
  }
  EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM run_logs WHERE run_id = ?", {running}), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM data_previews"), 2);
  // A second pass finds nothing; clearing the setting keeps everything from then on.
  EXPECT_EQ(PurgeExpiredRunData(*db_, now).value().runs, 0);
  ASSERT_TRUE(SaveRetentionDays(*db_, org, std::nullopt, "t").ok());
  EXPECT_EQ(PurgeExpiredRunData(*db_, now + 365 * 86400).value().runs, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM data_previews"), 2);
  // The scheduler runs the same purge as leader.
  ASSERT_TRUE(SaveRetentionDays(*db_, org, 1, "t").ok());
  ScheduleTrigger trigger(db_.get(), nullptr);
  auto by_leader = trigger.PurgeRetention(now);
  ASSERT_TRUE(by_leader.ok());
  EXPECT_EQ(by_leader->runs, 1);
}

}  // namespace
}  // namespace logidata
