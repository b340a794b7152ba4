// Test harness for the platform server: starts a real `logidata server` process on a free port
// with a temporary data folder (SQLite) or a throw-away PostgreSQL, and talks to it over real HTTP
// (libcurl) and WebSocket (a minimal RFC 6455 client on a socket).
#pragma once

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loopback_port.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/jwt.h"
#include "auth/token_codec.h"

namespace logidata::testing {

using json = nlohmann::json;
namespace fs = std::filesystem;

// A run that may still change: queued, running, or retrying (waiting for its next attempt).
inline bool IsLiveRunStatus(const std::string& status) {
  return status == "queued" || status == "running" || status == "retrying";
}

inline constexpr const char* kMasterKeyHex = "8f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";
inline constexpr const char* kAdminEmail = "admin@example.com";
inline constexpr const char* kAdminPassword = "Admin-Passw0rd-Secret!";
// The JWT signing key the test servers are given (LOGIDATA_JWT_KEY), so tests can forge tokens.
// It is independent of the master key: a token signed with a key derived from the master key is
// refused (server_accounts_test).
inline constexpr const char* kJwtKeyHex = "0f1e2d3c4b5a69788796a5b4c3d2e1f0ffeeddccbbaa99887766554433221100";

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  char* dir = mkdtemp(buf.data());
  EXPECT_NE(dir, nullptr);
  return dir ? std::string(dir) : std::string();
}

inline std::string Unique(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const int salt = std::random_device{}() % 100000;
  return prefix + std::to_string(::getpid()) + "x" + std::to_string(salt) + "n" + std::to_string(counter++);
}

struct HttpResult {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  json Json() const { return json::parse(body, nullptr, false); }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(std::string base) : base_(std::move(base)) {}

  HttpResult Call(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::vector<std::string>& headers = {}) const {
    HttpResult out;
    CURL* curl = curl_easy_init();
    std::string url = base_ + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    struct curl_slist* list = nullptr;
    bool has_ct = false;
    for (const auto& h : headers) {
      list = curl_slist_append(list, h.c_str());
      if (h.rfind("Content-Type", 0) == 0) has_ct = true;
    }
    if (!has_ct && !body.empty()) list = curl_slist_append(list, "Content-Type: application/json");
    list = curl_slist_append(list, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char* p, size_t s, size_t n, void* ud) {
      static_cast<std::string*>(ud)->append(p, s * n);
      return s * n;
    });
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, +[](char* p, size_t s, size_t n, void* ud) {
      std::string line(p, s * n);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
        (*static_cast<std::map<std::string, std::string>*>(ud))[name] = value;
      }
      return s * n;
    });
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.headers);
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    else {
      out.status = -1;  // no answer: the connection failed (the reason goes in the body for messages)
      out.body = std::string("curl: ") + curl_easy_strerror(rc);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return out;
  }

  const std::string& base() const { return base_; }

 private:
  std::string base_;
};

inline std::string BinaryPath() { return std::string(LOGIDATA_BINARY_DIR) + "/logidata"; }

// A throw-away PostgreSQL started with scripts/servers/postgres.sh.
class PostgresServer {
 public:
  // The port comes from the pid, so parallel test binaries differ; it may still be taken (another
  // suite's server, a client's ephemeral port), so a failed start is tried again on other ports,
  // and a final failure prints why.
  bool Start() {
    dir_ = MakeTempDir("ld-pg");
    std::string why;
    for (int attempt = 0; attempt < 4; ++attempt) {
      port_ = 56000 + static_cast<int>((::getpid() + attempt * 7919) % 3000);
      std::string cmd = std::string(LOGIDATA_SOURCE_DIR) + "/scripts/servers/postgres.sh start " + dir_ + " " +
                        std::to_string(port_) + " 2>" + dir_ + "/start.err";
      FILE* p = popen(cmd.c_str(), "r");
      if (!p) return false;
      char buf[512];
      std::string out;
      while (fgets(buf, sizeof buf, p)) out += buf;
      int rc = pclose(p);
      while (!out.empty() && (out.back() == '\n')) out.pop_back();
      url_ = out;
      if (rc == 0 && url_.rfind("postgresql://", 0) == 0) return true;
      std::ifstream err(dir_ + "/start.err"), log(dir_ + "/server.log");
      why = std::string(std::istreambuf_iterator<char>(err), {}) + std::string(std::istreambuf_iterator<char>(log), {});
    }
    std::fprintf(stderr, "PostgreSQL did not start in %s (4 ports tried):\n%s\n", dir_.c_str(), why.c_str());
    return false;
  }
  void Stop() {
    if (dir_.empty()) return;
    std::string cmd = std::string(LOGIDATA_SOURCE_DIR) + "/scripts/servers/postgres.sh stop " + dir_ + " >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
  // A fresh database on this server, so each test starts empty.
  std::string NewDatabase(const std::string& name) {
    std::string bin = "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)";
    std::string cmd = "runuser -u postgres -- " + bin + "/psql -h 127.0.0.1 -p " + std::to_string(port_) +
                      " -U postgres -qc 'CREATE DATABASE " + name + "' >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
  }
  const std::string& url() const { return url_; }

 private:
  std::string dir_, url_;
  int port_ = 0;
};

// The PostgreSQL server shared by every test of the binary (started once, stopped at the end).
class SharedPostgres : public ::testing::Environment {
 public:
  void SetUp() override { ok_ = server_.Start(); }
  void TearDown() override { server_.Stop(); }
  static PostgresServer* Get() { return instance_ && instance_->ok_ ? &instance_->server_ : nullptr; }
  static inline SharedPostgres* instance_ = nullptr;

 private:
  PostgresServer server_;
  bool ok_ = false;
};
// Every PostgreSQL-backed test starts with this. In CI (CI set) a PostgreSQL that cannot start is a
// failure, never a silent skip; on a developer machine the test skips with a loud line.
#define LD_REQUIRE_POSTGRES()                                                                          \
  do {                                                                                                 \
    if (!::logidata::testing::SharedPostgres::Get()) {                                                 \
      if (std::getenv("CI") != nullptr) FAIL() << "PostgreSQL could not be started (scripts/servers/postgres.sh)"; \
      std::fprintf(stderr, "\n*** SKIPPED: PostgreSQL could not be started; this PostgreSQL test did not run ***\n\n"); \
      GTEST_SKIP() << "PostgreSQL could not be started";                                               \
    }                                                                                                  \
  } while (0)

inline const bool kSharedPostgresRegistered = [] {
  SharedPostgres::instance_ = new SharedPostgres();
  ::testing::AddGlobalTestEnvironment(SharedPostgres::instance_);
  return true;
}();

// One `logidata server` process.
class ServerProcess {
 public:
  ~ServerProcess() { Stop(); }

  // Self-registration is on for test servers (most tests sign up their own users); set this to
  // false before Start to run a server with the production default (registration off).
  bool allow_registration = true;

  // Starts and waits until /health/live answers. `database_url` empty = SQLite in data_dir.
  bool Start(const std::string& data_dir, const std::string& database_url, std::vector<std::string> extra = {},
             std::map<std::string, std::string> env = {}) {
    data_dir_ = data_dir;
    std::string port_file = data_dir + "/port";
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    fs::remove(port_file, ec);
    std::vector<std::string> args = {BinaryPath(), "server", "--host", "127.0.0.1", "--port", "0", "--port-file",
                                     port_file, "--data-dir", data_dir, "--threads", "2",
                                     "--access-log", data_dir + "/access.log"};
    if (!database_url.empty()) {
      args.push_back("--database-url");
      args.push_back(database_url);
    }
    if (allow_registration) args.push_back("--allow-registration");
    // Suites send bursts far above a person's pace; tests of the limiter pass their own --rate-limit.
    if (std::find(extra.begin(), extra.end(), "--rate-limit") == extra.end()) {
      args.push_back("--rate-limit");
      args.push_back("off");
    }
    for (auto& e : extra) args.push_back(e);
    pid_ = fork();
    if (pid_ == 0) {
      setenv("LOGIDATA_MASTER_KEY", kMasterKeyHex, 1);
      setenv("LOGIDATA_JWT_KEY", kJwtKeyHex, 1);
      setenv("LOGIDATA_ADMIN_EMAIL", kAdminEmail, 1);
      setenv("LOGIDATA_ADMIN_PASSWORD", kAdminPassword, 1);
      setenv("LOGIDATA_PWHASH_FAST", "1", 1);
      for (auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      std::string out = data_dir + "/server.out";
      FILE* f = freopen(out.c_str(), "a", stdout);
      (void)f;
      std::string err = data_dir + "/server.err";
      f = freopen(err.c_str(), "a", stderr);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      if (fs::exists(port_file)) {
        port_ = std::atoi(ReadFile(port_file).c_str());
        if (port_ > 0 && Client().Call("GET", "/health/live").status == 200) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Sends `sig` and waits for the exit; returns the exit status (or -1).
  int Stop(int sig = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, sig);
    int status = 0;
    for (int i = 0; i < 300; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

  bool Alive() const { return pid_ > 0 && kill(pid_, 0) == 0; }
  pid_t pid() const { return pid_; }
  HttpClient Client() const { return HttpClient("http://127.0.0.1:" + std::to_string(port_)); }
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string data_dir_;
};

// Starts `logidata worker` on `database_url` (stderr appended to `log`); returns its pid.
// `files_root` ("name=/dir:rw") grants the worker's runs a folder beside their organization's own.
inline pid_t StartWorker(const std::string& database_url, const std::string& data_dir, const std::string& log,
                         const std::string& files_root = "") {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("LOGIDATA_MASTER_KEY", kMasterKeyHex, 1);
    // The test servers its runs reach (webhook receivers, APIs) listen on loopback.
    setenv("LOGIDATA_ALLOW_EGRESS", "127.0.0.0/8", 0);
    FILE* f = freopen(log.c_str(), "a", stderr);
    (void)f;
    if (!files_root.empty()) {
      execl(BinaryPath().c_str(), "logidata", "worker", "--database-url", database_url.c_str(), "--data-dir",
            data_dir.c_str(), "--files-root", files_root.c_str(), nullptr);
    }
    execl(BinaryPath().c_str(), "logidata", "worker", "--database-url", database_url.c_str(), "--data-dir",
          data_dir.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

// Runs a shell command (a scripts/servers/*.sh start or stop); its stdout without the final
// newlines, and its exit status in *rc.
inline std::string RunShell(const std::string& command, int* rc) {
  FILE* p = popen(command.c_str(), "r");
  std::string out;
  if (p == nullptr) {
    *rc = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *rc = pclose(p);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// A service from scripts/servers/ (clickhouse.sh, rabbitmq.sh…) started for one test in its own
// folder; stopped by Stop() or the destructor.
class ScriptedService {
 public:
  ~ScriptedService() { Stop(); }
  // Runs `<script> start DIR PORT`; true when it exited 0. *out receives its stdout (the
  // service's URL, or why it failed).
  bool Start(const std::string& script, const std::string& dir, int port, std::string* out) {
    script_ = std::string(LOGIDATA_SOURCE_DIR) + "/scripts/servers/" + script;
    dir_ = dir;
    int rc = 0;
    *out = RunShell(script_ + " start " + dir_ + " " + std::to_string(port), &rc);
    return rc == 0;
  }
  void Stop() {
    if (script_.empty()) return;
    int rc = 0;
    RunShell(script_ + " stop " + dir_, &rc);
    script_.clear();
  }

 private:
  std::string script_, dir_;
};

// Fails the calling test when `secret` appears in a stopped server's logs (access.log,
// server.out, server.err) or in its SQLite metadata store (logidata.db and its WAL) in `data_dir`.
inline void ExpectSecretNowhereOnDisk(const std::string& data_dir, const std::string& secret) {
  for (const char* f : {"access.log", "server.out", "server.err"}) {
    EXPECT_EQ(ReadFile(data_dir + "/" + f).find(secret), std::string::npos) << "secret in " << f;
  }
  std::string db = ReadFile(data_dir + "/logidata.db") + ReadFile(data_dir + "/logidata.db-wal");
  EXPECT_EQ(db.find(secret), std::string::npos) << "secret stored in plaintext";
}

// A TCP port on 127.0.0.1 that nothing listens on (at the moment of the call).
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int port = BindLoopback(fd);
  close(fd);
  return port;
}

// A signed-in user with an organization.
struct Session {
  std::string email, password, user_id, org_id, access, refresh;
  std::vector<std::string> Auth(const std::string& org = "") const {
    std::vector<std::string> h = {"Authorization: Bearer " + access};
    if (!org.empty()) h.push_back("X-Organization: " + org);
    return h;
  }
};

// Starts a run of `pipeline_id` and polls it until it is no longer live (30 s at most); the run's
// last JSON ({} when it did not start).
inline json RunAndWait(const HttpClient& c, const Session& s, const std::string& pipeline_id) {
  auto started = c.Call("POST", "/api/v1/pipelines/" + pipeline_id + "/runs", "{}", s.Auth());
  EXPECT_EQ(started.status, 202) << started.body;
  const std::string id = started.Json().value("id", "");
  json run = json::object();
  for (int i = 0; i < 600 && !id.empty(); ++i) {
    run = c.Call("GET", "/api/v1/runs/" + id, "", s.Auth()).Json();
    if (!IsLiveRunStatus(run.value("status", ""))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return run;
}

// A run's log lines as the API returns them (the first 500).
inline std::string RunLogs(const HttpClient& c, const Session& s, const std::string& run_id) {
  return c.Call("GET", "/api/v1/runs/" + run_id + "/logs?after=0&limit=500", "", s.Auth()).body;
}

// Replaces a stored pipeline's document (with the stored version, as the API requires).
inline void ReplacePipelineDocument(const HttpClient& c, const Session& s, const std::string& pipeline_id, json doc) {
  json stored = c.Call("GET", "/api/v1/pipelines/" + pipeline_id, "", s.Auth()).Json();
  doc["version"] = stored["version"];
  auto r = c.Call("PUT", "/api/v1/pipelines/" + pipeline_id, doc.dump(), s.Auth());
  ASSERT_EQ(r.status, 200) << r.body;
}

inline Session FromTokens(const HttpClient& c, const json& tokens, const std::string& email, const std::string& pw) {
  Session s;
  s.email = email;
  s.password = pw;
  s.access = tokens.value("access_token", "");
  s.refresh = tokens.value("refresh_token", "");
  s.user_id = tokens["user"].value("id", "");
  auto me = c.Call("GET", "/api/v1/me", "", s.Auth()).Json();
  if (me.contains("organizations") && !me["organizations"].empty()) s.org_id = me["organizations"][0]["id"];
  return s;
}

inline Session Register(const HttpClient& c, const std::string& prefix) {
  std::string email = Unique(prefix) + "@example.com";
  std::string pw = "Pw-" + Unique("secret") + "!";
  auto r = c.Call("POST", "/api/v1/auth/register", json{{"email", email}, {"password", pw}, {"name", prefix}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  return FromTokens(c, r.Json(), email, pw);
}

// The callers of an authorization test: an organization's owner (admin) with a developer and a
// viewer added to it, and a user of another organization. As a tuple, for std::tie.
inline std::tuple<Session, Session, Session, Session> RegisterOwnerDeveloperViewerForeign(const HttpClient& c) {
  Session owner = Register(c, "owner");
  Session developer = Register(c, "dev");
  Session viewer = Register(c, "viewer");
  Session foreign = Register(c, "foreign");
  for (auto [s, role] : {std::pair{&developer, "developer"}, std::pair{&viewer, "viewer"}}) {
    auto r = c.Call("POST", "/api/v1/members", json{{"email", s->email}, {"role", role}}.dump(), owner.Auth());
    EXPECT_EQ(r.status, 201) << r.body;
  }
  return {owner, developer, viewer, foreign};
}

inline Session LoginAdmin(const HttpClient& c) {
  auto r = c.Call("POST", "/api/v1/auth/login", json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  return FromTokens(c, r.Json(), kAdminEmail, kAdminPassword);
}

inline std::string JwtKey() { return *HexDecode(kJwtKeyHex); }

// A minimal WebSocket client (text frames, client masking) for the /ws tests.
class WsClient {
 public:
  ~WsClient() {
    if (fd_ >= 0) close(fd_);
  }
  bool Connect(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string req = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    if (send(fd_, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) return false;
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && recv(fd_, &c, 1, 0) == 1) head += c;
    return head.find(" 101 ") != std::string::npos;
  }
  void Send(const std::string& text) {
    std::string frame;
    frame += static_cast<char>(0x81);
    unsigned char mask[4] = {1, 2, 3, 4};
    if (text.size() < 126) {
      frame += static_cast<char>(0x80 | text.size());
    } else {
      frame += static_cast<char>(0x80 | 126);
      frame += static_cast<char>((text.size() >> 8) & 0xff);
      frame += static_cast<char>(text.size() & 0xff);
    }
    frame.append(reinterpret_cast<char*>(mask), 4);
    for (size_t i = 0; i < text.size(); ++i) frame += static_cast<char>(text[i] ^ mask[i % 4]);
    (void)send(fd_, frame.data(), frame.size(), 0);
  }
  // The next text message, or "" on timeout/close.
  std::string Receive() {
    while (true) {
      unsigned char h[2];
      if (!ReadN(h, 2)) return "";
      uint64_t len = h[1] & 0x7f;
      if (len == 126) {
        unsigned char e[2];
        if (!ReadN(e, 2)) return "";
        len = (e[0] << 8) | e[1];
      } else if (len == 127) {
        unsigned char e[8];
        if (!ReadN(e, 8)) return "";
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | e[i];
      }
      std::string payload(len, '\0');
      if (len > 0 && !ReadN(reinterpret_cast<unsigned char*>(payload.data()), len)) return "";
      int opcode = h[0] & 0x0f;
      if (opcode == 1) return payload;
      if (opcode == 8) return "";
    }
  }
  // Waits for a message satisfying `pred` (up to `max` messages).
  json WaitFor(const std::function<bool(const json&)>& pred, int max = 200) {
    for (int i = 0; i < max; ++i) {
      std::string m = Receive();
      if (m.empty()) return nullptr;
      json j = json::parse(m, nullptr, false);
      if (pred(j)) return j;
    }
    return nullptr;
  }

 private:
  bool ReadN(unsigned char* p, size_t n) {
    size_t got = 0;
    while (got < n) {
      ssize_t r = recv(fd_, p + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  }
  int fd_ = -1;
};

}  // namespace logidata::testing
