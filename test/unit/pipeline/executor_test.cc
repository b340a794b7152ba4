#include <gtest/gtest.h>

#include <numeric>
#include <thread>

#include "pipeline/run_pipeline.h"
#include "test_modules.h"

namespace logidata {
namespace {

using testing::Collected;

struct Fixture {
  ModuleRegistry registry;
  Collected collected;
  Fixture() { EXPECT_TRUE(testing::RegisterTestModules(registry, &collected).ok()); }

  RunResult Run(const std::string& json, int threads, const std::atomic<bool>* cancel = nullptr, int64_t memory = 0) {
    auto spec = ParsePipelineText(json, "test.json");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    RunOptions options;
    options.threads = threads;
    options.memory_budget_bytes = memory;
    options.cancel = cancel;
    options.progress_interval_ms = 20;
    return RunPipeline(*spec, registry, options);
  }
};

std::vector<int64_t> Range(int64_t n, int64_t mul = 1) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i * mul;
  return v;
}

const char* kChain = R"({"name": "chain", "nodes": [
  {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 100000, "batch": 997, "parallel": PAR}},
  {"id": "dbl", "type": "transform", "module": "double"},
  {"id": "even", "type": "transform", "module": "keep_even"},
  {"id": "out", "type": "load", "module": "collect"}],
 "edges": [{"source": "src", "target": "dbl"}, {"source": "dbl", "target": "even"}, {"source": "even", "target": "out"}]})";

std::string WithParallel(const char* tmpl, bool parallel) {
  std::string s = tmpl;
  s.replace(s.find("PAR"), 3, parallel ? "true" : "false");
  return s;
}

TEST(ExecutorTest, StreamsInOrderOnAnyThreadCount) {
  for (int threads : {1, 2, 4}) {
    for (bool parallel : {false, true}) {
      SCOPED_TRACE("threads=" + std::to_string(threads) + " parallel=" + std::to_string(parallel));
      Fixture f;
      RunResult r = f.Run(WithParallel(kChain, parallel), threads);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(f.collected.values["out"], Range(100000, 2));
      EXPECT_TRUE(f.collected.committed["out"]);
      EXPECT_FALSE(f.collected.aborted["out"]);
      EXPECT_EQ(r.nodes["src"].rows_out, 100000);
      EXPECT_EQ(r.nodes["even"].rows_in, 100000);
      EXPECT_EQ(r.nodes["out"].rows_in, 100000);
      EXPECT_EQ(r.nodes["out"].status, NodeStatus::kSucceeded);
    }
  }
}

TEST(ExecutorTest, BlockingNodeSeesAllInputAndFanOutFeedsBoth) {
  Fixture f;
  RunResult r = f.Run(R"({"name": "fan", "nodes": [
    {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 5000, "batch": 100, "parallel": true}},
    {"id": "sum", "type": "transform", "module": "total"},
    {"id": "all", "type": "load", "module": "collect", "config": {"ordered": false}},
    {"id": "tot", "type": "load", "module": "collect"}],
   "edges": [{"source": "src", "target": "sum"}, {"source": "sum", "target": "tot"}, {"source": "src", "target": "all"}]})",
                      2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(f.collected.values["tot"], std::vector<int64_t>{5000LL * 4999 / 2});
  auto all = f.collected.values["all"];
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, Range(5000));
}

TEST(ExecutorTest, BuildSideFinishesBeforeProbe) {
  Fixture f;
  RunResult r = f.Run(R"({"name": "join", "nodes": [
    {"id": "probe", "type": "extract", "module": "numbers", "config": {"count": 20000, "batch": 256, "parallel": true}},
    {"id": "build", "type": "extract", "module": "numbers", "config": {"count": 3000, "batch": 100}},
    {"id": "dbl", "type": "transform", "module": "double"},
    {"id": "lk", "type": "transform", "module": "lookup"},
    {"id": "out", "type": "load", "module": "collect"}],
   "edges": [{"source": "probe", "target": "lk", "target_port": "probe"},
             {"source": "build", "target": "dbl"}, {"source": "dbl", "target": "lk", "target_port": "build"},
             {"source": "lk", "target": "out"}]})",
                      2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(f.collected.values["out"], Range(3000, 2));
}

TEST(ExecutorTest, SelfJoinHoldsTheProbeSideUntilTheBuildSideIsComplete) {
  // One source feeds both sides of the lookup (directly and through a transform): its probe
  // batches are held until the build side, which the same source feeds, has finished.
  for (int threads : {1, 2}) {
    for (const char* probe_path : {"direct", "through_keep_even"}) {
      Fixture f;
      std::string json = R"({"name": "self-join", "nodes": [
        {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 20000, "batch": 256, "parallel": true}},
        {"id": "dbl", "type": "transform", "module": "double"},
        {"id": "even", "type": "transform", "module": "keep_even"},
        {"id": "lk", "type": "transform", "module": "lookup"},
        {"id": "out", "type": "load", "module": "collect"}],
       "edges": [{"source": "src", "target": "dbl"}, {"source": "dbl", "target": "lk", "target_port": "build"},
                 PROBE, {"source": "lk", "target": "out"}]})";
      std::string probe = std::string(probe_path) == "direct"
                              ? R"({"source": "src", "target": "lk", "target_port": "probe"}, {"source": "src", "target": "even"})"
                              : R"({"source": "src", "target": "even"}, {"source": "even", "target": "lk", "target_port": "probe"})";
      json.replace(json.find("PROBE"), 5, probe);
      RunResult r = f.Run(json, threads);
      ASSERT_TRUE(r.status.ok()) << probe_path << ", " << threads << " threads: " << r.status.ToString();
      auto out = f.collected.values["out"];
      std::sort(out.begin(), out.end());
      EXPECT_EQ(out, Range(10000, 2)) << probe_path << ", " << threads << " threads";
      EXPECT_EQ(r.nodes["lk"].rows_in, 40000 - (std::string(probe_path) == "direct" ? 0 : 10000));
      // The held probe batches count as the node's memory while they wait.
      EXPECT_GT(r.nodes["lk"].peak_memory_bytes, 0) << probe_path;
    }
  }
}

TEST(ExecutorTest, SelfJoinSpillsTheHeldProbeSidePastItsShareOfTheBudget) {
  // 20,000 probe rows (about 190 KB in 79 batches) wait for the build side. With a 64 KiB budget,
  // shared by the lookup and its parked probe port, the held batches go to disk past 32 KiB and
  // come back in order: the same rows, and the node's memory stays near its share.
  for (int threads : {1, 2}) {
    Fixture f;
    RunResult r = f.Run(R"({"name": "self-join", "nodes": [
      {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 20000, "batch": 256, "parallel": true}},
      {"id": "dbl", "type": "transform", "module": "double"},
      {"id": "lk", "type": "transform", "module": "lookup"},
      {"id": "out", "type": "load", "module": "collect", "config": {"ordered": true}}],
     "edges": [{"source": "src", "target": "dbl"}, {"source": "dbl", "target": "lk", "target_port": "build"},
               {"source": "src", "target": "lk", "target_port": "probe"}, {"source": "lk", "target": "out"}]})",
                        threads, nullptr, /*memory=*/64 << 10);
    ASSERT_TRUE(r.status.ok()) << threads << " threads: " << r.status.ToString();
    EXPECT_EQ(f.collected.values["out"], Range(10000, 2)) << threads << " threads";
    EXPECT_GT(r.nodes["lk"].peak_memory_bytes, 0);
    EXPECT_LE(r.nodes["lk"].peak_memory_bytes, (32 << 10) + 4096) << threads << " threads";
  }
}

TEST(ExecutorTest, VariadicUnionReceivesEveryInput) {
  Fixture f;
  RunResult r = f.Run(R"({"name": "union", "nodes": [
    {"id": "a", "type": "extract", "module": "numbers", "config": {"count": 1000, "batch": 10}},
    {"id": "b", "type": "extract", "module": "numbers", "config": {"count": 500, "batch": 7, "parallel": true}},
    {"id": "c", "type": "extract", "module": "numbers", "config": {"count": 3}},
    {"id": "u", "type": "transform", "module": "merge"},
    {"id": "out", "type": "load", "module": "collect"}],
   "edges": [{"source": "a", "target": "u"}, {"source": "b", "target": "u"}, {"source": "c", "target": "u"},
             {"source": "u", "target": "out"}]})",
                      2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(f.collected.values["out"].size(), 1503u);
}

TEST(ExecutorTest, FailureNamesNodeAndAbortsLoaders) {
  for (int threads : {1, 2}) {
    Fixture f;
    RunResult r = f.Run(R"({"name": "fail", "nodes": [
      {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 100000, "batch": 100, "parallel": true}},
      {"id": "boom", "type": "transform", "module": "fail", "config": {"at": 54321}},
      {"id": "out", "type": "load", "module": "collect"}],
     "edges": [{"source": "src", "target": "boom"}, {"source": "boom", "target": "out"}]})",
                        threads);
    EXPECT_TRUE(r.status.IsDataError()) << r.status.ToString();
    EXPECT_NE(r.status.message().find("node 'boom'"), std::string::npos);
    EXPECT_NE(r.status.message().find("54321"), std::string::npos);
    EXPECT_EQ(r.failed_node, "boom");
    EXPECT_EQ(r.nodes["boom"].status, NodeStatus::kFailed);
    EXPECT_TRUE(f.collected.aborted["out"]);
    EXPECT_FALSE(f.collected.committed["out"]);
  }
}

TEST(ExecutorTest, CancellationStopsAndAborts) {
  Fixture f;
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    cancel = true;
  });
  RunResult r = f.Run(R"({"name": "long", "nodes": [
    {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 2000000000, "batch": 1000}},
    {"id": "out", "type": "load", "module": "collect", "config": {"ordered": false}}],
   "edges": [{"source": "src", "target": "out"}]})",
                      2, &cancel);
  canceller.join();
  EXPECT_TRUE(r.status.IsCancelled()) << r.status.ToString();
  EXPECT_TRUE(f.collected.aborted["out"]);
  EXPECT_EQ(r.nodes["out"].status, NodeStatus::kCancelled);
}

// A source and a sink with the given source config and node fields (retry, timeout_seconds).
std::string FlakyPipeline(const std::string& source_config, const std::string& node_fields) {
  return R"({"name": "flaky", "nodes": [
    {"id": "src", "type": "extract", "module": "flaky", "config": )" + source_config + node_fields + R"(},
    {"id": "out", "type": "load", "module": "collect", "config": {"ordered": false}}],
   "edges": [{"source": "src", "target": "out"}]})";
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(ExecutorTest, NodeRetryReopensAfterUnavailable) {
  struct Case {
    int failures;
    int max_attempts;
    bool succeeds;
  };
  for (const Case& c : {Case{0, 1, true}, Case{2, 3, true}, Case{3, 3, false}, Case{1, 1, false}}) {
    SCOPED_TRACE("failures " + std::to_string(c.failures) + ", max_attempts " + std::to_string(c.max_attempts));
    Fixture f;
    RunResult r = f.Run(FlakyPipeline(R"({"open_failures": )" + std::to_string(c.failures) + "}",
                                      R"(, "retry": {"max_attempts": )" + std::to_string(c.max_attempts) +
                                          R"(, "backoff_seconds": 0.01})"),
                        2);
    if (c.succeeds) {
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(f.collected.values["out"].size(), 3u);
    } else {
      EXPECT_TRUE(r.status.IsUnavailable()) << r.status.ToString();
      EXPECT_NE(r.status.message().find("open " + std::to_string(c.max_attempts)), std::string::npos) << r.status.ToString();
      EXPECT_EQ(r.failed_node, "src");
      EXPECT_FALSE(r.timed_out);
    }
  }
}

TEST(ExecutorTest, NodeTimeoutFailsTheRunAsTimedOut) {
  Fixture f;
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = f.Run(FlakyPipeline(R"({"stall_ms": 60000})", R"(, "timeout_seconds": 0.3)"), 2);
  double took = SecondsSince(t0);
  EXPECT_TRUE(r.status.IsUnavailable()) << r.status.ToString();
  EXPECT_NE(r.status.message().find("timed out after 0.3 s"), std::string::npos) << r.status.ToString();
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.failed_node, "src");
  EXPECT_TRUE(f.collected.aborted["out"]);
  EXPECT_LT(took, 2.0);
}

TEST(ExecutorTest, NodeTimeoutCoversOpening) {
  Fixture f;
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = f.Run(FlakyPipeline(R"({"block_open": true})", R"(, "timeout_seconds": 0.2)"), 1);
  EXPECT_TRUE(r.timed_out) << r.status.ToString();
  EXPECT_LT(SecondsSince(t0), 2.0);
}

TEST(ExecutorTest, CancelStopsANodeBlockedInOpenWithinTwoSeconds) {
  for (bool block_open : {true, false}) {
    SCOPED_TRACE(block_open ? "blocked opening" : "stalled producing");
    Fixture f;
    std::atomic<bool> cancel{false};
    std::chrono::steady_clock::time_point cancelled_at;
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      cancelled_at = std::chrono::steady_clock::now();
      cancel = true;
    });
    RunResult r = f.Run(FlakyPipeline(block_open ? R"({"block_open": true})" : R"({"stall_ms": 60000})", ""), 2, &cancel);
    auto returned = std::chrono::steady_clock::now();
    canceller.join();
    EXPECT_TRUE(r.status.IsCancelled()) << r.status.ToString();
    EXPECT_FALSE(r.timed_out);
    EXPECT_LT(std::chrono::duration<double>(returned - cancelled_at).count(), 2.0);
  }
}

TEST(ExecutorTest, InvalidPipelineDoesNotRun) {
  Fixture f;
  RunResult r = f.Run(R"({"name": "bad", "nodes": [
    {"id": "src", "type": "extract", "module": "numbers", "config": {"count": -1}},
    {"id": "out", "type": "load", "module": "collect"}],
   "edges": [{"source": "src", "target": "out"}]})",
                      1);
  EXPECT_TRUE(r.status.IsInvalidArgument());
  EXPECT_NE(r.status.message().find("/nodes/0/config/count"), std::string::npos) << r.status.message();
  EXPECT_TRUE(f.collected.values["out"].empty());
}

TEST(ExecutorTest, PushesProjectionsDownToSources) {
  Fixture f;
  RunResult r = f.Run(R"({"name": "proj", "nodes": [
    {"id": "narrow", "type": "extract", "module": "wide"},
    {"id": "full", "type": "extract", "module": "wide"},
    {"id": "pick", "type": "transform", "module": "first_column"},
    {"id": "o1", "type": "load", "module": "collect"},
    {"id": "o2", "type": "load", "module": "collect"}],
   "edges": [{"source": "narrow", "target": "pick"}, {"source": "pick", "target": "o1"},
             {"source": "full", "target": "o2"}]})",
                      2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(f.collected.required_columns["narrow"], std::vector<int>{0});
  EXPECT_EQ(f.collected.required_columns.count("full"), 0u);  // a loader reads every column
  EXPECT_EQ(f.collected.values["o1"], (std::vector<int64_t>{0, 1, 2}));
}

TEST(PreviewTest, StopsEarlyAndProfiles) {
  Fixture f;
  auto spec = ParsePipelineText(WithParallel(kChain, true), "p.json");
  ASSERT_TRUE(spec.ok());
  PreviewOptions preview;
  preview.node_id = "even";
  preview.limit = 5;
  preview.offset = 2;
  preview.sample_rows = 1000;
  RunOptions options;
  options.threads = 2;
  auto result = PreviewNode(*spec, f.registry, preview, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->sample_rows, 1000);
  // The window may span two of the sample's batches when the producer runs on two threads.
  int64_t window_rows = 0;
  for (const BatchPtr& b : result->rows) window_rows += b->num_rows();
  ASSERT_FALSE(result->rows.empty());
  EXPECT_EQ(window_rows, 5);
  EXPECT_EQ(result->rows[0]->column(0)->Get<int64_t>(0), 4);  // sample is in input order
  ASSERT_EQ(result->profiles.size(), 1u);
  EXPECT_EQ(result->profiles[0].count, 1000);
  EXPECT_EQ(result->profiles[0].min, "0");
  EXPECT_FALSE(f.collected.committed["out"]);  // loaders never run in a preview
}

// The sample is the first rows in input order even when later batches arrive first: a preview
// that stopped at the first 1000 rows to arrive showed whichever thread ran fastest.
TEST(PreviewTest, SampleIsTheInputPrefixWhenTheFirstBatchIsSlow) {
  Fixture f;
  std::string doc = WithParallel(kChain, true);
  doc.replace(doc.find("\"parallel\""), 0, "\"first_batch_delay_ms\": 300, ");
  auto spec = ParsePipelineText(doc, "p.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  PreviewOptions preview;
  preview.node_id = "src";
  preview.limit = 3;
  preview.sample_rows = 1000;
  RunOptions options;
  options.threads = 2;
  auto result = PreviewNode(*spec, f.registry, preview, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_FALSE(result->rows.empty());
  EXPECT_EQ(result->rows[0]->column(0)->Get<int64_t>(0), 0);
  EXPECT_EQ(result->profiles[0].min, "0");
  EXPECT_EQ(result->profiles[0].max, "999");
}

}  // namespace
}  // namespace logidata
