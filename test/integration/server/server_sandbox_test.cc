// Attacks on the server's disk through pipelines, as a tenant would try them, against a real
// `logidata server`: every file module and loader, globs, symlinks, rejects files, partitioned
// output, SQLite connections and SQL text. Each attack must be refused with a clear error naming
// the node and field, the server must stay alive, and nothing outside the sandbox may change.
#include <sqlite3.h>
#include <sys/stat.h>

#include "server_harness.h"

namespace logidata::testing {
namespace {

json Node(const std::string& id, const std::string& type, const std::string& module, json config) {
  return {{"id", id}, {"type", type}, {"module", module}, {"config", std::move(config)}};
}

// extract (module, config) -> load.csv(out)
json ReadDoc(const std::string& module, json config, const std::string& out = "out.csv") {
  return {{"name", Unique("sandbox")},
          {"nodes", {Node("src", "extract", module, std::move(config)), Node("out", "load", "csv", {{"path", out}})}},
          {"edges", {{{"source", "src"}, {"target", "out"}}}}};
}

// extract.csv(in) -> load (module, config)
json WriteDoc(const std::string& in, const std::string& module, json config) {
  return {{"name", Unique("sandbox")},
          {"nodes", {Node("src", "extract", "csv", {{"path", in}}), Node("out", "load", module, std::move(config))}},
          {"edges", {{{"source", "src"}, {"target", "out"}}}}};
}

// Every file below `dir` with its size and modification time, to prove nothing changed.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    struct stat st {};
    if (lstat(it->path().c_str(), &st) != 0) continue;
    out[it->path().string()] = std::to_string(st.st_size) + "@" + std::to_string(st.st_mtim.tv_sec) + "." +
                               std::to_string(st.st_mtim.tv_nsec);
  }
  return out;
}

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("ld-sandbox");
    data_ = dir_ + "/data";
    // The read-only root lies outside "wide", which would otherwise grant it read-write.
    lake_ = MakeTempDir("ld-sandbox-lake");
    fs::create_directories(dir_ + "/outbox");
    std::ofstream(lake_ + "/in.csv") << "id,amount\n1,5\n2,9\n";
    std::ofstream(dir_ + "/secret.txt") << "top-secret-line\n";
    // "wide" contains the data folder: the data folder must stay refused even so.
    ASSERT_TRUE(server_.Start(data_, "",
                              {"--files-root", "lake=" + lake_ + ":ro", "--files-root", "out=" + dir_ + "/outbox:rw",
                               "--files-root", "wide=" + dir_ + ":rw"}))
        << ReadFile(data_ + "/server.err");
    c_ = std::make_unique<HttpClient>(server_.Client());
    owner_ = Register(*c_, "owner");
    viewer_ = Register(*c_, "viewer");
    ASSERT_EQ(c_->Call("POST", "/api/v1/members", json{{"email", viewer_.email}, {"role", "viewer"}}.dump(), owner_.Auth())
                  .status,
              201);
    home_ = data_ + "/files/" + owner_.org_id;
    fs::create_directories(home_ + "/data");
    std::ofstream(home_ + "/data/orders.csv") << "id,amount,country\n1,5,DE\n2,9,FR\n3,1,DE\n";
    data_before_ = Snapshot(data_);
  }
  void TearDown() override {
    EXPECT_TRUE(server_.Alive()) << "the server died";
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
    fs::remove_all(lake_, ec);
  }

  // Nothing in the data folder but the owner's own files and the server's own bookkeeping changed.
  void ExpectDataFolderUntouched() {
    auto after = Snapshot(data_);
    for (const auto& [path, stamp] : data_before_) {
      if (path.rfind(home_, 0) == 0 || path.find("logidata.db") != std::string::npos ||
          path.find(".log") != std::string::npos || path.find("server.") != std::string::npos) {
        continue;
      }
      auto it = after.find(path);
      ASSERT_TRUE(it != after.end()) << path << " was removed";
      EXPECT_EQ(it->second, stamp) << path << " was changed";
    }
  }

  // The issues of /pipelines/validate for `doc` as `who`.
  json Validate(const json& doc, const Session& who) {
    auto r = c_->Call("POST", "/api/v1/pipelines/validate", doc.dump(), who.Auth(owner_.org_id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  // Expects an error issue at /nodes/<index>/config<field> of `node` whose message names `shown`.
  void ExpectRefusedIssue(const json& doc, const std::string& node, int index, const std::string& field,
                          const std::string& shown) {
    json v = Validate(doc, viewer_);
    EXPECT_EQ(v["valid"], false) << v.dump();
    bool found = false;
    for (const auto& issue : v["issues"]) {
      if (issue.value("path", "") == "/nodes/" + std::to_string(index) + "/config" + field && issue["node_id"] == node &&
          issue.value("message", "").find(shown) != std::string::npos) {
        found = true;
      }
    }
    EXPECT_TRUE(found) << "no refusal at " << field << " naming '" << shown << "': " << v.dump();
  }

  // Preview of `node` must be a 4xx that leaks nothing of `secret`.
  void ExpectPreviewRefused(const json& doc, const std::string& node, const std::string& secret) {
    auto r = c_->Call("POST", "/api/v1/preview", json{{"pipeline", doc}, {"node_id", node}}.dump(), owner_.Auth());
    EXPECT_GE(r.status, 400) << r.body;
    EXPECT_LT(r.status, 500) << r.body;
    if (!secret.empty()) {
      EXPECT_EQ(r.body.find(secret), std::string::npos) << r.body;
    }
  }

  // Stores and runs `doc`; returns the finished run.
  json Run(const json& doc) {
    auto created = c_->Call("POST", "/api/v1/pipelines", doc.dump(), owner_.Auth());
    EXPECT_EQ(created.status, 201) << created.body;
    std::string id = created.Json().value("id", "");
    auto started = c_->Call("POST", "/api/v1/pipelines/" + id + "/runs", "{}", owner_.Auth());
    EXPECT_EQ(started.status, 202) << started.body;
    std::string run_id = started.Json().value("id", "");
    json run;
    for (int i = 0; i < 600; ++i) {
      run = c_->Call("GET", "/api/v1/runs/" + run_id, "", owner_.Auth()).Json();
      std::string st = run.value("status", "");
      if (!IsLiveRunStatus(st)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return run;
  }

  void ExpectRunRefused(const json& doc, const std::string& node, const std::string& shown) {
    json run = Run(doc);
    EXPECT_EQ(run.value("status", ""), "failed") << run.dump();
    EXPECT_EQ(run.value("failed_node", ""), node) << run.dump();
    EXPECT_NE(run.value("error", "").find(shown), std::string::npos) << run.dump();
  }

  std::string dir_, data_, home_, lake_;
  std::map<std::string, std::string> data_before_;
  ServerProcess server_;
  std::unique_ptr<HttpClient> c_;
  Session owner_, viewer_;
};

TEST_F(SandboxTest, SystemFilesAreRefusedInEditorPreviewAndRuns) {
  for (const std::string& module : std::vector<std::string>{"csv", "json", "parquet", "xml", "xlsx"}) {
    SCOPED_TRACE(module);
    json config = {{"path", "/etc/passwd"}};
    if (module == "xml") config["record_path"] = "/a/b";
    json doc = ReadDoc(module, config);
    ExpectRefusedIssue(doc, "src", 0, "/path", "/etc/passwd");
    ExpectPreviewRefused(doc, "src", "root:x:0:0");
  }
  json doc = ReadDoc("csv", {{"path", "/etc/passwd"}});
  // A viewer's schema and expression checks never see the file's first line either.
  auto stored = c_->Call("POST", "/api/v1/pipelines", doc.dump(), owner_.Auth()).Json();
  auto schema = c_->Call("POST", "/api/v1/pipelines/" + stored.value("id", "") + "/schema",
                         json{{"node_id", "out"}}.dump(), viewer_.Auth(owner_.org_id));
  EXPECT_EQ(schema.body.find("root:x"), std::string::npos) << schema.body;
  auto check = c_->Call("POST", "/api/v1/expressions/check",
                        json{{"expression", "x > 1"}, {"pipeline", doc}, {"node_id", "out"}}.dump(), viewer_.Auth(owner_.org_id));
  EXPECT_EQ(check.body.find("root:x"), std::string::npos) << check.body;
  ExpectRunRefused(doc, "src", "/etc/passwd");
}

TEST_F(SandboxTest, RelativePathsCannotClimbOutOfTheOrganizationFolder) {
  for (const std::string& path : std::vector<std::string>{"../master.key", "../../master.key", "../../logidata.db", "./../../secret.txt",
                                 "data/../../../master.key", "data/../../" + owner_.org_id + "x/a.csv"}) {
    SCOPED_TRACE(path);
    ExpectRefusedIssue(ReadDoc("csv", {{"path", path}}), "src", 0, "/path", path);
  }
}

TEST_F(SandboxTest, AnotherOrganizationsFilesAreUnreachable) {
  Session other = Register(*c_, "other");
  std::string theirs = data_ + "/files/" + other.org_id;
  fs::create_directories(theirs);
  std::ofstream(theirs + "/private.csv") << "id,ssn\n1,078-05-1120\n";
  for (const std::string& path : std::vector<std::string>{"../" + other.org_id + "/private.csv", theirs + "/private.csv",
                                 "wide:data/files/" + other.org_id + "/private.csv"}) {
    SCOPED_TRACE(path);
    json doc = ReadDoc("csv", {{"path", path}});
    ExpectRefusedIssue(doc, "src", 0, "/path", path);
    ExpectPreviewRefused(doc, "src", "078-05-1120");
  }
}

TEST_F(SandboxTest, SymlinksInsideTheRootCannotLeadOut) {
  fs::create_symlink("/etc/passwd", home_ + "/data/link.csv");
  fs::create_symlink("/etc", home_ + "/etc");
  fs::create_symlink(data_, home_ + "/server");
  for (const std::string& path : std::vector<std::string>{"data/link.csv", "etc/passwd", "server/logidata.db", "server/master.key"}) {
    SCOPED_TRACE(path);
    json doc = ReadDoc("csv", {{"path", path}});
    ExpectRefusedIssue(doc, "src", 0, "/path", path);
    ExpectPreviewRefused(doc, "src", "root:x:0:0");
  }
  // A folder read skips the link instead of reading /etc/passwd through it.
  auto r = c_->Call("POST", "/api/v1/preview", json{{"pipeline", ReadDoc("csv", {{"path", "data"}})}, {"node_id", "src"}}.dump(),
                    owner_.Auth());
  EXPECT_EQ(r.body.find("root:x"), std::string::npos) << r.body;
  EXPECT_EQ(r.status, 200) << r.body;
  // And a load cannot write through a link to a file outside.
  ExpectRunRefused(WriteDoc("data/orders.csv", "csv", {{"path", "server/master.key"}}), "out", "server/master.key");
}

TEST_F(SandboxTest, GlobsAndUrlsAreConfined) {
  for (const std::string& path : std::vector<std::string>{"/etc/*", "../*/x.csv", "data/*/../../../../master.key", "/**/passwd",
                                 "file:///etc/passwd", "wide:data/*.key"}) {
    SCOPED_TRACE(path);
    json doc = ReadDoc("csv", {{"path", path}});
    ExpectRefusedIssue(doc, "src", 0, "/path", path);
    ExpectPreviewRefused(doc, "src", "root:x:0:0");
  }
  // A glob inside the organization's folder still works.
  auto ok = c_->Call("POST", "/api/v1/preview", json{{"pipeline", ReadDoc("csv", {{"path", "data/*.csv"}})}, {"node_id", "src"}}.dump(),
                     owner_.Auth());
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["rows"].size(), 3u) << ok.body;
}

TEST_F(SandboxTest, LoadersCannotReplaceOrDeleteServerFiles) {
  struct Case {
    std::string module, path;
    json extra;
  };
  std::vector<Case> cases = {
      {"csv", "../../master.key", json::object()},
      {"csv", "wide:data/logidata.db", json::object()},
      {"json", "../../logidata.db", json::object()},
      {"parquet", "/tmp/owned.parquet", json::object()},
      {"xlsx", "../../admin-password", json::object()},
      {"csv", "lake:in.csv", json::object()},                      // a read-only root
      {"csv", ".", {{"partition_by", json::array({"country"})}}},  // the root itself
      {"csv", "../", {{"partition_by", json::array({"country"})}}},
      {"csv", "wide:data", {{"partition_by", json::array({"country"})}}},
  };
  std::string lake_before = ReadFile(lake_ + "/in.csv");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.module + " " + c.path);
    json config = c.extra;
    config["path"] = c.path;
    json doc = WriteDoc("data/orders.csv", c.module, config);
    ExpectRefusedIssue(doc, "out", 1, "/path", c.path);
    ExpectRunRefused(doc, "out", c.path);
  }
  // Rejects files are written by an extract: the same rules apply.
  json rejects = ReadDoc("csv", {{"path", "data/orders.csv"}, {"on_error", "skip"}, {"rejects_path", "../../master.key"}});
  ExpectRefusedIssue(rejects, "src", 0, "/rejects_path", "../../master.key");
  EXPECT_EQ(ReadFile(lake_ + "/in.csv"), lake_before);
  EXPECT_FALSE(fs::exists("/tmp/owned.parquet"));
  EXPECT_TRUE(fs::exists(home_ + "/data/orders.csv")) << "the organization's folder was deleted";
  ExpectDataFolderUntouched();
}

TEST_F(SandboxTest, SqliteCannotOpenTheMetadataDatabase) {
  for (const std::string& database : std::vector<std::string>{data_ + "/logidata.db", "../../logidata.db", "wide:data/logidata.db"}) {
    SCOPED_TRACE(database);
    std::string name = Unique("meta");
    auto conn = c_->Call("POST", "/api/v1/connections", json{{"name", name}, {"type", "sqlite"}, {"database", database}}.dump(),
                         owner_.Auth());
    ASSERT_EQ(conn.status, 201) << conn.body;
    auto tested = c_->Call("POST", "/api/v1/connections/" + conn.Json().value("id", "") + "/test", "", owner_.Auth()).Json();
    EXPECT_EQ(tested["ok"], false) << tested.dump();
    json doc = ReadDoc("sqlite", {{"connection", name}, {"query", "SELECT email, password_hash FROM users"}});
    ExpectPreviewRefused(doc, "src", "argon2");
    json run = Run(doc);
    EXPECT_EQ(run.value("status", ""), "failed") << run.dump();
    json write = WriteDoc("data/orders.csv", "sqlite", {{"connection", name}, {"table", "users"}, {"mode", "append"}});
    EXPECT_EQ(Run(write).value("status", ""), "failed");
  }
  ExpectDataFolderUntouched();
}

TEST_F(SandboxTest, SqliteSqlCannotAttachOtherFiles) {
  // A database of the organization's own, with a query that tries to reach the metadata store.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((home_ + "/mine.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  std::string name = Unique("mine");
  ASSERT_EQ(c_->Call("POST", "/api/v1/connections", json{{"name", name}, {"type", "sqlite"}, {"database", "mine.db"}}.dump(),
                     owner_.Auth())
                .status,
            201);
  json ok = ReadDoc("sqlite", {{"connection", name}, {"query", "SELECT id FROM t"}});
  auto pv = c_->Call("POST", "/api/v1/preview", json{{"pipeline", ok}, {"node_id", "src"}}.dump(), owner_.Auth());
  EXPECT_EQ(pv.status, 200) << pv.body;
  json attach = ReadDoc("sqlite", {{"connection", name}, {"query", "ATTACH DATABASE '" + data_ + "/logidata.db' AS m"}});
  ExpectPreviewRefused(attach, "src", "");
  for (const std::string& sql : std::vector<std::string>{"ATTACH DATABASE '" + data_ + "/logidata.db' AS m", "VACUUM INTO '" + data_ + "/copy.db'",
                                "VACUUM INTO '" + home_ + "/copy.db'", "SELECT load_extension('/tmp/x.so')"}) {
    SCOPED_TRACE(sql);
    EXPECT_NE(Run(ReadDoc("sqlite", {{"connection", name}, {"query", sql}})).value("status", ""), "succeeded");
  }
  EXPECT_FALSE(fs::exists(home_ + "/copy.db"));
  EXPECT_FALSE(fs::exists(data_ + "/copy.db"));
  ExpectDataFolderUntouched();
}

TEST_F(SandboxTest, NamedRootsAndTheOrganizationFolderWork) {
  // The demo pipelines' relative paths resolve in the editor exactly as in runs.
  json demo = WriteDoc("data/orders.csv", "csv", {{"path", "result.csv"}});
  json v = Validate(demo, viewer_);
  EXPECT_EQ(v["valid"], true) << v.dump();
  json run = Run(demo);
  EXPECT_EQ(run.value("status", ""), "succeeded") << run.dump();
  EXPECT_TRUE(fs::exists(home_ + "/result.csv"));
  // A read-only root reads; a read-write root writes.
  json lake = ReadDoc("csv", {{"path", "lake:in.csv"}}, "out:copied.csv");
  EXPECT_EQ(Run(lake).value("status", ""), "succeeded");
  EXPECT_EQ(ReadFile(dir_ + "/outbox/copied.csv"), "id,amount\n1,5\n2,9\n");
  // The data folder stays refused inside a granted root, whatever the spelling.
  ExpectRefusedIssue(ReadDoc("csv", {{"path", "wide:data/master.key"}}), "src", 0, "/path", "wide:data/master.key");
  ExpectRefusedIssue(ReadDoc("csv", {{"path", dir_ + "/data/../data/logidata.db"}}), "src", 0, "/path", "logidata.db");
  // A granted root's own files outside the data folder are readable by absolute path too.
  auto secret = c_->Call("POST", "/api/v1/preview",
                         json{{"pipeline", ReadDoc("csv", {{"path", lake_ + "/in.csv"}})}, {"node_id", "src"}}.dump(),
                         owner_.Auth());
  EXPECT_EQ(secret.status, 200) << secret.body;
  ExpectDataFolderUntouched();
}

TEST_F(SandboxTest, FilesApiStaysInsideTheSandbox) {
  auto top = c_->Call("PUT", "/api/v1/files/content?path=top.csv", "id\n2\n", owner_.Auth());
  EXPECT_EQ(top.status, 201) << top.body;  // straight into the organization's folder
  EXPECT_EQ(ReadFile(home_ + "/top.csv"), "id\n2\n");
  auto up = c_->Call("PUT", "/api/v1/files/content?path=incoming/new.csv", "id\n1\n", owner_.Auth());
  EXPECT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(ReadFile(home_ + "/incoming/new.csv"), "id\n1\n");
  auto list = c_->Call("GET", "/api/v1/files?path=incoming", "", viewer_.Auth(owner_.org_id));
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["items"].size(), 1u) << list.body;
  EXPECT_EQ(list.Json()["items"][0]["path"], "incoming/new.csv");
  EXPECT_EQ(c_->Call("GET", "/api/v1/files/content?path=incoming/new.csv", "", owner_.Auth()).body, "id\n1\n");
  // A viewer lists but neither downloads nor uploads.
  EXPECT_EQ(c_->Call("GET", "/api/v1/files/content?path=incoming/new.csv", "", viewer_.Auth(owner_.org_id)).status, 403);
  EXPECT_EQ(c_->Call("PUT", "/api/v1/files/content?path=v.csv", "x", viewer_.Auth(owner_.org_id)).status, 403);
  // Writes and deletes aim at a canary outside every root, never at system files: if the sandbox
  // ever regressed, this test must not damage the machine it runs on (the tests run as root).
  std::string outside = MakeTempDir("ld-sandbox-outside");
  std::ofstream(outside + "/canary.txt") << "canary\n";
  for (const std::string& path : std::vector<std::string>{"../../master.key", outside + "/canary.txt", "..%2F..%2Flogidata.db",
                                 "wide:data/logidata.db", "lake:in.csv", "../" + viewer_.org_id + "/x.csv",
                                 "wide:data/files/" + viewer_.org_id + "/x.csv", outside}) {
    SCOPED_TRACE(path);
    auto put = c_->Call("PUT", "/api/v1/files/content?path=" + path, "owned", owner_.Auth());
    EXPECT_GE(put.status, 400) << put.body;
    EXPECT_LT(put.status, 500) << put.body;
    auto del = c_->Call("DELETE", "/api/v1/files?path=" + path, "", owner_.Auth());
    EXPECT_GE(del.status, 400) << del.body;
    EXPECT_LT(del.status, 500) << del.body;
  }
  EXPECT_EQ(ReadFile(outside + "/canary.txt"), "canary\n");
  std::error_code ec;
  fs::remove_all(outside, ec);
  for (const std::string& path : std::vector<std::string>{"../../master.key", "/etc/passwd", "wide:data/logidata.db"}) {
    auto get = c_->Call("GET", "/api/v1/files/content?path=" + path, "", owner_.Auth());
    EXPECT_EQ(get.status, 403) << path << " " << get.body;
  }
  EXPECT_EQ(c_->Call("DELETE", "/api/v1/files?path=.", "", owner_.Auth()).status, 403);
  EXPECT_EQ(c_->Call("GET", "/api/v1/files?path=..", "", owner_.Auth()).status, 403);
  // The granted root shows in the listing, and its files read.
  auto roots = c_->Call("GET", "/api/v1/files?path=lake:", "", owner_.Auth());
  ASSERT_EQ(roots.status, 200) << roots.body;
  EXPECT_EQ(roots.Json()["items"][0]["path"], "lake:in.csv") << roots.body;
  EXPECT_EQ(c_->Call("DELETE", "/api/v1/files?path=incoming/new.csv", "", owner_.Auth()).status, 204);
  EXPECT_FALSE(fs::exists(home_ + "/incoming/new.csv"));
  EXPECT_EQ(ReadFile(lake_ + "/in.csv"), "id,amount\n1,5\n2,9\n");
  ExpectDataFolderUntouched();
}

}  // namespace
}  // namespace logidata::testing
