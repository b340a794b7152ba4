// Triggers end to end on a real server: webhook hooks (token, HMAC, parameters, limits), on-success
// followers, backfills with their interval parameters, organization isolation, the retention
// setting, and `logidata trigger --wait` whose exit code mirrors the run.
#include <sys/wait.h>

#include "server_harness.h"

namespace logidata::testing {
namespace {

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ".
int64_t UnixSecondsFromIso(const std::string& iso) {
  std::tm tm{};
  strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return static_cast<int64_t>(timegm(&tm));
}

class ServerTriggersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "postgres") {
      LD_REQUIRE_POSTGRES();
      url = SharedPostgres::Get()->NewDatabase(Unique("ld_trig"));
    }
    dir_ = MakeTempDir("ld-triggers");
    csv_ = dir_ + "/in.csv";
    std::ofstream(csv_) << "id,amount\n1,5\n2,9\n";
    ASSERT_TRUE(server_.Start(dir_ + "/data", url, {"--files-root", "test=" + dir_ + ":rw"}));
    c_ = std::make_unique<HttpClient>(server_.Client());
    owner_ = Register(*c_, "owner");
    foreign_ = Register(*c_, "foreign");
  }
  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }

  // A csv → csv pipeline; `input` missing makes it fail.
  json Doc(const std::string& name, const std::string& input, json schedule = nullptr) const {
    json d = {{"name", name},
              {"nodes",
               {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", input}}}},
                {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", dir_ + "/" + name + ".csv"}}}}}},
              {"edges", {{{"source", "src"}, {"target", "out"}}}}};
    if (!schedule.is_null()) d["schedule"] = schedule;
    return d;
  }
  std::string CreatePipeline(const Session& s, const json& doc) {
    auto r = c_->Call("POST", "/api/v1/pipelines", doc.dump(), s.Auth());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  json WaitRun(const Session& s, const std::string& run_id) {
    json run;
    for (int i = 0; i < 600; ++i) {
      run = c_->Call("GET", "/api/v1/runs/" + run_id, "", s.Auth()).Json();
      std::string st = run.value("status", "");
      if (!IsLiveRunStatus(st)) return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return run;
  }
  json Runs(const Session& s, const std::string& pipeline_id) {
    return c_->Call("GET", "/api/v1/runs?page_size=200&pipeline_id=" + pipeline_id, "", s.Auth()).Json()["items"];
  }

  std::string dir_, csv_;
  ServerProcess server_;
  std::unique_ptr<HttpClient> c_;
  Session owner_, foreign_;
};

TEST_P(ServerTriggersTest, WebhookNeedsItsTokenAndSignatureAndPassesParameters) {
  std::string p = CreatePipeline(owner_, Doc("hooked", csv_));
  auto plain = c_->Call("POST", "/api/v1/pipelines/" + p + "/triggers",
                        json{{"kind", "webhook"}, {"parameters", {{"region", "us"}, {"source", "hook"}}}}.dump(), owner_.Auth());
  ASSERT_EQ(plain.status, 201) << plain.body;
  const std::string token = plain.Json()["token"], hook = plain.Json()["hook_path"];
  EXPECT_EQ(hook, "/api/v1/hooks/" + plain.Json()["id"].get<std::string>());
  const std::string key = "an-hmac-key-of-some-length";
  auto signed_trigger = c_->Call("POST", "/api/v1/pipelines/" + p + "/triggers",
                                 json{{"kind", "webhook"}, {"hmac_secret", key}}.dump(), owner_.Auth());
  ASSERT_EQ(signed_trigger.status, 201) << signed_trigger.body;
  const std::string signed_token = signed_trigger.Json()["token"], signed_hook = signed_trigger.Json()["hook_path"];
  const std::string body = R"({"region":"eu","n":3})";
  const std::string good_sig = "sha256=" + HexEncode(HmacSha256(key, body));

  // The list never shows tokens, their hashes or the HMAC key.
  auto listed = c_->Call("GET", "/api/v1/pipelines/" + p + "/triggers", "", owner_.Auth());
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.Json()["items"].size(), 2u);
  for (const std::string& secret : {token, signed_token, key, Sha256Hex(token)}) {
    EXPECT_EQ(listed.body.find(secret), std::string::npos);
  }

  struct Case {
    const char* name;
    std::string path, body;
    std::vector<std::string> headers;
    long status;
  };
  std::vector<Case> cases = {
      {"no token", hook, body, {}, 401},
      {"wrong token", hook, body, {"X-Logidata-Token: " + token + "x"}, 401},
      {"token of another trigger", hook, body, {"X-Logidata-Token: " + signed_token}, 401},
      {"unknown trigger", "/api/v1/hooks/" + std::string(32, 'a'), body, {"X-Logidata-Token: " + token}, 401},
      {"session is not a token", hook, body, owner_.Auth(), 401},
      {"token header", hook, body, {"X-Logidata-Token: " + token}, 202},
      {"bearer token", hook, body, {"Authorization: Bearer " + token}, 202},
      {"empty body", hook, "", {"X-Logidata-Token: " + token}, 202},
      {"nested value", hook, R"({"a":{"b":1}})", {"X-Logidata-Token: " + token}, 400},
      {"null value", hook, R"({"a":null})", {"X-Logidata-Token: " + token}, 400},
      {"bad parameter name", hook, R"({"a b":"x"})", {"X-Logidata-Token: " + token}, 400},
      {"not an object", hook, R"([1])", {"X-Logidata-Token: " + token}, 400},
      {"too big", hook, "{\"a\":\"" + std::string(70 * 1024, 'x') + "\"}", {"X-Logidata-Token: " + token}, 413},
      {"signed: no signature", signed_hook, body, {"X-Logidata-Token: " + signed_token}, 401},
      {"signed: wrong key", signed_hook, body,
       {"X-Logidata-Token: " + signed_token, "X-Logidata-Signature: sha256=" + HexEncode(HmacSha256("other-key-0123456", body))}, 401},
      {"signed: other body", signed_hook, R"({"region":"xx"})",
       {"X-Logidata-Token: " + signed_token, "X-Logidata-Signature: " + good_sig}, 401},
      {"signed: good", signed_hook, body, {"X-Logidata-Token: " + signed_token, "X-Logidata-Signature: " + good_sig}, 202},
  };
  std::vector<std::string> run_ids;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = c_->Call("POST", c.path, c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << r.body;
    if (r.status == 202) {
      ASSERT_TRUE(r.Json().contains("run_id")) << r.body;
      run_ids.push_back(r.Json()["run_id"]);
    } else {
      EXPECT_EQ(r.Header("content-type"), "application/problem+json");
    }
  }
  ASSERT_EQ(run_ids.size(), 4u);
  // The body's parameters over the trigger's defaults reach the run, which runs.
  json run = WaitRun(owner_, run_ids[0]);
  EXPECT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["trigger"], "webhook");
  EXPECT_EQ(run["parameters"], (json{{"region", "eu"}, {"n", 3}, {"source", "hook"}})) << run.dump();
  EXPECT_EQ(WaitRun(owner_, run_ids[2])["parameters"], (json{{"region", "us"}, {"source", "hook"}}));
  EXPECT_EQ(WaitRun(owner_, run_ids[3])["parameters"], (json{{"region", "eu"}, {"n", 3}}));

  // A deleted trigger's URL stops working.
  auto del = c_->Call("DELETE", "/api/v1/pipelines/" + p + "/triggers/" + plain.Json()["id"].get<std::string>(), "", owner_.Auth());
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(c_->Call("POST", hook, body, {"X-Logidata-Token: " + token}).status, 401);
}

TEST_P(ServerTriggersTest, ForeignOrganizationNeitherSeesNorUsesTriggers) {
  std::string p = CreatePipeline(owner_, Doc("mine", csv_));
  std::string theirs = CreatePipeline(foreign_, Doc("theirs", csv_));
  auto t = c_->Call("POST", "/api/v1/pipelines/" + p + "/triggers", json{{"kind", "webhook"}}.dump(), owner_.Auth());
  ASSERT_EQ(t.status, 201);
  std::string trigger_id = t.Json()["id"];
  struct Case {
    const char* name;
    std::string method, path, body;
    long status;
  };
  std::vector<Case> cases = {
      {"list", "GET", "/api/v1/pipelines/" + p + "/triggers", "", 404},
      {"create", "POST", "/api/v1/pipelines/" + p + "/triggers", json{{"kind", "webhook"}}.dump(), 404},
      {"delete", "DELETE", "/api/v1/pipelines/" + p + "/triggers/" + trigger_id, "", 404},
      {"delete through own pipeline", "DELETE", "/api/v1/pipelines/" + theirs + "/triggers/" + trigger_id, "", 404},
      {"follow a foreign pipeline", "POST", "/api/v1/pipelines/" + theirs + "/triggers",
       json{{"kind", "on_success"}, {"upstream_pipeline_id", p}}.dump(), 400},
      {"backfill", "POST", "/api/v1/pipelines/" + p + "/backfill", json{{"start", "2026-01-01"}, {"end", "2026-01-02"}}.dump(), 404},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = c_->Call(c.method, c.path, c.body, foreign_.Auth());
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(r.body.find(trigger_id), std::string::npos);
  }
  EXPECT_EQ(c_->Call("GET", "/api/v1/pipelines/" + p + "/triggers", "", owner_.Auth()).Json()["items"].size(), 1u);
}

TEST_P(ServerTriggersTest, OnSuccessFollowerRunsOnceAfterEachUpstreamSuccess) {
  std::string up = CreatePipeline(owner_, Doc("up", csv_));
  std::string broken = CreatePipeline(owner_, Doc("broken", dir_ + "/missing.csv"));
  std::string down = CreatePipeline(owner_, Doc("down", csv_));
  for (const std::string& upstream : {up, broken}) {
    auto t = c_->Call("POST", "/api/v1/pipelines/" + down + "/triggers",
                      json{{"kind", "on_success"}, {"upstream_pipeline_id", upstream}, {"parameters", {{"why", "follow"}}}}.dump(),
                      owner_.Auth());
    ASSERT_EQ(t.status, 201) << t.body;
    EXPECT_FALSE(t.Json().contains("token"));
  }
  auto dup = c_->Call("POST", "/api/v1/pipelines/" + down + "/triggers",
                      json{{"kind", "on_success"}, {"upstream_pipeline_id", up}}.dump(), owner_.Auth());
  EXPECT_EQ(dup.status, 409) << dup.body;
  auto self = c_->Call("POST", "/api/v1/pipelines/" + down + "/triggers",
                       json{{"kind", "on_success"}, {"upstream_pipeline_id", down}}.dump(), owner_.Auth());
  EXPECT_EQ(self.status, 400) << self.body;

  auto ok = c_->Call("POST", "/api/v1/pipelines/" + up + "/runs", "{}", owner_.Auth()).Json();
  auto bad = c_->Call("POST", "/api/v1/pipelines/" + broken + "/runs", "{}", owner_.Auth()).Json();
  ASSERT_EQ(WaitRun(owner_, ok["id"])["status"], "succeeded");
  ASSERT_EQ(WaitRun(owner_, bad["id"])["status"], "failed");
  // The scheduler passes every second: wait for the follower, then several more passes.
  json runs;
  for (int i = 0; i < 200 && (runs = Runs(owner_, down)).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  runs = Runs(owner_, down);
  ASSERT_EQ(runs.size(), 1u) << runs.dump();
  EXPECT_EQ(runs[0]["trigger"], "pipeline");
  EXPECT_EQ(runs[0]["parameters"]["upstream_run_id"], ok["id"]);
  EXPECT_EQ(runs[0]["parameters"]["why"], "follow");
}

TEST_P(ServerTriggersTest, BackfillQueuesOneRunPerIntervalWithItsBounds) {
  json daily = {{"cron", "0 6 * * *"}, {"timezone", "UTC"}, {"enabled", false}, {"parameters", {{"mode", "full"}}}};
  std::string p = CreatePipeline(owner_, Doc("daily", csv_, daily));
  std::string unscheduled = CreatePipeline(owner_, Doc("plain", csv_));
  std::string path = "/api/v1/pipelines/" + p + "/backfill";

  struct Bad {
    const char* name;
    std::string path;
    json body;
    std::string field;
  };
  std::vector<Bad> bad = {
      {"end before start", path, {{"start", "2026-03-08"}, {"end", "2026-03-01"}}, "/end"},
      {"not a date", path, {{"start", "March 1st"}, {"end", "2026-03-08"}}, "/start"},
      {"no such day", path, {{"start", "2026-02-30"}, {"end", "2026-03-08"}}, "/start"},
      {"too many runs", path, {{"start", "2020-01-01"}, {"end", "2026-01-01"}}, "/end"},
      {"no schedule", "/api/v1/pipelines/" + unscheduled + "/backfill", {{"start", "2026-03-01"}, {"end", "2026-03-08"}}, "/start"},
      {"bad parameter", path, {{"start", "2026-03-01"}, {"end", "2026-03-08"}, {"parameters", {{"a-b", 1}}}}, "/parameters/a-b"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    auto r = c_->Call("POST", b.path, b.body.dump(), owner_.Auth());
    EXPECT_EQ(r.status, 400) << r.body;
    bool named = false;
    for (auto& e : r.Json().value("errors", json::array())) named = named || e.value("field", "") == b.field;
    EXPECT_TRUE(named) << "should name " << b.field << ": " << r.body;
  }
  EXPECT_TRUE(Runs(owner_, p).empty()) << "a refused backfill queues nothing";

  json request = {{"start", "2026-03-01"}, {"end", "2026-03-08"}, {"parameters", {{"who", "ops"}}}};
  json dry = request;
  dry["dry_run"] = true;
  auto preview = c_->Call("POST", path, dry.dump(), owner_.Auth());
  ASSERT_EQ(preview.status, 200) << preview.body;
  // 06:00 ticks from 03-01 to 03-07 start intervals that end by 03-07 06:00 < 03-08: six of them.
  EXPECT_EQ(preview.Json()["count"], 6);
  EXPECT_TRUE(Runs(owner_, p).empty()) << "a dry run queues nothing";

  auto r = c_->Call("POST", path, request.dump(), owner_.Auth());
  ASSERT_EQ(r.status, 202) << r.body;
  const json queued = r.Json();
  ASSERT_EQ(queued["run_ids"].size(), 6u);
  std::set<std::string> starts;
  for (const auto& id : queued["run_ids"]) {
    json run = WaitRun(owner_, id);
    EXPECT_EQ(run["status"], "succeeded") << run.dump();
    EXPECT_EQ(run["trigger"], "backfill");
    EXPECT_EQ(run["parameters"]["mode"], "full");
    EXPECT_EQ(run["parameters"]["who"], "ops");
    std::string start = run["parameters"]["interval_start"], end = run["parameters"]["interval_end"];
    EXPECT_EQ(start.substr(10), "T06:00:00Z");
    EXPECT_EQ(UnixSecondsFromIso(end) - UnixSecondsFromIso(start), 86400);
    starts.insert(start);
  }
  EXPECT_EQ(starts, (std::set<std::string>{"2026-03-01T06:00:00Z", "2026-03-02T06:00:00Z", "2026-03-03T06:00:00Z",
                                           "2026-03-04T06:00:00Z", "2026-03-05T06:00:00Z", "2026-03-06T06:00:00Z"}));
}

TEST_P(ServerTriggersTest, RetentionSettingIsAdminOnlyAndChecked) {
  auto get = c_->Call("GET", "/api/v1/organization/retention", "", owner_.Auth());
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_TRUE(get.Json()["retention_days"].is_null());
  struct Case {
    const char* name;
    std::string body;
    long status;
    json days;
  };
  std::vector<Case> cases = {
      {"set", R"({"retention_days": 30})", 200, 30},
      {"zero", R"({"retention_days": 0})", 400, 30},
      {"too long", R"({"retention_days": 99999})", 400, 30},
      {"text", R"({"retention_days": "30"})", 400, 30},
      {"clear", R"({"retention_days": null})", 200, nullptr},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = c_->Call("PUT", "/api/v1/organization/retention", c.body, owner_.Auth());
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(c_->Call("GET", "/api/v1/organization/retention", "", owner_.Auth()).Json()["retention_days"], c.days);
  }
  // Another organization's admin changes only its own setting.
  ASSERT_EQ(c_->Call("PUT", "/api/v1/organization/retention", R"({"retention_days": 5})", foreign_.Auth()).status, 200);
  EXPECT_TRUE(c_->Call("GET", "/api/v1/organization/retention", "", owner_.Auth()).Json()["retention_days"].is_null());
}

// Runs `logidata trigger …` and returns its exit code; its output goes to `out`.
int RunCli(const std::vector<std::string>& args, std::string* out) {
  std::string cmd = BinaryPath() + " trigger";
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) *out += buf;
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_P(ServerTriggersTest, TriggerCommandExitCodeMirrorsTheRun) {
  std::string good = CreatePipeline(owner_, Doc("cli_good", csv_));
  CreatePipeline(owner_, Doc("cli_bad", dir_ + "/missing.csv"));
  auto key = c_->Call("POST", "/api/v1/api-keys", json{{"name", "cron"}, {"role", "developer"}}.dump(), owner_.Auth());
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string api_key = key.Json()["key"], server = c_->base();
  struct Case {
    const char* name;
    std::vector<std::string> args;
    int exit_code;
    std::string output;
  };
  std::vector<Case> cases = {
      {"by name, succeeds", {"--server", server, "--api-key", api_key, "cli_good", "--param", "day=2026-03-01", "--wait", "--poll", "0.1"}, 0, "succeeded"},
      {"by id, succeeds", {"--server", server, "--api-key", api_key, good, "--wait", "--poll", "0.1"}, 0, "succeeded"},
      {"fails", {"--server", server, "--api-key", api_key, "cli_bad", "--wait", "--poll", "0.1"}, 1, "failed"},
      // Without --wait it reports the run as created; a fast executor may already have finished it.
      {"without --wait", {"--server", server, "--api-key", api_key, "cli_bad"}, 0, "run "},
      {"unknown pipeline", {"--server", server, "--api-key", api_key, "nope", "--wait"}, 3, "no pipeline named"},
      {"bad key", {"--server", server, "--api-key", "ld_wrong", "cli_good", "--wait"}, 3, "401"},
      {"server down", {"--server", "http://127.0.0.1:" + std::to_string(FreePort()), "--api-key", api_key, "cli_good"}, 3, ""},
      {"bad param", {"--server", server, "--api-key", api_key, "cli_good", "--param", "novalue"}, 2, "NAME=VALUE"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string out;
    EXPECT_EQ(RunCli(c.args, &out), c.exit_code) << out;
    EXPECT_NE(out.find(c.output), std::string::npos) << out;
  }
  // The parameter reached the run.
  json runs = Runs(owner_, good);
  bool seen = false;
  for (const auto& r : runs) seen = seen || r["parameters"].value("day", "") == "2026-03-01";
  EXPECT_TRUE(seen) << runs.dump();
}

// Exit codes 2 and 4 need a run that is still going: a 3M-row sort takes over a second here, far longer
// than the 0.2 s limits below, so neither case depends on the machine's speed in the other direction.
TEST_P(ServerTriggersTest, TriggerCommandExitCodesOfUnfinishedRuns) {
  const std::string big = dir_ + "/big.csv";
  {
    std::ofstream out(big);
    out << "id,amount\n";
    for (int64_t i = 0; i < 3000000; ++i) out << i << ',' << (i * 7919) % 100003 << '\n';
  }
  auto slow = [&](const std::string& name, double timeout_seconds) {
    json d = {{"name", name},
              {"nodes",
               {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", big}}}},
                {{"id", "order"}, {"type", "transform"}, {"module", "sort"}, {"config", {{"keys", {{{"column", "amount"}}}}}}},
                {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", dir_ + "/" + name + ".csv"}}}}}},
              {"edges", {{{"source", "src"}, {"target", "order"}}, {{"source", "order"}, {"target", "out"}}}}};
    if (timeout_seconds > 0) d["timeout_seconds"] = timeout_seconds;
    return CreatePipeline(owner_, d);
  };
  std::string timed = slow("cli_timed_out", 0.2);
  std::string running = slow("cli_long", 0);
  auto key = c_->Call("POST", "/api/v1/api-keys", json{{"name", "cron2"}, {"role", "developer"}}.dump(), owner_.Auth());
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string api_key = key.Json()["key"], server = c_->base();

  std::string out;
  EXPECT_EQ(RunCli({"--server", server, "--api-key", api_key, "cli_timed_out", "--wait", "--poll", "0.1"}, &out), 2) << out;
  EXPECT_NE(out.find("timed_out"), std::string::npos) << out;

  out.clear();
  EXPECT_EQ(RunCli({"--server", server, "--api-key", api_key, "cli_long", "--wait", "--poll", "0.05", "--timeout", "0.2"}, &out), 4)
      << out;
  EXPECT_NE(out.find("still"), std::string::npos) << out;
  // Exit 4 leaves the run going; it then finishes on its own.
  json runs = Runs(owner_, running);
  ASSERT_EQ(runs.size(), 1u) << runs.dump();
  EXPECT_EQ(WaitRun(owner_, runs[0]["id"])["status"], "succeeded");
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerTriggersTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace logidata::testing
