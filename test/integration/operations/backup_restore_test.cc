// `logidata backup` / `logidata restore` round trips on the embedded SQLite store and on
// PostgreSQL, with real servers: pipelines, a connection whose password decrypts after the restore
// (tested against a PostgreSQL role that needs it), runs, users and the organization's files come
// back the same; the master key and the plain secret are nowhere in the archive; a restore without
// the key, with a wrong key, into a used folder or from an archive holding a link is refused.
#include <fstream>

#include "integration/operations/cli_process.h"
#include "integration/orchestration/orchestration_harness.h"

namespace logidata::testing {
namespace {

constexpr const char* kOtherKeyHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

json Doc(const std::string& name, const std::string& input, const std::string& output) {
  return {{"name", name},
          {"description", "backup test pipeline"},
          {"nodes",
           {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", input}}}},
            {{"id", "out"}, {"type", "load"}, {"module", "csv"}, {"config", {{"path", output}}}}}},
          {"edges", {{{"source", "src"}, {"target", "out"}}}}};
}

class BackupRestoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    LD_REQUIRE_POSTGRES();  // the connection under test points at PostgreSQL in both variants
    LD_REQUIRE_TOOL("/usr/bin/tar");
    pg_ = SharedPostgres::Get();
    dir_ = MakeTempDir("ld-backup");
    if (GetParam() == "postgres") {
      LD_REQUIRE_TOOL("/usr/bin/pg_dump");
      LD_REQUIRE_TOOL("/usr/bin/pg_restore");
      source_url_ = pg_->NewDatabase(Unique("ld_bk_src"));
    }
    std::ofstream(dir_ + "/orders.csv") << "id,amount\n1,5\n2,7\n";
  }
  void TearDown() override {
    for (ServerProcess* s : {&a_, &b_}) s->Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }

  bool Start(ServerProcess& server, const std::string& data_dir, const std::string& url) {
    return server.Start(data_dir, url, {"--files-root", "test=" + dir_ + ":rw", "--allow-egress", "127.0.0.0/8"});
  }
  // A PostgreSQL role that must give its password (the test server trusts everyone else).
  void CreatePasswordRole() {
    role_ = Unique("bk_role");
    password_ = "Pw-" + Unique("s3cret");
    std::string admin = pg_->url();
    ASSERT_EQ(PgOne(admin, "CREATE ROLE " + role_ + " LOGIN PASSWORD " + SqlQuote(password_)), "<none>");
    std::string hba = PgOne(admin, "SHOW hba_file");
    std::string text = ReadFile(hba);
    std::ofstream(hba) << "host all " << role_ << " 127.0.0.1/32 scram-sha-256\n" << text;
    PgOne(admin, "SELECT pg_reload_conf()");
  }
  // What must survive: ids, names and versions of pipelines, connections without secrets, runs
  // with their statuses and errors.
  std::string Snapshot(const HttpClient& c, const Session& s) {
    std::string out;
    // Each answer kept alive while iterating (a temporary's member would dangle).
    json pipelines = c.Call("GET", "/api/v1/pipelines", "", s.Auth()).Json();
    json connections = c.Call("GET", "/api/v1/connections", "", s.Auth()).Json();
    json runs = c.Call("GET", "/api/v1/runs?limit=100", "", s.Auth()).Json();
    for (const auto& p : pipelines["items"]) {
      out += "pipeline " + p["id"].get<std::string>() + " " + p["name"].get<std::string>() + " v" + p["version"].dump() + "\n";
    }
    for (const auto& k : connections["items"]) {
      out += "connection " + k["id"].get<std::string>() + " " + k.value("name", "") + " " + k.value("user", "") +
             " has_secret=" + k["has_secret"].dump() + "\n";
    }
    for (const auto& r : runs["items"]) {
      out += "run " + r["id"].get<std::string>() + " " + r["status"].get<std::string>() + " " + r["error"].dump() + "\n";
    }
    return out;
  }
  json WaitRun(const HttpClient& c, const Session& s, const std::string& id) {
    json run;
    for (int i = 0; i < 600; ++i) {
      run = c.Call("GET", "/api/v1/runs/" + id, "", s.Auth()).Json();
      if (!IsLiveRunStatus(run.value("status", ""))) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return run;
  }
  std::string StartRun(const HttpClient& c, const Session& s, const std::string& pipeline_id) {
    auto r = c.Call("POST", "/api/v1/pipelines/" + pipeline_id + "/runs", "{}", s.Auth());
    EXPECT_EQ(r.status, 202) << r.body;
    return r.Json().value("id", "");
  }
  std::vector<std::string> StoreArgs(const std::string& data_dir, const std::string& url) {
    std::vector<std::string> args = {"--data-dir", data_dir};
    if (!url.empty()) {
      args.push_back("--database-url");
      args.push_back(url);
    }
    return args;
  }
  CliResult Restore(const std::string& archive, const std::string& data_dir, const std::string& url,
                    std::optional<std::string> key) {
    std::vector<std::string> args = {"restore", "--from", archive};
    for (auto& a : StoreArgs(data_dir, url)) args.push_back(a);
    return RunCli(args, {{"LOGIDATA_MASTER_KEY", key}, {"LOGIDATA_MASTER_KEY_FILE", std::nullopt}});
  }
  std::string NewTargetUrl() { return GetParam() == "postgres" ? pg_->NewDatabase(Unique("ld_bk_dst")) : ""; }
  int64_t TableCount(const std::string& url) {
    return std::atoll(PgOne(url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").c_str());
  }

  PostgresServer* pg_ = nullptr;
  std::string dir_, source_url_, role_, password_;
  ServerProcess a_, b_;
};

TEST_P(BackupRestoreTest, RoundTripKeepsPipelinesConnectionsRunsAndFiles) {
  ASSERT_NO_FATAL_FAILURE(CreatePasswordRole());
  ASSERT_TRUE(Start(a_, dir_ + "/a", source_url_)) << ReadFile(dir_ + "/a/server.err");
  HttpClient c = a_.Client();
  Session s = Register(c, "backup");

  // A connection whose password PostgreSQL checks: its test proves the stored secret decrypts.
  std::string target_db = Unique("ld_bk_conn");
  pg_->NewDatabase(target_db);
  int pg_port = std::atoi(pg_->url().substr(pg_->url().rfind(':') + 1).c_str());
  auto conn = c.Call("POST", "/api/v1/connections",
                     json{{"name", "warehouse"}, {"type", "postgres"}, {"host", "127.0.0.1"}, {"port", pg_port},
                          {"database", target_db}, {"user", role_}, {"secret", password_}}.dump(),
                     s.Auth());
  ASSERT_EQ(conn.status, 201) << conn.body;
  std::string conn_id = conn.Json()["id"];
  auto tested = c.Call("POST", "/api/v1/connections/" + conn_id + "/test", "", s.Auth()).Json();
  ASSERT_EQ(tested["ok"], true) << tested.dump();

  auto good = c.Call("POST", "/api/v1/pipelines", Doc("copy orders", dir_ + "/orders.csv", dir_ + "/out.csv").dump(), s.Auth());
  auto bad = c.Call("POST", "/api/v1/pipelines", Doc("broken", dir_ + "/missing.csv", dir_ + "/x.csv").dump(), s.Auth());
  ASSERT_EQ(good.status, 201) << good.body;
  ASSERT_EQ(bad.status, 201) << bad.body;
  std::string good_id = good.Json()["id"], bad_id = bad.Json()["id"];
  EXPECT_EQ(WaitRun(c, s, StartRun(c, s, good_id))["status"], "succeeded");
  EXPECT_EQ(WaitRun(c, s, StartRun(c, s, bad_id))["status"], "failed");
  std::vector<std::string> upload = s.Auth();
  upload.push_back("Content-Type: text/csv");
  auto put = c.Call("PUT", "/api/v1/files/content?path=notes/kept.csv", "a,b\n1,2\n", upload);
  ASSERT_EQ(put.status, 201) << put.body;
  std::string before = Snapshot(c, s);
  ASSERT_NE(before.find("has_secret=true"), std::string::npos) << before;
  ASSERT_NE(before.find("run "), std::string::npos) << before;

  // Backed up while the server runs.
  std::string archive = dir_ + "/backup.tar.gz";
  CliResult backup = RunCli([&] {
    std::vector<std::string> a = {"backup", "--out", archive};
    for (auto& x : StoreArgs(dir_ + "/a", source_url_)) a.push_back(x);
    return a;
  }());
  ASSERT_EQ(backup.code, 0) << backup.output;
  EXPECT_NE(backup.output.find("the master key is NOT in the backup"), std::string::npos) << backup.output;
  EXPECT_EQ(RunCli({"backup", "--out", archive, "--data-dir", dir_ + "/a"}).code, 1) << "overwrote a backup";
  EXPECT_EQ(fs::status(archive).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);

  // Neither the master key nor the connection's password is anywhere in the archive.
  CliResult contents = RunProgramArgs({"tar", "-xzOf", archive});
  ASSERT_EQ(contents.code, 0);
  EXPECT_EQ(contents.output.find(kMasterKeyHex), std::string::npos) << "master key in the backup";
  EXPECT_EQ(contents.output.find(password_), std::string::npos) << "plain secret in the backup";
  CliResult manifest = RunProgramArgs({"tar", "-xzOf", archive, "logidata-backup.json"});
  json m = json::parse(manifest.output, nullptr, false);
  EXPECT_EQ(m["master_key_included"], false) << manifest.output;
  EXPECT_EQ(m["metadata"], GetParam());
  EXPECT_FALSE(m["key_ids"].empty()) << manifest.output;
  a_.Stop();

  // No key here: refused before anything is written.
  std::string no_key_url = NewTargetUrl();
  CliResult no_key = Restore(archive, dir_ + "/nokey", no_key_url, std::nullopt);
  EXPECT_EQ(no_key.code, 1) << no_key.output;
  EXPECT_NE(no_key.output.find("no master key"), std::string::npos) << no_key.output;
  EXPECT_FALSE(fs::exists(dir_ + "/nokey/logidata.db"));
  EXPECT_FALSE(fs::exists(dir_ + "/nokey/master.key")) << "restore created a key";
  if (!no_key_url.empty()) EXPECT_EQ(TableCount(no_key_url), 0);

  // Another key: restored, but reported as unreadable, naming the key id the data needs.
  CliResult wrong_key = Restore(archive, dir_ + "/wrongkey", NewTargetUrl(), kOtherKeyHex);
  EXPECT_EQ(wrong_key.code, 1) << wrong_key.output;
  EXPECT_NE(wrong_key.output.find("do not decrypt"), std::string::npos) << wrong_key.output;
  EXPECT_NE(wrong_key.output.find(m["key_ids"][0].get<std::string>()), std::string::npos) << wrong_key.output;
  EXPECT_EQ(wrong_key.output.find(password_), std::string::npos);

  // The right key, a fresh folder (and database): everything back.
  std::string restored_url = NewTargetUrl();
  CliResult restored = Restore(archive, dir_ + "/b", restored_url, kMasterKeyHex);
  ASSERT_EQ(restored.code, 0) << restored.output;
  EXPECT_NE(restored.output.find("secret(s) decrypt"), std::string::npos) << restored.output;
  CliResult again = Restore(archive, dir_ + "/b", restored_url, kMasterKeyHex);
  EXPECT_EQ(again.code, 1) << "restored over a used store: " << again.output;
  EXPECT_NE(again.output.find("AlreadyExists"), std::string::npos) << again.output;

  ASSERT_TRUE(Start(b_, dir_ + "/b", restored_url)) << ReadFile(dir_ + "/b/server.err");
  HttpClient c2 = b_.Client();
  auto login = c2.Call("POST", "/api/v1/auth/login", json{{"email", s.email}, {"password", s.password}}.dump());
  ASSERT_EQ(login.status, 200) << "the user did not survive: " << login.body;
  Session s2 = FromTokens(c2, login.Json(), s.email, s.password);
  EXPECT_EQ(s2.org_id, s.org_id);
  EXPECT_EQ(Snapshot(c2, s2), before);
  auto retested = c2.Call("POST", "/api/v1/connections/" + conn_id + "/test", "", s2.Auth()).Json();
  EXPECT_EQ(retested["ok"], true) << "the restored secret does not decrypt or is wrong: " << retested.dump();
  auto file = c2.Call("GET", "/api/v1/files/content?path=notes/kept.csv", "", s2.Auth());
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, "a,b\n1,2\n");
  EXPECT_EQ(WaitRun(c2, s2, StartRun(c2, s2, good_id))["status"], "succeeded") << "a restored pipeline does not run";
}

// The archive check does not depend on the store: one variant.
TEST(BackupArchiveTest, AnArchiveHoldingALinkOrNoManifestIsRefused) {
  std::string dir_ = MakeTempDir("ld-backup-evil");
  auto Restore = [](const std::string& archive, const std::string& data_dir) {
    return RunCli({"restore", "--from", archive, "--data-dir", data_dir}, {{"LOGIDATA_MASTER_KEY", kMasterKeyHex}});
  };
  std::ofstream(dir_ + "/orders.csv") << "id,amount\n1,5\n";
  std::string staging = dir_ + "/evil";
  fs::create_directories(staging + "/files");
  std::ofstream(staging + "/logidata-backup.json")
      << json{{"format", "logidata-backup"}, {"version", 1}, {"metadata", "sqlite"}, {"files", true}}.dump();
  std::ofstream(staging + "/metadata.sqlite") << "x";
  fs::create_symlink("/etc", staging + "/files/escape");
  ASSERT_EQ(RunProgramArgs({"tar", "-czf", dir_ + "/evil.tar.gz", "-C", staging, "."}).code, 0);
  CliResult r = Restore(dir_ + "/evil.tar.gz", dir_ + "/target");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("links are refused"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ + "/target/logidata.db"));
  EXPECT_FALSE(fs::exists(dir_ + "/target/files/escape"));

  CliResult not_backup = Restore(dir_ + "/orders.csv", dir_ + "/target2");
  EXPECT_EQ(not_backup.code, 1) << not_backup.output;
  std::error_code ec;
  if (!HasFailure()) fs::remove_all(dir_, ec);
}

INSTANTIATE_TEST_SUITE_P(Stores, BackupRestoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace logidata::testing
