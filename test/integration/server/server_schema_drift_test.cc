// Schema drift against a real `logidata server`: a run whose source gained, lost or retyped
// columns since the last successful run records the change (GET /runs/{id}: schema_drift) and
// logs it; under `schema_drift: fail` the run fails before any data moves, and the change stays
// reviewable; a run with the same columns records no drift; another organization sees nothing.
#include "server_harness.h"

namespace logidata::testing {
namespace {

// Both metadata backends: the drift columns come from a migration and are read back with SQL.
class SchemaDriftApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      LD_REQUIRE_POSTGRES();
      database_url_ = SharedPostgres::Get()->NewDatabase(Unique("ld_drift"));
    }
    dir_ = MakeTempDir("ld-drift-api");
    files_ = dir_ + "/files";
    fs::create_directories(files_);
    WriteCsv("id,amount,note\n1,2.5,a\n2,3.5,b\n");
    ASSERT_TRUE(server_.Start(dir_ + "/data", database_url_, {"--files-root", "test=" + files_ + ":rw"}))
        << ReadFile(dir_ + "/data/server.err");
    c_ = std::make_unique<HttpClient>(server_.Client());
    owner_ = Register(*c_, "owner");
    foreign_ = Register(*c_, "foreign");
    auto p = c_->Call("POST", "/api/v1/pipelines", Doc("ignore").dump(), owner_.Auth());
    ASSERT_EQ(p.status, 201) << p.body;
    pipeline_ = p.Json()["id"];
  }

  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }

  void WriteCsv(const std::string& text) { std::ofstream(files_ + "/in.csv") << text; }

  json Doc(const std::string& policy) const {
    return {{"name", "drift"},
            {"schema_drift", policy},
            {"nodes",
             {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", files_ + "/in.csv"}}}},
              {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", files_ + "/out.csv"}}}}}},
            {"edges", {{{"source", "src"}, {"target", "out"}}}}};
  }

  void SetPolicy(const std::string& policy) { ReplacePipelineDocument(*c_, owner_, pipeline_, Doc(policy)); }
  json RunOnce() { return RunAndWait(*c_, owner_, pipeline_); }
  std::string Logs(const std::string& run_id) { return RunLogs(*c_, owner_, run_id); }

  std::string dir_, files_, pipeline_, database_url_;
  ServerProcess server_;
  std::unique_ptr<HttpClient> c_;
  Session owner_, foreign_;
};

TEST_P(SchemaDriftApiTest, DriftIsRecordedAndThePolicyApplied) {
  // The first run has nothing to compare with: an empty drift, recorded.
  json first = RunOnce();
  ASSERT_EQ(first["status"], "succeeded") << first.dump();
  EXPECT_EQ(first["schema_drift"], json::array()) << first.dump();

  // Same columns: no drift.
  WriteCsv("id,amount,note\n3,4.5,c\n");
  json same = RunOnce();
  ASSERT_EQ(same["status"], "succeeded") << same.dump();
  EXPECT_EQ(same["schema_drift"], json::array());

  // coupon added, note removed, amount retyped (float64 → string); ignore: recorded, logged, run goes on.
  WriteCsv("id,amount,coupon\n4,n/a,X1\n");
  json drifted = RunOnce();
  ASSERT_EQ(drifted["status"], "succeeded") << drifted.dump();
  const json expected = json::array({{{"node_id", "src"},
                                      {"added", {{{"name", "coupon"}, {"type", "string"}}}},
                                      {"removed", {{{"name", "note"}, {"type", "string"}}}},
                                      {"retyped", {{{"name", "amount"}, {"from", "float64"}, {"to", "string"}}}}}});
  EXPECT_EQ(drifted["schema_drift"], expected) << drifted.dump();
  const std::string logs = Logs(drifted["id"]);
  EXPECT_NE(logs.find("schema drift since the last successful run: src: added coupon (string); removed note (string); "
                      "retyped amount float64 → string"),
            std::string::npos)
      << logs;

  // fail: the next change fails the run before any data moves, naming the change.
  SetPolicy("fail");
  std::filesystem::remove(files_ + "/out.csv");
  WriteCsv("id,amount,coupon,extra\n5,n/a,X2,1\n");
  json failed = RunOnce();
  ASSERT_EQ(failed["status"], "failed") << failed.dump();
  EXPECT_NE(failed["error"].get<std::string>().find("added extra (int64)"), std::string::npos) << failed.dump();
  EXPECT_EQ(failed["schema_drift"][0]["added"], json::array({{{"name", "extra"}, {"type", "int64"}}})) << failed.dump();
  EXPECT_FALSE(std::filesystem::exists(files_ + "/out.csv")) << "no data moved";
  // The baseline is still the last successful run: the same file fails again.
  EXPECT_EQ(RunOnce()["status"], "failed");

  // Another organization cannot read the run or its drift.
  auto foreign = c_->Call("GET", "/api/v1/runs/" + failed["id"].get<std::string>(), "", foreign_.Auth(foreign_.org_id));
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(foreign.body.find("extra"), std::string::npos);

  // A document with an unknown policy is refused with the field named.
  json bad = Doc("adapt");
  auto refused = c_->Call("POST", "/api/v1/pipelines", bad.dump(), owner_.Auth());
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("/schema_drift"), std::string::npos) << refused.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, SchemaDriftApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace logidata::testing
