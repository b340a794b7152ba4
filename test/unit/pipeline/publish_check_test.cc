// The run observer's loader-input tap and its check before publishing: every batch a loader
// receives reaches OnLoaderInput (from every thread), and an error from OnBeforePublish fails the
// run with its message while the loaders abort instead of publishing.
#include <gtest/gtest.h>

#include <mutex>

#include "pipeline/run_pipeline.h"
#include "test_modules.h"

namespace logidata {
namespace {

const char* kPipeline = R"({"name": "p", "nodes": [
  {"id": "src", "type": "extract", "module": "numbers", "config": {"count": 50000, "batch": 997, "parallel": true}},
  {"id": "even", "type": "transform", "module": "keep_even"},
  {"id": "out", "type": "load", "module": "collect"}],
 "edges": [{"source": "src", "target": "even"}, {"source": "even", "target": "out"}]})";

class CheckingObserver final : public RunObserver {
 public:
  explicit CheckingObserver(Status verdict) : verdict_(std::move(verdict)) {}
  bool WantsLoaderInput() const override { return true; }
  void OnLoaderInput(const std::string& node_id, const Batch& batch) override {
    std::lock_guard lock(mu_);
    rows_[node_id] += batch.num_rows();
  }
  Status OnBeforePublish(const std::map<std::string, NodeMetrics>& nodes) override {
    rows_at_check_ = nodes.at("out").rows_in;
    return verdict_;
  }
  std::mutex mu_;
  std::map<std::string, int64_t> rows_;
  int64_t rows_at_check_ = -1;
  Status verdict_;
};

TEST(PublishCheck, SeesLoaderInputAndMayStopThePublish) {
  for (bool refuse : {false, true}) {
    SCOPED_TRACE(refuse ? "refused" : "accepted");
    ModuleRegistry registry;
    testing::Collected collected;
    ASSERT_TRUE(testing::RegisterTestModules(registry, &collected).ok());
    auto spec = ParsePipelineText(kPipeline, "p.json");
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    CheckingObserver observer(refuse ? Status::DataError("anomalies: out rows 25000, expected 90 to 110")
                                     : Status::OK());
    RunOptions options;
    options.threads = 2;
    options.observer = &observer;
    RunResult r = RunPipeline(*spec, registry, options);
    EXPECT_EQ(observer.rows_["out"], 25000);
    EXPECT_EQ(observer.rows_.count("even"), 0u);  // loaders only
    EXPECT_EQ(observer.rows_at_check_, 25000);
    if (refuse) {
      EXPECT_FALSE(r.status.ok());
      EXPECT_EQ(r.status.message(), "anomalies: out rows 25000, expected 90 to 110");
      EXPECT_FALSE(collected.committed["out"]);
      EXPECT_TRUE(collected.aborted["out"]);
    } else {
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_TRUE(collected.committed["out"]);
    }
  }
}

}  // namespace
}  // namespace logidata
