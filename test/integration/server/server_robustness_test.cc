// Attacks on the server's robustness, each against a real `logidata server` process over real
// sockets: deeply nested JSON everywhere the server parses JSON, connection floods and file
// descriptor exhaustion, slow-loris headers, request floods (rate limits), and /metrics exposure.
// Every test checks that the server refuses the attack with a clear answer and stays alive.
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/resource.h>

#include "server_harness.h"

namespace logidata::testing {
namespace {

constexpr int kDeep = 100000;  // far past any parser's stack

std::string DeepArrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string DeepObjects(int depth) {
  std::string s;
  s.reserve(static_cast<size_t>(depth) * 6);
  for (int i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

// A raw TCP connection to the server (no HTTP client in between), closed on destruction.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool Send(const std::string& bytes) {
    return fd_ >= 0 && send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Everything the server sends until it closes or `seconds` pass.
  std::string ReadAll(int seconds) {
    timeval tv{seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buf[4096];
    while (true) {
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  // One HTTP response (header and Content-Length body), or what came before a close or timeout.
  std::string ReadResponse(int seconds) {
    timeval tv{seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buf[4096];
    while (true) {
      size_t end = out.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t cl = out.find("Content-Length: ");
        size_t want = cl == std::string::npos ? 0 : std::strtoul(out.c_str() + cl + 16, nullptr, 10);
        if (out.size() >= end + 4 + want) return out;
      }
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  // True when the server closed the connection (recv gives 0 or a reset) within `ms`.
  bool ClosedWithin(int ms) {
    timeval tv{ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  int fd_ = -1;
};

// CPU seconds (user + system) the process has used so far.
double CpuSeconds(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return -1;
  std::istringstream in(stat.substr(close_paren + 2));
  std::vector<std::string> fields;
  std::string f;
  while (in >> f) fields.push_back(f);
  // Fields after ")" start at field 3 (state); utime and stime are fields 14 and 15.
  if (fields.size() < 13) return -1;
  return (std::stod(fields[11]) + std::stod(fields[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

class ServerRobustnessTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("ld-robust"); }
  void TearDown() override {
    server_.Stop();
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }
  bool StartServer(std::vector<std::string> extra = {}, std::map<std::string, std::string> env = {}) {
    return server_.Start(dir_ + "/data", "", std::move(extra), std::move(env));
  }
  std::string ServerErr() const { return ReadFile(dir_ + "/data/server.err"); }
  std::string ServerLog() const { return ReadFile(dir_ + "/data/server.out"); }  // spdlog writes to stdout
  HttpClient C() const { return server_.Client(); }

  std::string dir_;
  ServerProcess server_;
};

// --- 1. JSON nesting depth -------------------------------------------------------------------

TEST_F(ServerRobustnessTest, DeeplyNestedBodiesAreRefusedOnEveryBodyTakingEndpoint) {
  ASSERT_TRUE(StartServer()) << ServerErr();
  Session admin = LoginAdmin(C());
  ASSERT_FALSE(admin.org_id.empty());
  const std::string arrays = DeepArrays(kDeep);
  const std::string objects = DeepObjects(kDeep);
  // One endpoint per category of body: public (auth), user, pipeline documents (create, import,
  // validate, preview), connections, organizations, notifications, templates, members, keys.
  const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"POST", "/api/v1/auth/login"},        {"POST", "/api/v1/auth/register"},
      {"POST", "/api/v1/me/password"},       {"POST", "/api/v1/pipelines"},
      {"POST", "/api/v1/pipelines/import"},  {"POST", "/api/v1/pipelines/validate"},
      {"POST", "/api/v1/preview"},           {"POST", "/api/v1/expressions/check"},
      {"POST", "/api/v1/connections"},       {"POST", "/api/v1/connections/test"},
      {"POST", "/api/v1/organizations"},     {"POST", "/api/v1/notifications"},
      {"POST", "/api/v1/templates"},         {"POST", "/api/v1/members"},
      {"POST", "/api/v1/api-keys"},
  };
  for (const auto& [method, path] : endpoints) {
    for (const std::string* body : {&arrays, &objects}) {
      SCOPED_TRACE(method + " " + path + (body == &arrays ? " arrays" : " objects"));
      auto r = C().Call(method, path, *body, admin.Auth(admin.org_id));
      ASSERT_TRUE(server_.Alive()) << ServerErr();
      EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
      EXPECT_NE(r.body.find("nested deeper than 128 levels"), std::string::npos) << r.body.substr(0, 300);
      // The 129th bracket: column 129 of "[[[…", column 641 of "{\"a\":{\"a\":…".
      const std::string at = body == &arrays ? "line 1, column 129" : "line 1, column 641";
      EXPECT_NE(r.body.find(at), std::string::npos) << r.body.substr(0, 300);
    }
  }
  // A pipeline whose config nests deep inside the document (not at the top) is refused as well.
  json doc = {{"name", "deep"},
              {"nodes", {{{"id", "src"}, {"type", "extract"}, {"module", "csv"}, {"config", {{"path", "x.csv"}}}}}},
              {"edges", json::array()}};
  std::string text = doc.dump();
  text.replace(text.find("\"x.csv\""), 7, DeepArrays(kDeep));
  auto r = C().Call("POST", "/api/v1/pipelines", text, admin.Auth(admin.org_id));
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
  // Nesting within the limit is still accepted: the limit refuses attacks, not documents.
  std::string ok_text = doc.dump();
  ok_text.replace(ok_text.find("\"x.csv\""), 7, DeepArrays(100));
  r = C().Call("POST", "/api/v1/pipelines/validate", ok_text, admin.Auth(admin.org_id));
  EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_TRUE(server_.Alive());
  EXPECT_EQ(C().Call("GET", "/health/live").status, 200);
}

TEST_F(ServerRobustnessTest, DeeplyNestedWebSocketMessageIsAnErrorNotACrash) {
  ASSERT_TRUE(StartServer()) << ServerErr();
  Session admin = LoginAdmin(C());
  WsClient ws;
  ASSERT_TRUE(ws.Connect(server_.port()));
  // 64 KiB is the WebSocket message limit: 10,000 levels fit in it.
  std::string deep = "{\"type\":\"ping\",\"x\":" + DeepObjects(10000) + "}";
  ASSERT_LT(deep.size(), 65535u);
  ws.Send(deep);
  std::string reply = ws.Receive();
  EXPECT_NE(reply.find("nested deeper than 128 levels"), std::string::npos) << reply;
  ASSERT_TRUE(server_.Alive()) << ServerErr();
  EXPECT_EQ(C().Call("GET", "/health/live").status, 200);
}

TEST_F(ServerRobustnessTest, CliRefusesDeeplyNestedPipelineAndConnectionsFiles) {
  std::string pipeline = dir_ + "/deep.json";
  std::ofstream(pipeline) << DeepObjects(kDeep);
  std::string connections = dir_ + "/connections.json";
  std::ofstream(connections) << DeepArrays(kDeep);
  std::string good = dir_ + "/good.json";
  std::ofstream(good) << R"({"name":"g","nodes":[],"edges":[]})";
  for (const auto& [file, extra] : std::vector<std::pair<std::string, std::string>>{
           {pipeline, ""}, {good, " --connections " + connections}}) {
    std::string cmd = BinaryPath() + " validate " + file + extra + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    int status = pclose(p);
    SCOPED_TRACE(cmd);
    ASSERT_TRUE(WIFEXITED(status)) << "the CLI died from a signal: " << out;
    EXPECT_NE(WEXITSTATUS(status), 0) << out;
    EXPECT_NE(out.find("nested deeper than 128 levels"), std::string::npos) << out;
  }
}

// --- 2. Connections, file descriptors, slow clients -------------------------------------------

TEST_F(ServerRobustnessTest, ConnectionsOverTheCapAreRefusedThenServedOnceOthersClose) {
  ASSERT_TRUE(StartServer({"--max-connections", "20"})) << ServerErr();
  // 20 keep-alive connections, each proven open by one answered request. The harness's last
  // health check may still hold a slot for a moment: a connection refused then is opened again.
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int attempt = 0; held.size() < 20 && attempt < 200; ++attempt) {
    auto conn = std::make_unique<RawConnection>(server_.port());
    ASSERT_TRUE(conn->ok());
    ASSERT_TRUE(conn->Send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string answer = conn->ReadResponse(5);
    if (answer.rfind("HTTP/1.1 200", 0) == 0) {
      held.push_back(std::move(conn));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_EQ(held.size(), 20u);
  for (int i = 0; i < 5; ++i) {
    auto r = C().Call("GET", "/health/live");
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_NE(r.body.find("too many connections"), std::string::npos) << r.body;
  }
  ASSERT_TRUE(server_.Alive());
  held.clear();
  long status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    status = C().Call("GET", "/health/live").status;
  }
  EXPECT_EQ(status, 200);
}

TEST_F(ServerRobustnessTest, RunningOutOfFileDescriptorsBacksOffAndRecovers) {
  ASSERT_TRUE(StartServer()) << ServerErr();
  // 64 descriptors for the whole server, as `ulimit -n 64` would give it.
  rlimit low{64, 64};
  ASSERT_EQ(prlimit(server_.pid(), RLIMIT_NOFILE, &low, nullptr), 0) << std::strerror(errno);
  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < 200; ++i) {
    flood.push_back(std::make_unique<RawConnection>(server_.port()));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // accept() now fails with EMFILE while the backlog stays full: the server must not spin on it.
  double before = CpuSeconds(server_.pid());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  double used = CpuSeconds(server_.pid()) - before;
  EXPECT_LT(used, 0.5) << "the server spun on accept() errors";
  ASSERT_TRUE(server_.Alive()) << ServerErr();
  flood.clear();
  long status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = C().Call("GET", "/health/live").status;
  }
  EXPECT_EQ(status, 200) << ServerErr();
  std::string log = ServerLog();
  EXPECT_NE(log.find("file descriptors"), std::string::npos) << log;
  // Logged once per shortage (the recovery may run short again briefly), not per failed accept().
  int warnings = 0;
  for (size_t at = log.find("cannot accept connections"); at != std::string::npos;
       at = log.find("cannot accept connections", at + 1)) {
    ++warnings;
  }
  EXPECT_GE(warnings, 1);
  EXPECT_LE(warnings, 5) << log;
}

TEST_F(ServerRobustnessTest, SlowLorisHeadersAreCutOffByTheHeaderTimeout) {
  ASSERT_TRUE(StartServer({"--header-timeout", "2"})) << ServerErr();
  RawConnection slow(server_.port());
  ASSERT_TRUE(slow.ok());
  ASSERT_TRUE(slow.Send("GET /health/live HTTP/1.1\r\nHost: x\r\n"));
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  // One header byte every 300 ms keeps any idle timer alive; only a header deadline ends it.
  for (int i = 0; i < 30 && !closed; ++i) {
    if (!slow.Send("X")) {
      closed = true;
      break;
    }
    closed = slow.ClosedWithin(300);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(closed) << "still open after " << seconds << " s";
  EXPECT_LT(seconds, 5.0);
  // An idle keep-alive connection is not a slow loris: a request after a pause longer than the
  // header timeout is still served.
  RawConnection idle(server_.port());
  ASSERT_TRUE(idle.Send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  ASSERT_TRUE(idle.Send("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string answers = idle.ReadAll(5);
  size_t first = answers.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << answers;
  EXPECT_NE(answers.find("HTTP/1.1 200", first + 1), std::string::npos) << answers;
  EXPECT_TRUE(server_.Alive());
}

// --- 3. Rate limits ---------------------------------------------------------------------------

TEST_F(ServerRobustnessTest, RequestFloodsGet429WithRetryAfterPerPrincipal) {
  ASSERT_TRUE(StartServer({"--rate-limit", "5/s", "--rate-limit-burst", "10"})) << ServerErr();
  Session a = LoginAdmin(C());
  // A second principal: an API key of the same organization.
  auto key = C().Call("POST", "/api/v1/api-keys", json{{"name", "ci"}, {"role", "viewer"}}.dump(), a.Auth(a.org_id));
  ASSERT_EQ(key.status, 201) << key.body;
  std::string api_key = key.Json().value("key", "");
  ASSERT_FALSE(api_key.empty()) << key.body;

  HttpResult limited;
  int ok = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = C().Call("GET", "/api/v1/pipelines", "", a.Auth(a.org_id));
    if (r.status == 429) {
      limited = r;
      break;
    }
    EXPECT_EQ(r.status, 200) << r.body;
    ++ok;
  }
  ASSERT_EQ(limited.status, 429) << "no 429 after " << ok << " requests";
  EXPECT_LE(ok, 16);  // the burst, plus what refills while a loaded machine sends them
  EXPECT_GE(ok, 7);  // login's /me and the key creation spent two tokens
  int retry_after = std::atoi(limited.Header("retry-after").c_str());
  EXPECT_GE(retry_after, 1) << limited.Header("retry-after");
  EXPECT_LE(retry_after, 2);
  EXPECT_NE(limited.Header("content-type").find("application/problem+json"), std::string::npos);
  EXPECT_EQ(limited.Json().value("status", 0), 429) << limited.body;

  // Another principal is not affected, and neither are health probes.
  auto other = C().Call("GET", "/api/v1/pipelines", "", {"Authorization: Bearer " + api_key});
  EXPECT_EQ(other.status, 200) << other.body;
  for (int i = 0; i < 30; ++i) EXPECT_EQ(C().Call("GET", "/health/live").status, 200);

  std::this_thread::sleep_for(std::chrono::seconds(retry_after));
  EXPECT_EQ(C().Call("GET", "/api/v1/pipelines", "", a.Auth(a.org_id)).status, 200);
}

TEST_F(ServerRobustnessTest, UnauthenticatedRequestsAreLimitedPerAddress) {
  ASSERT_TRUE(StartServer({"--rate-limit", "2/s", "--rate-limit-burst", "5"})) << ServerErr();
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 15; ++i) {
    auto r = C().Call("POST", "/api/v1/auth/login", json{{"email", "nobody@example.com"}, {"password", "wrong-pw"}}.dump());
    if (r.status == 429) {
      ++limited;
      retry_after = r.Header("retry-after");
    } else {
      EXPECT_EQ(r.status, 401) << r.body;
    }
  }
  EXPECT_GE(limited, 5);
  EXPECT_FALSE(retry_after.empty());
  // Bad tokens count against the address too (the bucket may have refilled a token meanwhile).
  long status = 0;
  for (int i = 0; i < 10 && status != 429; ++i) {
    status = C().Call("GET", "/api/v1/pipelines", "", {"Authorization: Bearer not-a-token"}).status;
    EXPECT_TRUE(status == 401 || status == 429) << status;
  }
  EXPECT_EQ(status, 429);
  EXPECT_EQ(C().Call("GET", "/health").status, 200);
}

// --- 4. /metrics exposure ---------------------------------------------------------------------

TEST_F(ServerRobustnessTest, MetricsTokenIsRequiredWhenSet) {
  ASSERT_TRUE(StartServer({"--metrics-token", "scrape-secret-1"})) << ServerErr();
  EXPECT_EQ(C().Call("GET", "/metrics").status, 401);
  EXPECT_EQ(C().Call("GET", "/metrics", "", {"Authorization: Bearer wrong-secret-1"}).status, 401);
  EXPECT_EQ(C().Call("GET", "/metrics", "", {"Authorization: Bearer scrape-secret-"}).status, 401);
  auto ok = C().Call("GET", "/metrics", "", {"Authorization: Bearer scrape-secret-1"});
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("http_requests_total"), std::string::npos);
  EXPECT_EQ(C().Call("GET", "/health").status, 200);  // probes stay open
}

TEST_F(ServerRobustnessTest, MetricsTokenComesFromTheEnvironmentToo) {
  ASSERT_TRUE(StartServer({}, {{"LOGIDATA_METRICS_TOKEN", "env-secret-2"}})) << ServerErr();
  EXPECT_EQ(C().Call("GET", "/metrics").status, 401);
  EXPECT_EQ(C().Call("GET", "/metrics", "", {"Authorization: Bearer env-secret-2"}).status, 200);
}

TEST_F(ServerRobustnessTest, MetricsOnASeparateListenerLeaveThePublicOne) {
  int metrics_port = FreePort();
  // A web root, so the UI's fallback page (200 for unknown paths) cannot stand in for a 404.
  fs::create_directories(dir_ + "/web");
  std::ofstream(dir_ + "/web/index.html") << "<!doctype html><title>ui</title>";
  ASSERT_TRUE(StartServer({"--metrics-listen", "127.0.0.1:" + std::to_string(metrics_port), "--web-root", dir_ + "/web"}))
      << ServerErr();
  auto public_metrics = C().Call("GET", "/metrics");
  EXPECT_EQ(public_metrics.status, 404);
  EXPECT_EQ(public_metrics.body.find("http_requests_total"), std::string::npos);
  EXPECT_EQ(C().Call("GET", "/health").status, 200);
  HttpClient ops("http://127.0.0.1:" + std::to_string(metrics_port));
  auto m = ops.Call("GET", "/metrics");
  EXPECT_EQ(m.status, 200) << m.body;
  EXPECT_NE(m.body.find("http_requests_total"), std::string::npos);
  EXPECT_EQ(ops.Call("GET", "/health").status, 200);
  EXPECT_EQ(ops.Call("GET", "/api/v1/pipelines").status, 404);
  EXPECT_EQ(ops.Call("POST", "/api/v1/auth/login", json{{"email", kAdminEmail}, {"password", kAdminPassword}}.dump())
                .status,
            404);
}

TEST_F(ServerRobustnessTest, MetricsListenerAndTokenTogether) {
  int metrics_port = FreePort();
  ASSERT_TRUE(StartServer({"--metrics-listen", "127.0.0.1:" + std::to_string(metrics_port), "--metrics-token",
                           "scrape-secret-3"}))
      << ServerErr();
  HttpClient ops("http://127.0.0.1:" + std::to_string(metrics_port));
  EXPECT_EQ(ops.Call("GET", "/metrics").status, 401);
  EXPECT_EQ(ops.Call("GET", "/metrics", "", {"Authorization: Bearer scrape-secret-3"}).status, 200);
}

}  // namespace
}  // namespace logidata::testing
