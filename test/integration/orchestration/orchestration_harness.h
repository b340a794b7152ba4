// OrchestrationCluster: the real processes of a queue-mode deployment for the orchestration tests —
// one throw-away PostgreSQL (shared by the test binary) holding a metadata database and a target
// database, one `logidata server` on the metadata database and any number of `logidata worker`
// processes, all on 127.0.0.1. Tests kill, pause and restart these processes and then check the
// runs table, run_attempts and the target tables directly with libpq. Not thread-safe: one test
// thread drives it.
#pragma once

#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/server/server_harness.h"

namespace logidata::testing {

// Runs `sql` on `url`; every row as tab-joined cells ("" + error text on failure, which the
// caller's expectation then shows).
inline std::vector<std::string> PgRows(const std::string& url, const std::string& sql) {
  std::vector<std::string> rows;
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    rows.push_back(std::string("<connect error> ") + PQerrorMessage(conn));
    PQfinish(conn);
    return rows;
  }
  PGresult* r = PQexec(conn, sql.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    rows.push_back(std::string("<error> ") + PQresultErrorMessage(r));
  } else {
    for (int i = 0; i < PQntuples(r); ++i) {
      std::string row;
      for (int c = 0; c < PQnfields(r); ++c) {
        if (c > 0) row += '\t';
        row += PQgetisnull(r, i, c) ? "NULL" : PQgetvalue(r, i, c);
      }
      rows.push_back(row);
    }
  }
  PQclear(r);
  PQfinish(conn);
  return rows;
}

inline std::string PgOne(const std::string& url, const std::string& sql) {
  auto rows = PgRows(url, sql);
  return rows.empty() ? "<none>" : rows[0];
}

inline std::string SqlQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// Makes loads into `table` (id bigint, ...) last at least a second per million rows: a row trigger
// sleeps 1 ms on every 1000th id. Tests that kill or cancel a run mid-load need the load to be
// in flight when they act; a plain 1M-row COPY now finishes in about 0.3 s, within their polling.
inline void SlowDownLoadsInto(const std::string& url, const std::string& table) {
  PgOne(url, "CREATE OR REPLACE FUNCTION logidata_test_slow_row() RETURNS trigger LANGUAGE plpgsql AS $$ "
             "BEGIN IF NEW.id % 1000 = 0 THEN PERFORM pg_sleep(0.001); END IF; RETURN NEW; END $$");
  PgOne(url, "CREATE TRIGGER " + table + "_slow BEFORE INSERT ON " + table +
                 " FOR EACH ROW EXECUTE FUNCTION logidata_test_slow_row()");
}

// A file `path` with header id,v and rows i,x<i> for i in 1..n.
inline void WriteIdCsv(const std::string& path, int64_t n) {
  std::ofstream out(path);
  out << "id,v\n";
  std::string line;
  for (int64_t i = 1; i <= n; ++i) out << i << ",x" << i << '\n';
}

// "count distinct sum md5" of an (id bigint, v text) table, and the value it must have after ids
// 1..n were loaded exactly once each.
inline std::string ChecksumSql(const std::string& table) {
  return "SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || coalesce(sum(id), 0) || ' ' || "
         "coalesce(md5(string_agg(v, ',' ORDER BY id)), '-') FROM " + table;
}
inline std::string ExpectedChecksum(const std::string& url, int64_t n) {
  std::string md5 = PgOne(url, "SELECT md5(string_agg('x' || g, ',' ORDER BY g)) FROM generate_series(1, " +
                                   std::to_string(n) + ") AS g");
  return std::to_string(n) + " " + std::to_string(n) + " " + std::to_string(n * (n + 1) / 2) + " " + md5;
}

// scripts/servers/http_test_server.py on a free port (killed by the destructor).
class HttpTestServer {
 public:
  ~HttpTestServer() { Stop(); }
  bool Start() {
    int out[2];
    if (pipe(out) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      std::string script = std::string(LOGIDATA_SOURCE_DIR) + "/scripts/servers/http_test_server.py";
      execl("/usr/bin/python3", "python3", script.c_str(), "0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    if (line.rfind("ready ", 0) != 0) return false;
    port_ = std::atoi(line.c_str() + 6);
    return port_ > 0;
  }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// One `logidata worker` process.
struct WorkerProcess {
  pid_t pid = -1;
  std::string log;        // its stdout and stderr
  std::string port_file;  // its --metrics-listen port
  std::string id() const { return "worker-" + std::to_string(pid); }
  // The worker's own /metrics text ("" when it does not answer).
  std::string Metrics() const {
    int port = std::atoi(ReadFile(port_file).c_str());
    if (port <= 0) return "";
    auto r = HttpClient("http://127.0.0.1:" + std::to_string(port)).Call("GET", "/metrics");
    return r.status == 200 ? r.body : "";
  }
};

class OrchestrationCluster {
 public:
  ~OrchestrationCluster() { StopAll(); }

  // A metadata and a target database on the shared PostgreSQL. False (with LD_REQUIRE_POSTGRES
  // having failed or skipped the test) when PostgreSQL is not there.
  bool Init(const std::string& name) {
    PostgresServer* pg = SharedPostgres::Get();
    if (pg == nullptr) return false;
    dir_ = MakeTempDir("ld-orch-" + name);
    meta_url_ = pg->NewDatabase(Unique("ld_meta"));
    target_db_ = Unique("ld_target");
    target_url_ = pg->NewDatabase(target_db_);
    std::string port = target_url_.substr(target_url_.rfind(':') + 1);
    target_port_ = std::atoi(port.c_str());
    return true;
  }

  // Starts the server (run slots 0 = workers only) and signs a user in.
  bool StartServer(int run_slots, int lease_seconds, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--run-slots",   std::to_string(run_slots), "--lease-seconds",
                                     std::to_string(lease_seconds), "--files-root", "test=" + dir_ + ":rw",
                                     "--allow-egress", "127.0.0.0/8"};
    for (auto& e : extra) args.push_back(e);
    server_args_ = args;
    if (!server_.Start(dir_ + "/server", meta_url_, args)) return false;
    if (session_.access.empty()) {
      session_ = Register(C(), "orch");
      auto conn = C().Call("POST", "/api/v1/connections",
                           json{{"name", "tgt"}, {"type", "postgres"}, {"host", "127.0.0.1"}, {"port", target_port_},
                                {"database", target_db_}, {"user", "postgres"}}
                               .dump(),
                           session_.Auth());
      if (conn.status != 201) {
        ADD_FAILURE() << "cannot create the target connection: " << conn.body;
        return false;
      }
    }
    return true;
  }
  // SIGTERM (graceful) and start again on the same database.
  bool RestartServer() {
    server_.Stop(SIGTERM);
    return server_.Start(dir_ + "/server", meta_url_, server_args_);
  }

  WorkerProcess& StartWorker(int lease_seconds, int slots = 2, int poll_ms = 200) {
    WorkerProcess w;
    int n = static_cast<int>(workers_.size());
    w.log = dir_ + "/worker" + std::to_string(n) + ".log";
    w.port_file = dir_ + "/worker" + std::to_string(n) + ".port";
    std::vector<std::string> args = {BinaryPath(), "worker", "--database-url", meta_url_, "--data-dir",
                                     dir_ + "/worker" + std::to_string(n), "--files-root", "test=" + dir_ + ":rw",
                                     "--lease-seconds", std::to_string(lease_seconds), "--poll-ms",
                                     std::to_string(poll_ms), "--slots", std::to_string(slots), "--drain-seconds", "5",
                                     "--metrics-listen", "127.0.0.1:0", "--port-file", w.port_file};
    w.pid = fork();
    if (w.pid == 0) {
      setenv("LOGIDATA_MASTER_KEY", kMasterKeyHex, 1);
      setenv("LOGIDATA_ALLOW_EGRESS", "127.0.0.0/8", 1);
      // spdlog writes to stdout: both streams go to the worker's log.
      FILE* f = freopen(w.log.c_str(), "a", stderr);
      f = freopen(w.log.c_str(), "a", stdout);
      (void)f;
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    workers_.push_back(w);
    return workers_.back();
  }
  // Waits until every worker serves /metrics (it is started and listening for runs).
  bool WaitWorkersReady(int seconds = 30) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    for (auto& w : workers_) {
      while (w.Metrics().empty()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    return true;
  }
  WorkerProcess* WorkerById(const std::string& id) {
    for (auto& w : workers_) {
      if (w.id() == id) return &w;
    }
    return nullptr;
  }
  static int StopWorker(WorkerProcess& w, int sig = SIGTERM) {
    if (w.pid <= 0) return -1;
    kill(w.pid, sig);
    if (sig == SIGSTOP) return 0;
    int status = 0;
    waitpid(w.pid, &status, 0);
    w.pid = -1;
    return status;
  }
  void StopAll() {
    for (auto& w : workers_) {
      if (w.pid > 0) {
        kill(w.pid, SIGCONT);
        kill(w.pid, SIGKILL);
        waitpid(w.pid, nullptr, 0);
        w.pid = -1;
      }
    }
    server_.Stop();
  }
  // Every worker's log, for failure messages.
  std::string Logs() const {
    std::string out = "--- server.err\n" + ReadFile(dir_ + "/server/server.err");
    for (const auto& w : workers_) out += "--- " + w.log + "\n" + ReadFile(w.log);
    return out.size() > 20000 ? out.substr(out.size() - 20000) : out;
  }

  HttpClient C() const { return server_.Client(); }
  const Session& session() const { return session_; }
  const std::string& dir() const { return dir_; }
  const std::string& meta_url() const { return meta_url_; }
  const std::string& target_url() const { return target_url_; }
  ServerProcess& server() { return server_; }

  json Call(const std::string& method, const std::string& path, const json& body, int expect) {
    auto r = C().Call(method, path, body.is_null() ? "" : body.dump(), session_.Auth());
    EXPECT_EQ(r.status, expect) << method << " " << path << " " << body.dump() << " -> " << r.body;
    return r.Json();
  }
  std::string CreatePipeline(const json& doc) { return Call("POST", "/api/v1/pipelines", doc, 201).value("id", ""); }
  std::string QueueRun(const std::string& pipeline, const json& params = json::object()) {
    return Call("POST", "/api/v1/pipelines/" + pipeline + "/runs", {{"parameters", params}}, 202).value("id", "");
  }
  json Run(const std::string& run_id) { return C().Call("GET", "/api/v1/runs/" + run_id, "", session_.Auth()).Json(); }
  // Polls until the run has a final status (or the timeout); returns its last JSON.
  json WaitFinal(const std::string& run_id, int seconds = 90) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    json run;
    while (std::chrono::steady_clock::now() < deadline) {
      run = Run(run_id);
      std::string st = run.value("status", "");
      if (st != "" && st != "queued" && st != "running" && st != "retrying") return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return run;
  }
  // Polls the metadata database until `sql` returns `want` (or the timeout); returns the last value.
  std::string WaitMeta(const std::string& sql, const std::string& want, int seconds = 60) {
    return WaitSql(meta_url_, sql, want, seconds);
  }
  static std::string WaitSql(const std::string& url, const std::string& sql, const std::string& want, int seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    std::string got;
    while (std::chrono::steady_clock::now() < deadline) {
      got = PgOne(url, sql);
      if (got == want) return got;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return got;
  }

 private:
  std::string dir_, meta_url_, target_url_, target_db_;
  int target_port_ = 0;
  ServerProcess server_;
  std::vector<std::string> server_args_;
  Session session_;
  std::deque<WorkerProcess> workers_;  // stable references for the tests
};

// Pipeline document pieces.
inline json Node(const std::string& id, const std::string& type, const std::string& module, json config) {
  return {{"id", id}, {"type", type}, {"module", module}, {"config", std::move(config)}};
}
inline json Chain(const std::string& name, std::vector<json> nodes) {
  json doc = {{"name", name}, {"nodes", json::array()}, {"edges", json::array()}};
  for (size_t i = 0; i < nodes.size(); ++i) {
    doc["nodes"].push_back(nodes[i]);
    if (i > 0) doc["edges"].push_back({{"source", nodes[i - 1]["id"]}, {"target", nodes[i]["id"]}});
  }
  return doc;
}

}  // namespace logidata::testing
