// Shared by the connector integration tests: in-memory connection and state stores, binding a
// connector module with connections, running it through the operator harness, starting the real
// test servers from scripts/servers/, and a TCP proxy that can cut a connection mid-stream.
// Header-only because every *_test.cc in this folder is one test executable.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "connectors/connector_modules.h"
#include "module/module_registry.h"
#include "support/operator_harness.h"
#include "support/test_batches.h"

namespace logidata::testing {

class MemoryConnections final : public ConnectionResolver {
 public:
  void Add(ConnectionConfig c) {
    std::lock_guard<std::mutex> lock(mu_);
    map_[c.name] = std::move(c);
  }
  Result<ConnectionConfig> Resolve(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(name);
    if (it == map_.end()) return Status::NotFound("connection '" + name + "' is not defined");
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, ConnectionConfig> map_;
};

// Puts become visible only after Publish(), like a run that succeeded.
class MemoryState final : public StateStore {
 public:
  Result<std::optional<std::string>> Get(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = committed_.find(key);
    if (it == committed_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status Put(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> lock(mu_);
    staged_[key] = value;
    return Status::OK();
  }
  std::map<std::string, std::string> Staged() override {
    std::lock_guard<std::mutex> lock(mu_);
    return staged_;
  }
  void Publish() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [k, v] : staged_) committed_[k] = v;
    staged_.clear();
  }
  void Discard() {
    std::lock_guard<std::mutex> lock(mu_);
    staged_.clear();
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> staged_, committed_;
};

inline const ModuleRegistry& ConnectorRegistry() {
  static const ModuleRegistry* registry = [] {
    auto* r = new ModuleRegistry();
    Status s = RegisterConnectorModules(*r);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      std::abort();
    }
    return r;
  }();
  return *registry;
}

inline Result<std::unique_ptr<Operator>> BindConnector(const std::string& key, const nlohmann::json& config,
                                                       ConnectionResolver* connections,
                                                       std::vector<SchemaPtr> inputs = {},
                                                       const ParameterMap& params = {}) {
  auto dot = key.find('.');
  LD_ASSIGN_OR_RETURN(const ModuleDescriptor* desc,
                      ConnectorRegistry().Find(key.substr(0, dot), key.substr(dot + 1)));
  BindContext ctx;
  ctx.node_id = "node";
  ctx.config = &config;
  ctx.input_schemas = std::move(inputs);
  ctx.params = &params;
  ctx.connections = connections;
  ctx.fs = &LocalFileSystem();
  return desc->factory(ctx);
}

// Binds and runs an extract module; returns its output batches.
inline Result<std::vector<BatchPtr>> RunExtract(const std::string& key, const nlohmann::json& config,
                                                ConnectionResolver* connections, const ParameterMap& params = {},
                                                StateStore* state = nullptr) {
  LD_ASSIGN_OR_RETURN(auto op, BindConnector(key, config, connections, {}, params));
  HarnessOptions options;
  options.connections = connections;
  options.params = params;
  options.state = state;
  LD_ASSIGN_OR_RETURN(auto out, RunOperator(*op, {}, options));
  if (out.empty()) return std::vector<BatchPtr>{};
  return out[0];
}

// Binds and runs a load module over `batches` (commit = false aborts at the end instead).
inline Status RunLoad(const std::string& key, const nlohmann::json& config, ConnectionResolver* connections,
                      const std::vector<BatchPtr>& batches, bool commit = true, int threads = 1, bool evolve = false) {
  LD_ASSIGN_OR_RETURN(auto op, BindConnector(key, config, connections, {batches.at(0)->schema()}));
  HarnessOptions options;
  options.connections = connections;
  options.commit = commit;
  options.threads = threads;
  options.evolve_target_columns = evolve;
  auto out = RunOperator(*op, {batches}, options);
  return out.status();
}

// Runs a shell command; returns its stdout (trailing newline removed) or an error with the code.
inline Result<std::string> Shell(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return Status::IOError("popen failed");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (rc != 0) return Status::IOError("command failed (" + std::to_string(rc) + "): " + command + "\n" + out);
  return out;
}

inline std::string SourceDir() { return LOGIDATA_SOURCE_DIR; }

// A server process started for a test; Start() waits for its first stdout line ("ready …").
// The destructor kills it.
class ChildProcess {
 public:
  ~ChildProcess() { Stop(); }
  Result<std::string> Start(const std::vector<std::string>& argv) {
    int out[2];
    if (pipe(out) != 0) return Status::IOError("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    if (line.empty()) return Status::IOError("server " + argv[0] + " did not start");
    return line;
  }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
};

// A port nobody listens on (bound then released).
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// A PostgreSQL and a MariaDB (and, on request, a ClickHouse) started for one test suite
// (scripts/servers/*.sh), registered in `connections` as "pg" (user postgres), "my" (user/password
// logidata) and "ch" (user logidata, password logidata-test), database logidata.
struct TestDatabases {
  std::string pg_dir, my_dir, ch_dir;
  int pg_port = 0, my_port = 0;

  // Fails the calling test (a fatal failure: check HasFatalFailure) when one does not start.
  void Start(const std::string& name, MemoryConnections* connections, bool clickhouse = false) {
    const std::string suffix = name + "-" + std::to_string(getpid());
    pg_dir = "/tmp/logidata-" + suffix + "-pg";
    pg_port = FreePort();
    auto pg = Shell(SourceDir() + "/scripts/servers/postgres.sh start " + pg_dir + " " + std::to_string(pg_port));
    ASSERT_TRUE(pg.ok()) << "PostgreSQL did not start: " << pg.status().ToString();
    ConnectionConfig c;
    c.name = "pg";
    c.type = "postgres";
    c.host = "127.0.0.1";
    c.port = pg_port;
    c.database = "logidata";
    c.user = "postgres";
    connections->Add(c);
    my_dir = "/tmp/logidata-" + suffix + "-my";
    my_port = FreePort();
    auto my = Shell(SourceDir() + "/scripts/servers/mariadb.sh start " + my_dir + " " + std::to_string(my_port));
    ASSERT_TRUE(my.ok()) << "MariaDB did not start: " << my.status().ToString();
    ConnectionConfig m;
    m.name = "my";
    m.type = "mysql";
    m.host = "127.0.0.1";
    m.port = my_port;
    m.database = "logidata";
    m.user = "logidata";
    m.secret = "logidata";
    connections->Add(m);
    if (!clickhouse) return;
    ch_dir = "/tmp/logidata-" + suffix + "-ch";
    auto ch = Shell(SourceDir() + "/scripts/servers/clickhouse.sh start " + ch_dir + " " + std::to_string(FreePort()));
    ASSERT_TRUE(ch.ok()) << "ClickHouse did not start (scripts/setup installs clickhouse-server): " << ch.status().ToString();
    ConnectionConfig h;
    h.name = "ch";
    h.type = "clickhouse";
    h.host = *ch;
    h.database = "logidata";
    h.user = "logidata";
    h.secret = "logidata-test";
    connections->Add(h);
  }
  void Stop() {
    (void)Shell(SourceDir() + "/scripts/servers/postgres.sh stop " + pg_dir);
    (void)Shell(SourceDir() + "/scripts/servers/mariadb.sh stop " + my_dir);
    if (!ch_dir.empty()) (void)Shell(SourceDir() + "/scripts/servers/clickhouse.sh stop " + ch_dir);
    (void)Shell("rm -rf " + pg_dir + " " + my_dir + (ch_dir.empty() ? "" : " " + ch_dir));
  }
};

// Forwards 127.0.0.1:port() to 127.0.0.1:target_port; Cut() closes every live connection at once
// (a network failure in the middle of a stream).
class TcpProxy {
 public:
  explicit TcpProxy(int target_port) : target_port_(target_port) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(listen_fd_, 16);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~TcpProxy() {
    stop_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    acceptor_.join();
    Cut();
    for (auto& t : pumps_) t.join();
  }
  int port() const { return port_; }
  int64_t bytes_to_client() const { return bytes_to_client_; }
  void Cut() {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
  }

 private:
  void AcceptLoop() {
    while (!stop_) {
      int client = accept(listen_fd_, nullptr, nullptr);
      if (client < 0) return;
      int server = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(static_cast<uint16_t>(target_port_));
      if (connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(client);
        close(server);
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      fds_.push_back(client);
      fds_.push_back(server);
      pumps_.emplace_back([this, client, server] { Pump(client, server); });
    }
  }
  void Pump(int client, int server) {
    std::array<char, 65536> buf;
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    while (true) {
      if (poll(fds, 2, 200) < 0) break;
      if (stop_) break;
      bool closed = false;
      for (int i = 0; i < 2; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = read(fds[i].fd, buf.data(), buf.size());
        if (n <= 0) { closed = true; break; }
        int to = i == 0 ? server : client;
        if (i == 1) bytes_to_client_ += n;
        for (ssize_t off = 0; off < n;) {
          ssize_t w = write(to, buf.data() + off, static_cast<size_t>(n - off));
          if (w <= 0) { closed = true; break; }
          off += w;
        }
      }
      if (closed) break;
    }
    shutdown(client, SHUT_RDWR);
    shutdown(server, SHUT_RDWR);
  }

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> bytes_to_client_{0};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> pumps_;
  std::thread acceptor_;
};

// Forks a process that binds `key` (a loader) with `config` and feeds it 5,000-row batches
// forever; once `batches_before_kill` batches went in, kills it with SIGKILL. True when the child
// died by the signal (the caller then checks the target was left unchanged).
inline bool KillLoaderMidStream(const std::string& key, const nlohmann::json& config, ConnectionResolver* connections,
                                int batches_before_kill) {
  int ready[2];
  if (pipe(ready) != 0) return false;
  pid_t child = fork();
  if (child == 0) {
    close(ready[0]);
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < 5000; ++i) rows.push_back({std::to_string(i), "new"});
    auto batch = MakeBatch("id:int64, v:string", rows);
    auto op = BindConnector(key, config, connections, {batch->schema()});
    if (!op.ok()) _exit(2);
    ExecContext ctx;
    ctx.connections = connections;
    if (!(*op)->Open(ctx).ok()) _exit(3);
    auto state = (*op)->MakeThreadState();
    struct Null : Emitter {
      Status Emit(int, BatchPtr) override { return Status::OK(); }
    } sink;
    for (int i = 0;; ++i) {
      if (!(*op)->Consume(0, batch, state.get(), sink).ok()) _exit(4);
      if (i == batches_before_kill) (void)!write(ready[1], "x", 1);
    }
  }
  close(ready[1]);
  char x;
  bool started = read(ready[0], &x, 1) == 1;
  close(ready[0]);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  return started && WIFSIGNALED(status);
}

// Opens the bound source `op` (connections through `proxy`), produces one batch, cuts the
// proxy's connections and produces until the failure, which it returns (OK if none came).
// `rows` counts the rows that arrived.
inline Status ProduceAcrossCut(Operator& op, ConnectionResolver* via, TcpProxy& proxy, int64_t* rows) {
  ExecContext ctx;
  ctx.node_id = "n";
  ctx.connections = via;
  ParameterMap params;
  ctx.params = &params;
  LD_RETURN_IF_ERROR(op.Open(ctx));
  struct Sink : Emitter {
    int64_t* rows;
    Status Emit(int, BatchPtr b) override {
      *rows += b->num_rows();
      return Status::OK();
    }
  } sink;
  sink.rows = rows;
  Result<bool> more = op.Produce(nullptr, sink);
  if (!more.ok()) return Status::Internal("failed before the cut: " + more.status().ToString());
  proxy.Cut();
  Status failure;
  while (true) {
    more = op.Produce(nullptr, sink);
    if (!more.ok()) {
      failure = more.status();
      break;
    }
    if (!*more) break;
  }
  op.Abort();
  return failure;
}

}  // namespace logidata::testing
