// Anomaly detection against a real `logidata server`: eight runs of 100 rows build a pipeline's
// history; a run that loads 1,000 rows (and one whose email column turns mostly null) is flagged
// — GET /runs/{id} gives the report (observed, expected range, baseline, the history values), the
// run log names it and a run.anomaly webhook goes out — while the run succeeds under `warn`.
// Under `fail` the same spike fails the run and nothing is published. Another organization sees
// nothing; a bad option is refused with its JSON path.
#include "server_harness.h"
#include "webhook_receiver.h"

namespace logidata::testing {
namespace {

// Both metadata backends: the measurements and reports come from a migration and are read back
// with SQL.
class AnomalyApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      LD_REQUIRE_POSTGRES();
      database_url_ = SharedPostgres::Get()->NewDatabase(Unique("ld_anomaly"));
    }
    dir_ = MakeTempDir("ld-anomaly-api");
    files_ = dir_ + "/files";
    fs::create_directories(files_);
    ASSERT_TRUE(server_.Start(dir_ + "/data", database_url_,
                              {"--files-root", "test=" + files_ + ":rw", "--allow-egress", "127.0.0.0/8"}))
        << ReadFile(dir_ + "/data/server.err");
    c_ = std::make_unique<HttpClient>(server_.Client());
    owner_ = Register(*c_, "owner");
    foreign_ = Register(*c_, "foreign");
    auto p = c_->Call("POST", "/api/v1/pipelines", Doc("warn").dump(), owner_.Auth());
    ASSERT_EQ(p.status, 201) << p.body;
    pipeline_ = p.Json()["id"];
  }

  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }

  // `rows` orders; every `null_every`-th email is empty (a null).
  void WriteOrders(int rows, int null_every = 50) {
    std::ofstream out(files_ + "/orders.csv");
    out << "id,email,amount\n";
    for (int i = 1; i <= rows; ++i) {
      out << i << "," << (i % null_every == 0 ? "" : "c" + std::to_string(i % 40) + "@x.org") << "," << (i % 97) + 0.5
          << "\n";
    }
  }

  json Doc(const std::string& policy) const {
    return {{"name", "orders"},
            {"anomalies", {{"policy", policy}, {"sensitivity", "medium"}}},
            {"nodes",
             {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", files_ + "/orders.csv"}}}},
              {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", files_ + "/out.csv"}}}}}},
            {"edges", {{{"source", "src"}, {"target", "out"}}}}};
  }

  void SetPolicy(const std::string& policy) { ReplacePipelineDocument(*c_, owner_, pipeline_, Doc(policy)); }
  json RunOnce() { return RunAndWait(*c_, owner_, pipeline_); }
  std::string Logs(const std::string& run_id) { return RunLogs(*c_, owner_, run_id); }

  // The report's item for `node`/`column` `metric`, or null.
  static json Item(const json& run, const std::string& node, const json& column, const std::string& metric) {
    for (const json& item : run["anomalies"]["items"]) {
      if (item["node_id"] == node && item["column"] == column && item["metric"] == metric) return item;
    }
    return nullptr;
  }

  std::string dir_, files_, pipeline_, database_url_;
  ServerProcess server_;
  std::unique_ptr<HttpClient> c_;
  Session owner_, foreign_;
};

TEST_P(AnomalyApiTest, HistoryThenInjectedAnomaliesWarnAndFail) {
  WebhookReceiver receiver;
  auto hook = c_->Call("POST", "/api/v1/notifications",
                       json{{"name", "anomalies"}, {"channel", "webhook"}, {"url", receiver.Url("/anomaly")},
                            {"pipeline_id", pipeline_}, {"events", {"run.anomaly"}}}
                           .dump(),
                       owner_.Auth());
  ASSERT_EQ(hook.status, 201) << hook.body;

  // The history: eight ordinary runs. None is judged (not enough history), each is measured.
  WriteOrders(100);
  for (int i = 0; i < 8; ++i) {
    json run = RunOnce();
    ASSERT_EQ(run["status"], "succeeded") << run.dump();
    EXPECT_EQ(run["anomalies"]["checked"], 0) << run.dump();
    EXPECT_EQ(run["anomalies"]["items"], json::array());
  }

  // An ordinary ninth run is judged and is no anomaly.
  json normal = RunOnce();
  ASSERT_EQ(normal["status"], "succeeded") << normal.dump();
  EXPECT_GT(normal["anomalies"]["checked"].get<int>(), 10) << normal.dump();  // rows, durations, columns
  // Durations are left out: a node stalled for seconds by a loaded test machine is rightly slow.
  for (const json& item : normal["anomalies"]["items"]) {
    EXPECT_EQ(item["metric"], "duration_seconds") << normal.dump();
  }

  // Ten times the rows: flagged, recorded and notified; under warn the run succeeds.
  WriteOrders(1000);
  json spike = RunOnce();
  ASSERT_EQ(spike["status"], "succeeded") << spike.dump();
  json rows = Item(spike, "out", nullptr, "rows");
  ASSERT_TRUE(rows.is_object()) << spike.dump();
  EXPECT_EQ(rows["observed"], 1000);
  EXPECT_EQ(rows["median"], 100);
  EXPECT_LT(rows["expected_high"].get<double>(), 200);
  EXPECT_GT(rows["score"].get<double>(), 4.5);
  EXPECT_EQ(rows["history"].size(), rows["baseline_runs"].get<size_t>());
  EXPECT_GE(rows["baseline_runs"].get<int>(), 4);
  EXPECT_TRUE(Item(spike, "src", nullptr, "rows").is_object()) << spike.dump();
  EXPECT_TRUE(Item(spike, "out", "id", "max").is_object()) << spike.dump();
  EXPECT_EQ(spike["anomalies"]["policy"], "warn");
  const std::string logs = Logs(spike["id"]);
  EXPECT_NE(logs.find("against the run history: "), std::string::npos) << logs;
  EXPECT_NE(logs.find("out rows: 1000, expected"), std::string::npos) << logs;
  auto hooks = receiver.WaitFor("/anomaly", 1);
  ASSERT_EQ(hooks.size(), 1u);
  json payload = json::parse(hooks[0].body, nullptr, false);
  EXPECT_EQ(payload["event"], "run.anomaly");
  EXPECT_EQ(payload["run_id"], spike["id"]);
  EXPECT_NE(payload["anomalies"].get<std::string>().find("out rows: 1000"), std::string::npos) << hooks[0].body;

  // Back to 100 rows, but with most emails null: a null-rate anomaly on the loader's column.
  WriteOrders(100, 2);
  json nulls = RunOnce();
  ASSERT_EQ(nulls["status"], "succeeded") << nulls.dump();
  json rate = Item(nulls, "out", "email", "null_rate");
  ASSERT_TRUE(rate.is_object()) << nulls.dump();
  EXPECT_DOUBLE_EQ(rate["observed"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(rate["median"].get<double>(), 0.02);
  EXPECT_TRUE(Item(nulls, "out", nullptr, "rows").is_null()) << "100 rows is the usual count";

  // fail: the same spike fails the run with the anomalies named, and nothing is published.
  SetPolicy("fail");
  fs::remove(files_ + "/out.csv");
  WriteOrders(1000);
  json failed = RunOnce();
  ASSERT_EQ(failed["status"], "failed") << failed.dump();
  const std::string error = failed["error"];
  EXPECT_NE(error.find("out rows: 1000, expected"), std::string::npos) << error;
  EXPECT_NE(error.find("anomalies: fail"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(files_ + "/out.csv")) << "the loader must not publish";
  EXPECT_TRUE(Item(failed, "out", nullptr, "rows").is_object()) << failed.dump();
  // An ordinary run still passes under fail.
  WriteOrders(100);
  EXPECT_EQ(RunOnce()["status"], "succeeded");

  // Another organization cannot read the run or its report.
  auto foreign = c_->Call("GET", "/api/v1/runs/" + spike["id"].get<std::string>(), "", foreign_.Auth(foreign_.org_id));
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(foreign.body.find("expected_low"), std::string::npos);

  // A document with a bad option is refused with the JSON path named.
  json bad = Doc("stop");
  auto refused = c_->Call("POST", "/api/v1/pipelines", bad.dump(), owner_.Auth());
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("/anomalies/policy: must be warn, fail or off"), std::string::npos) << refused.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, AnomalyApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace logidata::testing
