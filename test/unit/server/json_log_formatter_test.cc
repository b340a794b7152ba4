// JsonLogFormatter: one JSON object per line with time, level, message and the thread's request
// and run ids; credentials in messages masked; hostile text (newlines, quotes, bad UTF-8) never
// breaks a line or throws.
#include "server/json_log_formatter.h"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "common/log_context.h"

namespace logidata {
namespace {

using nlohmann::json;

struct CapturedLog {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> logger;
  CapturedLog() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
    logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(std::make_unique<JsonLogFormatter>());
    logger->set_level(spdlog::level::trace);
  }
  // Every line parsed; a line that is not one JSON object fails the test.
  std::vector<json> Lines() {
    std::vector<json> out;
    std::istringstream in(text.str());
    std::string line;
    while (std::getline(in, line)) {
      json j = json::parse(line, nullptr, false);
      EXPECT_TRUE(j.is_object()) << "not one JSON object: " << line;
      out.push_back(j);
    }
    return out;
  }
};

TEST(JsonLogFormatterTest, WritesTimeLevelMessageAndNoIdsOutsideAContext) {
  CapturedLog log;
  log.logger->info("server listening on port {}", 8080);
  log.logger->warn("disk almost full");
  auto lines = log.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["message"], "server listening on port 8080");
  EXPECT_EQ(lines[1]["level"], "warning");
  std::string time = lines[0]["time"];
  EXPECT_EQ(time.size(), 24u) << time;  // 2026-12-06T23:40:01.123Z
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(lines[0]["logger"], "test");
  EXPECT_FALSE(lines[0].contains("request_id"));
  EXPECT_FALSE(lines[0].contains("run_id"));
}

TEST(JsonLogFormatterTest, AddsTheRequestAndRunIdsOfTheWritingThreadWhileSet) {
  CapturedLog log;
  {
    ScopedLogContext request({.request_id = "req-123"});
    log.logger->error("request failed");
    {
      ScopedLogContext run({.run_id = "run-9", .org_id = "org-1"});
      log.logger->info("inside a run");
    }
    log.logger->info("back in the request");
  }
  log.logger->info("after");
  auto lines = log.Lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["request_id"], "req-123");
  EXPECT_FALSE(lines[0].contains("run_id"));
  EXPECT_EQ(lines[1]["request_id"], "req-123");
  EXPECT_EQ(lines[1]["run_id"], "run-9");
  EXPECT_EQ(lines[1]["org_id"], "org-1");
  EXPECT_FALSE(lines[2].contains("run_id"));
  EXPECT_EQ(lines[2]["request_id"], "req-123");
  EXPECT_FALSE(lines[3].contains("request_id"));
}

TEST(JsonLogFormatterTest, HostileMessagesStayOneLineAndDoNotThrow) {
  CapturedLog log;
  log.logger->info("two\nlines \"quoted\" \\ and a tab\t");
  log.logger->info(std::string("bad utf-8 \xff\xfe end"));
  log.logger->info("{\"level\":\"error\",\"message\":\"forged\"}");
  auto lines = log.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["message"], "two\nlines \"quoted\" \\ and a tab\t");
  EXPECT_NE(lines[1]["message"].get<std::string>().find("end"), std::string::npos);
  EXPECT_EQ(lines[2]["level"], "info");  // the forged fields stay inside the message text
}

TEST(JsonLogFormatterTest, CredentialsInMessagesAreMasked) {
  CapturedLog log;
  log.logger->warn("cannot reach postgresql://logidata:S3cr3t-pw@db:5432/meta: timeout");
  log.logger->warn("connect failed: host=db password=S3cr3t-pw user=x");
  auto lines = log.Lines();
  ASSERT_EQ(lines.size(), 2u);
  for (const json& line : lines) {
    EXPECT_EQ(line.dump().find("S3cr3t-pw"), std::string::npos) << line.dump();
  }
  EXPECT_EQ(lines[0]["message"], "cannot reach postgresql://logidata:***@db:5432/meta: timeout");
  EXPECT_EQ(lines[1]["message"], "connect failed: host=db password=*** user=x");
}

struct MaskCase {
  const char* in;
  const char* out;
};

TEST(MaskCredentialsTest, Table) {
  const MaskCase cases[] = {
      {"plain text stays", "plain text stays"},
      {"https://user:pa:ss@host/x", "https://user:***@host/x"},
      {"https://host:8443/path@x", "https://host:8443/path@x"},  // a port, not a password
      {"s3://bucket/key", "s3://bucket/key"},
      {"PASSWORD=abc;x=1", "PASSWORD=***;x=1"},
      {"api_token: abc def", "api_token: *** def"},
      {"\"secret\":\"abc\"", "\"secret\":\"***\""},
      {"X-Api-Key=k1&y=2", "X-Api-Key=***&y=2"},
      {"secret_rotation done: 3 rows", "secret_rotation done: 3 rows"},
      {"tokens issued 5", "tokens issued 5"},
  };
  for (const MaskCase& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(MaskCredentials(c.in), c.out);
  }
}

TEST(SetLogFormatTest, AcceptsTextAndJsonOnly) {
  EXPECT_TRUE(SetLogFormat("text").ok());
  Status st = SetLogFormat("xml");
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("--log-format"), std::string::npos);
}

}  // namespace
}  // namespace logidata
