// RunQueueGauges against a real SQLite metadata store: counts by live status, the wait of the
// oldest ready run (a retry still in its backoff does not count), expired leases, the longest
// run, and metadata_store_up.
#include "server/run_queue_gauges.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "metadata/database.h"
#include "metadata/migrations.h"

namespace logidata {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "name{labels}" -> value of every sample line.
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    out[line.substr(0, space)] = std::atof(line.c_str() + space + 1);
  }
  return out;
}

class RunQueueGaugesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ld-gauges-" + NewId());
    std::filesystem::create_directories(dir_);
    auto db = OpenDatabase((dir_ / "logidata.db").string(), 2);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(RunMigrations(*db_).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  // A run `status` created `age_s` seconds ago; started then when running.
  void AddRun(const std::string& status, double age_s, const std::optional<double>& not_before_in_s = std::nullopt,
              const std::optional<double>& lease_in_s = std::nullopt) {
    std::string created = IsoFromUnixMillis(NowMs() - static_cast<int64_t>(age_s * 1000));
    DbValue not_before = nullptr, lease = nullptr, started = nullptr;
    if (not_before_in_s) not_before = IsoFromUnixMillis(NowMs() + static_cast<int64_t>(*not_before_in_s * 1000));
    if (lease_in_s) lease = IsoFromUnixMillis(NowMs() + static_cast<int64_t>(*lease_in_s * 1000));
    if (status == "running") started = created;
    auto r = db_->Query("INSERT INTO runs (id, org_id, pipeline_id, pipeline_version, status, trigger_kind, created_at, "
                        "started_at, not_before, lease_expires_at) VALUES (?, 'o', 'p', 1, ?, 'manual', ?, ?, ?, ?)",
                        {NewId(), status, created, started, not_before, lease});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::map<std::string, double> Scrape() {
    std::string text;
    AppendRunQueueGauges(*db_, text);
    return Samples(text);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(RunQueueGaugesTest, EmptyStoreReportsZeros) {
  auto s = Scrape();
  EXPECT_EQ(s["metadata_store_up"], 1);
  EXPECT_EQ(s["pipeline_runs{status=\"queued\"}"], 0);
  EXPECT_EQ(s["pipeline_runs{status=\"running\"}"], 0);
  EXPECT_EQ(s["pipeline_queue_oldest_ready_seconds"], 0);
  EXPECT_EQ(s["pipeline_runs_lease_expired"], 0);
  EXPECT_EQ(s["pipeline_run_longest_running_seconds"], 0);
}

TEST_F(RunQueueGaugesTest, CountsWaitsLeasesAndLongestRun) {
  AddRun("queued", 120);                 // ready for two minutes: the oldest ready
  AddRun("queued", 5);
  AddRun("retrying", 900, 60.0);         // older, but its backoff has a minute to go: not ready
  AddRun("running", 600, std::nullopt, -30.0);  // lease expired half a minute ago
  AddRun("running", 10, std::nullopt, 20.0);
  AddRun("succeeded", 5000);
  AddRun("failed", 5000);
  auto s = Scrape();
  EXPECT_EQ(s["pipeline_runs{status=\"queued\"}"], 2);
  EXPECT_EQ(s["pipeline_runs{status=\"retrying\"}"], 1);
  EXPECT_EQ(s["pipeline_runs{status=\"running\"}"], 2);
  EXPECT_NEAR(s["pipeline_queue_oldest_ready_seconds"], 120, 5);
  EXPECT_EQ(s["pipeline_runs_lease_expired"], 1);
  EXPECT_NEAR(s["pipeline_run_longest_running_seconds"], 600, 5);
}

TEST_F(RunQueueGaugesTest, ARetryWhoseBackoffEndedWaitsSinceItsBackoffEnded) {
  AddRun("retrying", 900, -40.0);  // created 15 minutes ago, ready since 40 s
  EXPECT_NEAR(Scrape()["pipeline_queue_oldest_ready_seconds"], 40, 5);
}

TEST_F(RunQueueGaugesTest, AStoreThatDoesNotAnswerIsReportedDown) {
  ASSERT_TRUE(db_->Query("DROP TABLE runs").ok());  // every gauge query now fails
  std::string text;
  AppendRunQueueGauges(*db_, text);
  EXPECT_NE(text.find("metadata_store_up 0"), std::string::npos) << text;
  EXPECT_EQ(text.find("pipeline_runs{"), std::string::npos) << text;
}

}  // namespace
}  // namespace logidata
