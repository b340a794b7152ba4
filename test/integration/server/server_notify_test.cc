// Notifications (real webhook receiver, real SMTP sink), module templates, saved previews and live
// updates of runs executed by a queue-mode worker, over real HTTP on SQLite and PostgreSQL.
#include <dirent.h>

#include "metadata/database.h"
#include "server_harness.h"
#include "webhook_receiver.h"

namespace logidata::testing {
namespace {

json Doc(const std::string& name, const std::string& input, const std::string& output) {
  return {{"name", name},
          {"nodes",
           {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", input}}}},
            {{"id", "flt"}, {"type", "transform"}, {"module", "filter"}, {"config", {{"expression", "amount > 1"}}}},
            {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", output}}}}}},
          {"edges", {{{"source", "src"}, {"target", "flt"}}, {{"source", "flt"}, {"target", "out"}}}}};
}

// Every message the SMTP sink stored (Maildir "new" folder).
std::vector<std::string> Mails(const std::string& maildir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(maildir + "/new", ec)) out.push_back(ReadFile(e.path().string()));
  return out;
}

class NotifyTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      LD_REQUIRE_POSTGRES();
      database_url_ = SharedPostgres::Get()->NewDatabase(Unique("ld_n"));
    }
    dir_ = MakeTempDir("ld-notify");
    input_ = dir_ + "/orders.csv";
    std::ofstream(input_) << "id,amount\n1,5\n2,1\n3,7\n";
    smtp_dir_ = dir_ + "/smtp";
    int smtp_port = FreePort();
    std::string cmd = std::string(LOGIDATA_SOURCE_DIR) + "/scripts/servers/smtp.sh start " + smtp_dir_ + " " +
                      std::to_string(smtp_port) + " > " + dir_ + "/smtp.out 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << ReadFile(dir_ + "/smtp.out");
    smtp_url_ = "smtp://127.0.0.1:" + std::to_string(smtp_port);
    ASSERT_TRUE(StartServer()) << ReadFile(dir_ + "/data/server.err");
    s_ = Register(C(), "notify");
  }
  void TearDown() override {
    server_.Stop();
    std::string cmd = std::string(LOGIDATA_SOURCE_DIR) + "/scripts/servers/smtp.sh stop " + smtp_dir_ + " >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }
  std::map<std::string, std::string> Env() const {
    return {{"LOGIDATA_SMTP_URL", smtp_url_},
            {"LOGIDATA_SMTP_FROM", "etl@logidata.test"},
            {"LOGIDATA_PUBLIC_URL", "https://logidata.example/"}};
  }
  bool StartServer(std::vector<std::string> extra = {}) {
    extra.push_back("--files-root");  // pipelines name the test folder's files by absolute path
    extra.push_back("test=" + dir_ + ":rw");
    extra.push_back("--allow-egress");  // the webhook receiver listens on loopback
    extra.push_back("127.0.0.0/8");
    return server_.Start(dir_ + "/data", database_url_, std::move(extra), Env());
  }
  HttpClient C() const { return server_.Client(); }
  json Post(const std::string& path, const json& body, int expect) {
    auto r = C().Call("POST", path, body.dump(), s_.Auth());
    EXPECT_EQ(r.status, expect) << path << " " << body.dump() << " -> " << r.body;
    return r.Json();
  }
  std::string CreatePipeline(const std::string& name, const std::string& input = "") {
    return Post("/api/v1/pipelines", Doc(name, input.empty() ? input_ : input, dir_ + "/" + name + ".out.csv"), 201)["id"];
  }
  json WaitRun(const std::string& run_id) {
    json run;
    for (int i = 0; i < 1200; ++i) {
      run = C().Call("GET", "/api/v1/runs/" + run_id, "", s_.Auth()).Json();
      std::string st = run.value("status", "");
      if (!IsLiveRunStatus(st)) return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return run;
  }
  // Waits until a log line of the run contains `text`.
  std::string WaitLog(const std::string& run_id, const std::string& text) {
    std::string all;
    for (int i = 0; i < 600; ++i) {
      all.clear();
      auto logs = C().Call("GET", "/api/v1/runs/" + run_id + "/logs?limit=1000", "", s_.Auth()).Json();
      for (auto& l : logs.value("items", json::array())) all += l.value("message", "") + "\n";
      if (all.find(text) != std::string::npos) return all;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return all;
  }

  std::string dir_, input_, database_url_, smtp_dir_, smtp_url_;
  ServerProcess server_;
  Session s_;
};

TEST_P(NotifyTest, SettingsAreValidatedScopedAndNeverShowTheirSecrets) {
  const std::string url = "https://hooks.example.com/services/T000/B000/TOPSECRETTOKEN";
  json created = Post("/api/v1/notifications",
                      {{"name", "ops"}, {"channel", "webhook"}, {"url", url}, {"secret", "hmac-s3cret-value"},
                       {"events", {"run.failed", "run.succeeded"}}},
                      201);
  EXPECT_EQ(created["url_masked"], "https://hooks.example.com/…");
  EXPECT_EQ(created["has_secret"], true);
  EXPECT_EQ(created["pipeline_id"], nullptr);
  std::string id = created["id"];

  struct Bad {
    json body;
    std::string field;
  };
  std::vector<Bad> bad = {
      {{{"name", "x"}, {"channel", "webhook"}, {"url", "ftp://example.com/x"}, {"events", {"run.failed"}}}, "/url"},
      {{{"name", "x"}, {"channel", "slack"}, {"url", "javascript:alert(1)"}, {"events", {"run.failed"}}}, "/url"},
      {{{"name", "x"}, {"channel", "webhook"}, {"events", {"run.failed"}}}, "/url"},
      {{{"name", "x"}, {"channel", "email"}, {"to", {"ok@example.com", "not an email"}}, {"events", {"run.failed"}}}, "/to/1"},
      {{{"name", "x"}, {"channel", "email"}, {"to", {"a@b.c\r\nBcc: evil@x.y"}}, {"events", {"run.failed"}}}, "/to/0"},
      {{{"name", "x"}, {"channel", "email"}, {"to", json::array()}, {"events", {"run.failed"}}}, "/to"},
      {{{"name", "x"}, {"channel", "email"}, {"to", {"a@b.co"}}, {"events", {"run.exploded"}}}, "/events/0"},
      {{{"name", "x"}, {"channel", "email"}, {"to", {"a@b.co"}}, {"events", json::array()}}, "/events"},
      {{{"name", "x"}, {"channel", "pager"}, {"events", {"run.failed"}}}, "/channel"},
      {{{"name", "x"}, {"channel", "slack"}, {"url", "https://hooks.slack.com/x"}, {"secret", "s"}, {"events", {"run.failed"}}}, "/secret"},
      {{{"name", "x"}, {"channel", "email"}, {"to", {"a@b.co"}}, {"events", {"run.failed"}}, {"pipeline_id", "nope"}}, "/pipeline_id"},
  };
  for (const Bad& b : bad) {
    auto r = C().Call("POST", "/api/v1/notifications", b.body.dump(), s_.Auth());
    SCOPED_TRACE(b.body.dump() + " -> " + r.body);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.Header("content-type"), "application/problem+json");
    bool named = false;
    for (auto& e : r.Json().value("errors", json::array())) named = named || e.value("field", "") == b.field;
    EXPECT_TRUE(named) << "should name " << b.field;
  }

  // Update keeps the URL and secret unless given; secret null removes it.
  auto up = C().Call("PUT", "/api/v1/notifications/" + id, json{{"name", "ops2"}, {"secret", nullptr}}.dump(), s_.Auth());
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(up.Json()["has_secret"], false);
  EXPECT_EQ(up.Json()["url_masked"], "https://hooks.example.com/…");
  std::string pipeline = CreatePipeline("scoped");
  json per_pipeline = Post("/api/v1/notifications",
                           {{"name", "mail"}, {"channel", "email"}, {"to", {"a@example.com"}}, {"pipeline_id", pipeline},
                            {"events", {"run.failed"}}},
                           201);
  EXPECT_EQ(per_pipeline["pipeline_id"], pipeline);
  auto filtered = C().Call("GET", "/api/v1/notifications?pipeline_id=" + pipeline, "", s_.Auth()).Json();
  ASSERT_EQ(filtered["items"].size(), 1u);
  EXPECT_EQ(filtered["items"][0]["to"][0], "a@example.com");

  // Another organization sees nothing.
  Session other = Register(C(), "other");
  EXPECT_EQ(C().Call("GET", "/api/v1/notifications/" + id, "", other.Auth()).status, 404);
  EXPECT_TRUE(C().Call("GET", "/api/v1/notifications", "", other.Auth()).Json()["items"].empty());

  // The audit trail has every change, without the URL or the secret.
  auto audit = C().Call("GET", "/api/v1/audit?object_type=notification", "", s_.Auth());
  ASSERT_EQ(audit.status, 200);
  EXPECT_GE(audit.Json()["items"].size(), 3u);
  ASSERT_EQ(C().Call("DELETE", "/api/v1/notifications/" + id, "", s_.Auth()).status, 204);
  EXPECT_EQ(C().Call("GET", "/api/v1/notifications/" + id, "", s_.Auth()).status, 404);
  std::string everything = C().Call("GET", "/api/v1/notifications", "", s_.Auth()).body + audit.body +
                           C().Call("GET", "/api/v1/audit", "", s_.Auth()).body;
  server_.Stop();
  everything += ReadFile(dir_ + "/data/server.err") + ReadFile(dir_ + "/data/server.out") +
                ReadFile(dir_ + "/data/access.log");
  EXPECT_EQ(everything.find("TOPSECRETTOKEN"), std::string::npos) << "the webhook URL leaked";
  EXPECT_EQ(everything.find("hmac-s3cret-value"), std::string::npos) << "the signing secret leaked";
  if (database_url_.empty()) {
    std::string raw = ReadFile(dir_ + "/data/logidata.db");
    EXPECT_EQ(raw.find("TOPSECRETTOKEN"), std::string::npos) << "stored in clear text";
  }
}

TEST_P(NotifyTest, WebhookSlackAndEmailAreDeliveredWhenRunsEnd) {
  WebhookReceiver hook_receiver;  // its own server: the statuses below are for the webhook alone
  hook_receiver.QueueStatuses({503, 429});  // the webhook's first two attempts fail: it must retry
  WebhookReceiver receiver;
  const std::string secret = "whsec-" + Unique("k");
  std::string pipeline = CreatePipeline("notified");
  Post("/api/v1/notifications",
       {{"name", "hook"}, {"channel", "webhook"}, {"url", hook_receiver.Url("/hook?token=abc")}, {"secret", secret},
        {"pipeline_id", pipeline}, {"events", {"run.succeeded"}}},
       201);
  Post("/api/v1/notifications",
       {{"name", "chat"}, {"channel", "slack"}, {"url", receiver.Url("/slack")}, {"events", {"run.succeeded", "run.failed"}}},
       201);
  Post("/api/v1/notifications",
       {{"name", "mail"}, {"channel", "email"}, {"to", {"ops@example.com", "dev@example.com"}}, {"events", {"run.failed"}}},
       201);
  // Disabled settings and settings for other events stay silent.
  Post("/api/v1/notifications",
       {{"name", "off"}, {"channel", "webhook"}, {"url", receiver.Url("/off")}, {"enabled", false}, {"events", {"run.succeeded"}}},
       201);

  std::string run_id = Post("/api/v1/pipelines/" + pipeline + "/runs", json::object(), 202)["id"];
  json run = WaitRun(run_id);
  ASSERT_EQ(run["status"], "succeeded") << run.dump();

  auto hooks = hook_receiver.WaitFor("/hook?token=abc", 3);
  ASSERT_EQ(hooks.size(), 3u) << "two failed attempts and one success expected";
  const auto& hook = hooks.back();
  EXPECT_EQ(hook.method, "POST");
  json payload = json::parse(hook.body, nullptr, false);
  EXPECT_EQ(payload["event"], "run.succeeded");
  EXPECT_EQ(payload["run_id"], run_id);
  EXPECT_EQ(payload["pipeline_id"], pipeline);
  EXPECT_EQ(payload["pipeline"], "notified");
  EXPECT_EQ(payload["status"], "succeeded");
  EXPECT_EQ(payload["rows"], 3);
  EXPECT_TRUE(payload["duration_seconds"].is_number());
  EXPECT_EQ(payload["error"], nullptr);
  EXPECT_EQ(payload["link"], "https://logidata.example/runs/" + run_id);
  EXPECT_EQ(hook.headers.at("x-logidata-signature"), "sha256=" + HexEncode(HmacSha256(secret, hook.body)));
  EXPECT_NE(hook.headers.at("x-logidata-signature"), "sha256=" + HexEncode(HmacSha256("wrong", hook.body)));

  auto slack = receiver.WaitFor("/slack", 1);
  ASSERT_EQ(slack.size(), 1u);
  json slack_body = json::parse(slack[0].body, nullptr, false);
  ASSERT_TRUE(slack_body["text"].is_string()) << slack[0].body;
  EXPECT_NE(slack_body["text"].get<std::string>().find("'notified'"), std::string::npos);
  EXPECT_EQ(slack[0].headers.count("x-logidata-signature"), 0u);
  // Deliveries to different settings may finish in any order (the webhook retried twice).
  WaitLog(run_id, "notification 'chat' sent");
  std::string logs = WaitLog(run_id, "notification 'hook' sent");
  EXPECT_NE(logs.find("notification 'hook' sent"), std::string::npos) << logs;

  // A failing run of another pipeline: Slack (org-wide) and email, not the pipeline's webhook.
  std::string failing = CreatePipeline("broken", dir_ + "/missing.csv");
  std::string failed_id = Post("/api/v1/pipelines/" + failing + "/runs", json::object(), 202)["id"];
  ASSERT_EQ(WaitRun(failed_id)["status"], "failed");
  EXPECT_EQ(receiver.WaitFor("/slack", 2).size(), 2u);
  WaitLog(failed_id, "notification 'mail' sent");
  std::vector<std::string> mails = Mails(smtp_dir_ + "/maildir");
  ASSERT_EQ(mails.size(), 1u);
  const std::string& mail = mails[0];
  EXPECT_NE(mail.find("Subject: [Logidata] broken: run failed"), std::string::npos) << mail;
  EXPECT_NE(mail.find("To: ops@example.com, dev@example.com"), std::string::npos) << mail;
  EXPECT_NE(mail.find("From: etl@logidata.test"), std::string::npos) << mail;
  EXPECT_NE(mail.find(failed_id), std::string::npos) << mail;
  EXPECT_NE(mail.find("Error: "), std::string::npos) << mail;
  EXPECT_EQ(hook_receiver.WaitFor("/hook?token=abc", 4, 1).size(), 3u) << "the pipeline webhook wants successes only";
  EXPECT_TRUE(receiver.WaitFor("/off", 1, 1).empty());
}

TEST_P(NotifyTest, DeadEndpointLeavesTheRunSucceededWithALoggedFailure) {
  int dead = FreePort();  // nothing listens there
  Post("/api/v1/notifications",
       {{"name", "dead"}, {"channel", "webhook"}, {"url", "http://127.0.0.1:" + std::to_string(dead) + "/x?key=SECRETKEY"},
        {"events", {"run.succeeded"}}},
       201);
  std::string pipeline = CreatePipeline("deadend");
  std::string run_id = Post("/api/v1/pipelines/" + pipeline + "/runs", json::object(), 202)["id"];
  EXPECT_EQ(WaitRun(run_id)["status"], "succeeded");
  std::string logs = WaitLog(run_id, "notification 'dead' to webhook http://127.0.0.1:" + std::to_string(dead) + "/… failed");
  EXPECT_NE(logs.find("notification 'dead' to webhook"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("SECRETKEY"), std::string::npos);
  EXPECT_EQ(C().Call("GET", "/api/v1/runs/" + run_id, "", s_.Auth()).Json()["status"], "succeeded");

  // The test endpoint answers with the outcome instead of failing.
  json setting = C().Call("GET", "/api/v1/notifications", "", s_.Auth()).Json()["items"][0];
  auto test = C().Call("POST", "/api/v1/notifications/" + setting["id"].get<std::string>() + "/test", "", s_.Auth());
  ASSERT_EQ(test.status, 200) << test.body;
  EXPECT_EQ(test.Json()["ok"], false);
  EXPECT_EQ(test.body.find("SECRETKEY"), std::string::npos);
  WebhookReceiver receiver;
  json live = Post("/api/v1/notifications",
                   {{"name", "live"}, {"channel", "webhook"}, {"url", receiver.Url("/t")}, {"secret", "k"}, {"events", {"run.failed"}}},
                   201);
  auto ok = C().Call("POST", "/api/v1/notifications/" + live["id"].get<std::string>() + "/test", "", s_.Auth());
  EXPECT_EQ(ok.Json()["ok"], true) << ok.body;
  auto got = receiver.WaitFor("/t", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(json::parse(got[0].body)["event"], "test");
  EXPECT_EQ(got[0].headers.at("x-logidata-signature"), "sha256=" + HexEncode(HmacSha256("k", got[0].body)));
}

TEST_P(NotifyTest, ShutdownDoesNotWaitForAHangingEndpoint) {
  // Listens but never answers: deliveries hang until their timeout.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  listen(fd, 16);
  Post("/api/v1/notifications",
       {{"name", "hang"}, {"channel", "webhook"}, {"url", "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/"},
        {"events", {"run.succeeded"}}},
       201);
  std::string run_id = Post("/api/v1/pipelines/" + CreatePipeline("hang") + "/runs", json::object(), 202)["id"];
  EXPECT_EQ(WaitRun(run_id)["status"], "succeeded");
  auto start = std::chrono::steady_clock::now();
  int status = server_.Stop();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  close(fd);
  EXPECT_NE(status, -1) << "the server had to be killed";
  EXPECT_LT(seconds, 14.0);
  EXPECT_NE(ReadFile(dir_ + "/data/server.out").find("notification 'hang' to webhook"), std::string::npos)
      << ReadFile(dir_ + "/data/server.out");
}

TEST_P(NotifyTest, RunsLeftRunningByADeadServerNotifyInterrupted) {
  WebhookReceiver receiver;
  Post("/api/v1/notifications",
       {{"name", "int"}, {"channel", "webhook"}, {"url", receiver.Url("/i")}, {"events", {"run.interrupted"}}}, 201);
  std::string pipeline = CreatePipeline("orphan");
  std::string run_id = Post("/api/v1/pipelines/" + pipeline + "/runs", json::object(), 202)["id"];
  ASSERT_EQ(WaitRun(run_id)["status"], "succeeded");
  server_.Stop(SIGKILL);
  {
    // As if the server had died mid-run: running, no recent heartbeat.
    auto db = OpenDatabase(database_url_.empty() ? dir_ + "/data/logidata.db" : database_url_, 1);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Query("UPDATE runs SET status = 'running', finished_at = NULL, heartbeat_at = "
                             "'2000-01-01T00:00:00.000Z' WHERE id = ?",
                             {run_id}).ok());
  }
  ASSERT_TRUE(StartServer()) << ReadFile(dir_ + "/data/server.err");
  auto got = receiver.WaitFor("/i", 1);
  ASSERT_EQ(got.size(), 1u);
  json payload = json::parse(got[0].body);
  EXPECT_EQ(payload["event"], "run.interrupted");
  EXPECT_EQ(payload["run_id"], run_id);
  // The lost attempt is handed on: the run completes as attempt 2, and is reported lost once.
  json after = WaitRun(run_id);
  EXPECT_EQ(after["status"], "succeeded") << after.dump();
  EXPECT_EQ(after["attempt"], 2) << after.dump();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(receiver.WaitFor("/i", 2, 1).size(), 1u) << "run.interrupted sent once";
}

TEST_P(NotifyTest, ModuleTemplatesAreCheckedAgainstTheModuleSchema) {
  json created = Post("/api/v1/templates",
                      {{"name", "orders csv"}, {"module", "extract.csv"}, {"description", "daily orders"},
                       {"config", {{"path", "orders.csv"}}}},
                      201);
  EXPECT_EQ(created["module"], "extract.csv");
  EXPECT_EQ(created["config"]["path"], "orders.csv");
  std::string id = created["id"];
  struct Bad {
    json body;
    std::string field;
    int status;
  };
  std::vector<Bad> bad = {
      {{{"name", "a"}, {"module", "extract.nosuch"}, {"config", json::object()}}, "/module", 400},
      {{{"name", "a"}, {"module", "csv"}, {"config", json::object()}}, "/module", 400},
      {{{"name", "a"}, {"module", "transform.filter"}, {"config", {{"expression", 5}}}}, "/config/expression", 400},
      {{{"name", "a"}, {"module", "transform.filter"}, {"config", json::object()}}, "", 400},
      {{{"name", "orders csv"}, {"module", "extract.csv"}, {"config", {{"path", "x"}}}}, "/name", 409},
  };
  for (const Bad& b : bad) {
    auto r = C().Call("POST", "/api/v1/templates", b.body.dump(), s_.Auth());
    SCOPED_TRACE(b.body.dump() + " -> " + r.body);
    EXPECT_EQ(r.status, b.status);
    if (!b.field.empty() && b.status == 400) {
      bool named = false;
      for (auto& e : r.Json().value("errors", json::array())) named = named || e.value("field", "") == b.field;
      EXPECT_TRUE(named) << "should name " << b.field;
    }
  }
  auto up = C().Call("PUT", "/api/v1/templates/" + id, json{{"config", {{"path", "other.csv"}}}}.dump(), s_.Auth());
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(up.Json()["config"]["path"], "other.csv");
  EXPECT_EQ(up.Json()["name"], "orders csv");
  auto list = C().Call("GET", "/api/v1/templates?module=extract.csv", "", s_.Auth()).Json();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_TRUE(C().Call("GET", "/api/v1/templates?module=load.csv", "", s_.Auth()).Json()["items"].empty());
  Session other = Register(C(), "tother");
  EXPECT_EQ(C().Call("GET", "/api/v1/templates/" + id, "", other.Auth()).status, 404);
  EXPECT_EQ(C().Call("DELETE", "/api/v1/templates/" + id, "", s_.Auth()).status, 204);
  auto audit = C().Call("GET", "/api/v1/audit?object_type=template", "", s_.Auth()).Json();
  EXPECT_EQ(audit["items"].size(), 3u);
}

TEST_P(NotifyTest, PreviewsAreSavedReopenedAndPruned) {
  std::string pipeline = CreatePipeline("previewed");
  json doc = Doc("previewed", input_, dir_ + "/p.csv");
  json first = Post("/api/v1/preview", {{"pipeline", doc}, {"node_id", "flt"}, {"pipeline_id", pipeline}}, 200);
  ASSERT_TRUE(first["preview_id"].is_string()) << first.dump();
  auto saved = C().Call("GET", "/api/v1/previews/" + first["preview_id"].get<std::string>(), "", s_.Auth());
  ASSERT_EQ(saved.status, 200) << saved.body;
  json preview = saved.Json();
  EXPECT_EQ(preview["node_id"], "flt");
  EXPECT_EQ(preview["pipeline_id"], pipeline);
  EXPECT_EQ(preview["pipeline_version"], 1);
  EXPECT_EQ(preview["row_count"], 2);
  json expected = first;
  expected.erase("preview_id");
  EXPECT_EQ(preview["result"], expected) << "the saved result is the one returned";
  // Without pipeline_id nothing is saved; an unknown or foreign pipeline is named.
  EXPECT_FALSE(Post("/api/v1/preview", {{"pipeline", doc}, {"node_id", "src"}}, 200).contains("preview_id"));
  auto r = C().Call("POST", "/api/v1/preview", json{{"pipeline", doc}, {"node_id", "src"}, {"pipeline_id", "nope"}}.dump(), s_.Auth());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["errors"][0]["field"], "/pipeline_id");
  for (int i = 0; i < 6; ++i) Post("/api/v1/preview", {{"pipeline", doc}, {"node_id", "flt"}, {"pipeline_id", pipeline}}, 200);
  Post("/api/v1/preview", {{"pipeline", doc}, {"node_id", "src"}, {"pipeline_id", pipeline}}, 200);
  auto flt = C().Call("GET", "/api/v1/pipelines/" + pipeline + "/previews?node_id=flt", "", s_.Auth()).Json();
  EXPECT_EQ(flt["items"].size(), 5u) << "only the newest five per node are kept";
  EXPECT_FALSE(flt["items"][0].contains("result"));
  EXPECT_EQ(C().Call("GET", "/api/v1/previews/" + first["preview_id"].get<std::string>(), "", s_.Auth()).status, 404);
  auto all = C().Call("GET", "/api/v1/pipelines/" + pipeline + "/previews", "", s_.Auth()).Json();
  EXPECT_EQ(all["items"].size(), 6u);
  Session other = Register(C(), "pother");
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines/" + pipeline + "/previews", "", other.Auth()).status, 404);
  EXPECT_EQ(C().Call("GET", "/api/v1/previews/" + flt["items"][0]["id"].get<std::string>(), "", other.Auth()).status, 404);
  // Deleting the pipeline takes its saved previews and its own notification settings with it.
  json scoped = Post("/api/v1/notifications",
                     {{"name", "previewed-only"}, {"channel", "email"}, {"to", {"a@b.co"}}, {"events", {"run.failed"}},
                      {"pipeline_id", pipeline}},
                     201);
  ASSERT_EQ(C().Call("DELETE", "/api/v1/pipelines/" + pipeline, "", s_.Auth()).status, 204);
  EXPECT_EQ(C().Call("GET", "/api/v1/previews/" + flt["items"][0]["id"].get<std::string>(), "", s_.Auth()).status, 404);
  EXPECT_EQ(C().Call("GET", "/api/v1/notifications/" + scoped["id"].get<std::string>(), "", s_.Auth()).status, 404);
}

TEST_P(NotifyTest, WorkerRunsReachWebSocketSubscribersAndNotify) {
  if (GetParam() != "postgres") GTEST_SKIP() << "queue mode needs PostgreSQL";
  server_.Stop();
  ASSERT_TRUE(StartServer({"--run-slots", "0"}));
  s_ = Register(C(), "wq");
  // Enough rows that the run takes a few seconds and reports progress while it runs.
  std::string big = dir_ + "/big.csv";
  {
    std::ofstream out(big);
    out << "id,amount\n";
    for (int i = 0; i < 8000000; ++i) out << i << ',' << (i % 10) << '\n';
  }
  WebhookReceiver receiver;
  Post("/api/v1/notifications",
       {{"name", "worker-hook"}, {"channel", "webhook"}, {"url", receiver.Url("/w")}, {"events", {"run.succeeded"}}}, 201);
  std::string pipeline = CreatePipeline("queued-big", big);
  std::string run_id = Post("/api/v1/pipelines/" + pipeline + "/runs", json::object(), 202)["id"];

  WsClient ws;
  ASSERT_TRUE(ws.Connect(server_.port()));
  ws.Send(json{{"type", "auth"}, {"token", s_.access}}.dump());
  ASSERT_FALSE(ws.WaitFor([](const json& m) { return m.value("type", "") == "auth.ok"; }).is_null());
  ws.Send(json{{"type", "subscribe"}, {"channel", "run:" + run_id}}.dump());
  json snapshot = ws.WaitFor([](const json& m) { return m.value("type", "") == "run.status"; });
  ASSERT_FALSE(snapshot.is_null());
  EXPECT_EQ(snapshot["run"]["status"], "queued");

  pid_t worker = StartWorker(database_url_, dir_ + "/worker", dir_ + "/worker.log", "test=" + dir_ + ":rw");
  std::vector<std::string> seen;  // "running", "progress", "log", "succeeded" in arrival order
  int64_t max_rows = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = ws.Receive();
    if (text.empty()) continue;  // receive timeout: the run may still be starting
    json m = json::parse(text, nullptr, false);
    std::string type = m.value("type", "");
    if (type == "run.status") {
      std::string st = m["run"].value("status", "");
      if (seen.empty() || seen.back() != st) seen.push_back(st);
      if (!IsLiveRunStatus(st)) break;
    } else if (type == "node.progress") {
      max_rows = std::max<int64_t>(max_rows, m["nodes"].value("src", json::object()).value("rows_out", int64_t{0}));
      if (seen.empty() || seen.back() != "progress") seen.push_back("progress");
    } else if (type == "log") {
      if (seen.empty() || seen.back() != "log") seen.push_back("log");
    }
  }
  std::string order;
  for (auto& s : seen) order += s + " ";
  auto index = [&](const std::string& what) {
    return std::find(seen.begin(), seen.end(), what) - seen.begin();
  };
  ASSERT_LT(index("succeeded"), static_cast<ptrdiff_t>(seen.size())) << order << ReadFile(dir_ + "/worker.log");
  EXPECT_LT(index("running"), index("progress")) << order;
  EXPECT_LT(index("progress"), index("succeeded")) << order;
  EXPECT_LT(index("log"), index("succeeded")) << order;
  EXPECT_GT(max_rows, 0) << order;
  // The worker finished the run, so the worker sent the notification.
  auto hooks = receiver.WaitFor("/w", 1);
  // A run that starts and ends between two polls still reaches the organization's run list.
  ws.Send(json{{"type", "subscribe"}, {"channel", "runs"}}.dump());
  std::string small = CreatePipeline("queued-small");
  std::string small_id = Post("/api/v1/pipelines/" + small + "/runs", json::object(), 202)["id"];
  json small_done;
  auto small_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (small_done.is_null() && std::chrono::steady_clock::now() < small_deadline) {
    small_done = ws.WaitFor([&](const json& m) {
      return m.value("type", "") == "run.status" && m["run"].value("id", "") == small_id &&
             m["run"].value("status", "") == "succeeded";
    });
  }
  EXPECT_FALSE(small_done.is_null()) << "the worker's short run never reached the runs channel";
  kill(worker, SIGTERM);
  int status = 0;
  waitpid(worker, &status, 0);
  ASSERT_EQ(hooks.size(), 1u) << ReadFile(dir_ + "/worker.log");
  EXPECT_EQ(json::parse(hooks[0].body)["run_id"], run_id);
}

// The design documents' `notifications: {on_failure: [...], on_success: [...]}` is stored in the
// canonical array form and honoured: the run's own document version decides who gets an email.
TEST_P(NotifyTest, DocumentNotificationsEmailOnSuccessAndFailure) {
  json doc = Doc("documented", input_, dir_ + "/documented.out.csv");
  doc["version"] = "1.0.0";
  doc["schedule"] = "0 2 * * *";
  doc["nodes"][0]["type"] = "extractor";
  doc["notifications"] = {{"on_failure", {"oncall@example.com"}}, {"on_success", {"team@example.com", "boss@example.com"}}};
  json created = Post("/api/v1/pipelines", doc, 201);
  std::string pipeline = created["id"];
  json stored = C().Call("GET", "/api/v1/pipelines/" + pipeline, "", s_.Auth()).Json();
  json document = stored.contains("document") ? stored["document"] : stored;
  EXPECT_EQ(document["notifications"],
            json::parse(R"([{"on":["failure"],"channel":"email","to":["oncall@example.com"]},
                            {"on":["success"],"channel":"email","to":["team@example.com","boss@example.com"]}])"))
      << stored.dump();
  EXPECT_EQ(document["release"], "1.0.0") << stored.dump();
  EXPECT_EQ(document["schedule"]["cron"], "0 2 * * *") << stored.dump();
  EXPECT_EQ(document["nodes"][0]["type"], "extract") << stored.dump();

  std::string ok_run = Post("/api/v1/pipelines/" + pipeline + "/runs", json::object(), 202)["id"];
  ASSERT_EQ(WaitRun(ok_run)["status"], "succeeded");
  std::string logs = WaitLog(ok_run, "notification 'pipeline document' sent");
  EXPECT_NE(logs.find("notification 'pipeline document' sent (email)"), std::string::npos) << logs;
  std::vector<std::string> mails = Mails(smtp_dir_ + "/maildir");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("To: team@example.com, boss@example.com"), std::string::npos) << mails[0];
  EXPECT_NE(mails[0].find("documented: run succeeded"), std::string::npos) << mails[0];

  // Point the same pipeline at a missing file: the failure address, and only it, hears of it.
  json update = document;
  update["nodes"][0]["config"]["path"] = dir_ + "/missing.csv";
  auto put = C().Call("PUT", "/api/v1/pipelines/" + pipeline, update.dump(), s_.Auth());
  ASSERT_EQ(put.status, 200) << put.body;
  std::string bad_run = Post("/api/v1/pipelines/" + pipeline + "/runs", json::object(), 202)["id"];
  ASSERT_EQ(WaitRun(bad_run)["status"], "failed");
  WaitLog(bad_run, "notification 'pipeline document' sent");
  mails = Mails(smtp_dir_ + "/maildir");
  ASSERT_EQ(mails.size(), 2u);
  int failure_mails = 0;
  for (const auto& m : mails) failure_mails += m.find("To: oncall@example.com") != std::string::npos;
  EXPECT_EQ(failure_mails, 1);

  // Malformed notifications are refused with their JSON path.
  json bad = Doc("bad-notify", input_, dir_ + "/x.csv");
  bad["notifications"] = {{"on_failure", {"not-an-address"}}};
  auto r = C().Call("POST", "/api/v1/pipelines", bad.dump(), s_.Auth());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/notifications/0/to/0"), std::string::npos) << r.body;
  bad["notifications"] = {{"on_start", json::array()}};
  r = C().Call("POST", "/api/v1/pipelines", bad.dump(), s_.Auth());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/notifications/on_start"), std::string::npos) << r.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, NotifyTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace logidata::testing
