// deploy/nginx/logidata.conf, run by Debian's nginx (scripts/servers/nginx.sh) with a self-signed
// certificate in front of a real `logidata server`: HTTP redirects to HTTPS; TLS 1.0/1.1 and
// non-AEAD TLS 1.2 suites are refused by the proxy (the client offers them at OpenSSL security
// level 0, so a refusal is nginx's); every answer carries the security headers once; gzip; bodies
// over the server's limit get 413 at the proxy; /metrics is not public; the API and the /ws
// WebSocket upgrade work through it. The browser e2e (web/e2e/proxy.mjs) drives the UI through it.
#include <fstream>

#include "integration/operations/cli_process.h"

namespace logidata::testing {
namespace {

class NginxProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LD_REQUIRE_TOOL("/usr/sbin/nginx");
    LD_REQUIRE_TOOL("/usr/bin/openssl");
    LD_REQUIRE_TOOL("/usr/bin/curl");
    dir_ = MakeTempDir("ld-nginx");
    std::string web = dir_ + "/web";
    fs::create_directories(web + "/assets");
    std::ofstream(web + "/index.html") << "<!doctype html><title>Logidata UI</title>";
    std::string js = "// app\n";
    for (int i = 0; i < 400; ++i) js += "console.log('logidata web ui line " + std::to_string(i) + "');\n";
    std::ofstream(web + "/assets/app.js") << js;
    ASSERT_TRUE(server_.Start(dir_ + "/data", "", {"--web-root", web})) << ReadFile(dir_ + "/data/server.err");
    https_port_ = FreePort();
    http_port_ = FreePort();
    CliResult started = RunProgramArgs({std::string(LOGIDATA_SOURCE_DIR) + "/scripts/servers/nginx.sh", "start",
                                        dir_ + "/nginx", std::to_string(https_port_), std::to_string(http_port_),
                                        std::to_string(server_.port())});
    ASSERT_EQ(started.code, 0) << started.output << ReadFile(dir_ + "/nginx/error.log");
    base_ = "https://127.0.0.1:" + std::to_string(https_port_);
  }
  void TearDown() override {
    if (!dir_.empty()) {
      RunProgramArgs({std::string(LOGIDATA_SOURCE_DIR) + "/scripts/servers/nginx.sh", "stop", dir_ + "/nginx"});
    }
    server_.Stop();
    std::error_code ec;
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_, ec);
  }
  // curl -k with `args`, answering "<status>\n<headers>" (lower-case names).
  CliResult Curl(std::vector<std::string> args) {
    args.insert(args.begin(), {"curl", "-sk", "-o", "/dev/null", "-D", "-", "--max-time", "30"});
    return RunProgramArgs(args);
  }
  // The TLS handshake of `openssl s_client` with `args`.
  CliResult Handshake(std::vector<std::string> args) {
    args.insert(args.begin(), {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(https_port_)});
    std::string cmd;
    for (auto& a : args) cmd += "'" + a + "' ";
    return RunProgramArgs({"sh", "-c", "echo | timeout 10 " + cmd + " 2>&1"});
  }
  static int Count(const std::string& text, const std::string& needle) {
    std::string lower = text;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    int n = 0;
    for (size_t at = lower.find(needle); at != std::string::npos; at = lower.find(needle, at + 1)) ++n;
    return n;
  }

  std::string dir_, base_;
  int https_port_ = 0, http_port_ = 0;
  ServerProcess server_;
};

TEST_F(NginxProxyTest, TlsOnlyModernProtocolsAndSuites) {
  CliResult tls11 = Handshake({"-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"});
  EXPECT_NE(tls11.output.find("alert protocol version"), std::string::npos) << "TLS 1.1 not refused by nginx:\n"
                                                                            << tls11.output;
  CliResult tls10 = Handshake({"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"});
  EXPECT_NE(tls10.output.find("alert protocol version"), std::string::npos) << tls10.output;
  CliResult cbc = Handshake({"-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0"});
  EXPECT_NE(cbc.output.find("handshake failure"), std::string::npos) << "a non-AEAD suite was accepted:\n" << cbc.output;
  CliResult tls12 = Handshake({"-tls1_2"});
  EXPECT_NE(tls12.output.find("New, TLSv1.2, Cipher is ECDHE-"), std::string::npos) << tls12.output;
  EXPECT_NE(tls12.output.find("ECDHE-"), std::string::npos) << tls12.output;
  CliResult tls13 = Handshake({"-tls1_3"});
  EXPECT_NE(tls13.output.find("New, TLSv1.3, Cipher is TLS_"), std::string::npos) << tls13.output;
}

TEST_F(NginxProxyTest, RedirectHeadersGzipBodyLimitAndMetrics) {
  CliResult redirect = Curl({"http://127.0.0.1:" + std::to_string(http_port_) + "/api/v1/me?x=1"});
  EXPECT_NE(redirect.output.find("301"), std::string::npos) << redirect.output;
  EXPECT_NE(redirect.output.find("Location: " + base_ + "/api/v1/me?x=1"), std::string::npos) << redirect.output;

  // Security headers, each exactly once: on the API, the UI, and nginx's own error pages.
  std::string big(9 << 20, 'x');
  std::ofstream(dir_ + "/big.json") << big;
  std::ofstream(dir_ + "/ok.json") << std::string(7 << 20, ' ') << "{}";
  std::vector<std::pair<std::string, CliResult>> answers = {
      {"api", Curl({base_ + "/health"})},
      {"ui", Curl({base_ + "/"})},
      {"413", Curl({"-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + dir_ + "/big.json",
                    base_ + "/api/v1/auth/login"})},
  };
  for (const auto& [what, r] : answers) {
    SCOPED_TRACE(what);
    EXPECT_EQ(Count(r.output, "strict-transport-security: max-age=63072000; includesubdomains"), 1) << r.output;
    EXPECT_EQ(Count(r.output, "x-content-type-options: nosniff"), 1) << r.output;
    EXPECT_EQ(Count(r.output, "x-frame-options: deny"), 1) << r.output;
    EXPECT_EQ(Count(r.output, "referrer-policy: no-referrer"), 1) << r.output;
    EXPECT_EQ(Count(r.output, "server: nginx/"), 0) << "nginx version shown: " << r.output;
  }
  EXPECT_NE(answers[0].second.output.find("HTTP/2 200"), std::string::npos) << answers[0].second.output;
  EXPECT_NE(answers[0].second.output.find("frame-ancestors 'none'"), std::string::npos) << "server CSP lost";
  EXPECT_NE(answers[2].second.output.find("HTTP/2 413"), std::string::npos) << answers[2].second.output;
  // Under the limit the body reaches the server (which answers for itself).
  CliResult under = Curl({"-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + dir_ + "/ok.json",
                          base_ + "/api/v1/auth/login"});
  EXPECT_EQ(under.output.find("HTTP/2 413"), std::string::npos) << under.output;
  EXPECT_NE(under.output.find("x-request-id:"), std::string::npos) << "did not reach the server: " << under.output;

  CliResult js = Curl({"-H", "Accept-Encoding: gzip", base_ + "/assets/app.js"});
  EXPECT_NE(js.output.find("content-encoding: gzip"), std::string::npos) << js.output;
  CliResult metrics = Curl({base_ + "/metrics"});
  EXPECT_NE(metrics.output.find("HTTP/2 404"), std::string::npos) << "metrics public through the proxy: "
                                                                  << metrics.output;
  EXPECT_NE(server_.Client().Call("GET", "/metrics").body.find("http_requests_total"), std::string::npos);
}

TEST_F(NginxProxyTest, ApiAndWebSocketUpgradeThroughTheProxy) {
  // Register and read the profile through the proxy (HTTP/1.1 like a browser's WebSocket).
  std::string email = Unique("proxy") + "@example.com";
  CliResult reg = RunProgramArgs({"curl", "-sk", "-X", "POST", "-H", "Content-Type: application/json", "--data",
                                  json{{"email", email}, {"password", "Pw-proxy-" + Unique("p") + "!"}, {"name", "proxy"}}.dump(),
                                  base_ + "/api/v1/auth/register"});
  json tokens = json::parse(reg.output, nullptr, false);
  ASSERT_TRUE(tokens.contains("access_token")) << reg.output;
  // The upgrade handshake: 101 from the server, carried by nginx.
  CliResult ws = RunProgramArgs({"curl", "-sk", "--http1.1", "-D", "-", "-o", "/dev/null", "--max-time", "3",
                                 "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H",
                                 "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                                 base_ + "/ws"});
  EXPECT_NE(ws.output.find("HTTP/1.1 101"), std::string::npos) << ws.output;
  EXPECT_NE(ws.output.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos) << ws.output;
}

}  // namespace
}  // namespace logidata::testing
