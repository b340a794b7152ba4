// Validation and masking of notification settings: every bad input names its field; masked URLs
// keep no path, query or credentials.
#include "notify/notification_setting.h"

#include <gtest/gtest.h>

namespace logidata {
namespace {

using nlohmann::json;

struct BodyCase {
  std::string name;
  json body;
  std::string error;  // "" = valid; else the start of the message ("/url: …")
  std::string ToString() const { return name + ": " + body.dump(); }
};

TEST(NotificationSettingTest, BodiesAreCheckedPerChannel) {
  json events = {"run.failed"};
  std::vector<BodyCase> cases = {
      {"email", {{"channel", "email"}, {"to", {"a@example.com", "b.c@d.example.org"}}, {"events", events}}, ""},
      {"webhook https", {{"channel", "webhook"}, {"url", "https://h.example/x?y=1"}, {"secret", "s"}, {"events", events}}, ""},
      {"webhook http port", {{"channel", "webhook"}, {"url", "HTTP://127.0.0.1:8080/"}, {"events", events}}, ""},
      {"slack", {{"channel", "slack"}, {"url", "https://hooks.slack.com/services/T/B/X"}, {"events", events}}, ""},
      {"no recipients", {{"channel", "email"}, {"events", events}}, "/to:"},
      {"no at", {{"channel", "email"}, {"to", {"example.com"}}, {"events", events}}, "/to/0:"},
      {"two ats", {{"channel", "email"}, {"to", {"a@b@c.de"}}, {"events", events}}, "/to/0:"},
      {"header injection", {{"channel", "email"}, {"to", {"a@b.de\nBcc: x@y.z"}}, {"events", events}}, "/to/0:"},
      {"angle brackets", {{"channel", "email"}, {"to", {"<a@b.de>"}}, {"events", events}}, "/to/0:"},
      {"no domain dot", {{"channel", "email"}, {"to", {"a@localhost"}}, {"events", events}}, "/to/0:"},
      {"missing url", {{"channel", "webhook"}, {"events", events}}, "/url:"},
      {"ftp", {{"channel", "webhook"}, {"url", "ftp://h.example/x"}, {"events", events}}, "/url:"},
      {"file", {{"channel", "slack"}, {"url", "file:///etc/passwd"}, {"events", events}}, "/url:"},
      {"no host", {{"channel", "webhook"}, {"url", "https:///path"}, {"events", events}}, "/url:"},
      {"space", {{"channel", "webhook"}, {"url", "https://h.example/a b"}, {"events", events}}, "/url:"},
      {"slack secret", {{"channel", "slack"}, {"url", "https://h.example/"}, {"secret", "s"}, {"events", events}}, "/secret:"},
  };
  for (const BodyCase& c : cases) {
    SCOPED_TRACE(c.ToString());
    NotificationSetting s;
    Status st = ApplyNotificationBody(c.body, s);
    if (c.error.empty()) {
      EXPECT_TRUE(st.ok()) << st.ToString();
    } else {
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(st.message().rfind(c.error, 0), 0u) << st.message();
    }
  }
}

TEST(NotificationSettingTest, UpdatesKeepSecretsUnlessReplacedOrNulled) {
  NotificationSetting s;
  ASSERT_TRUE(ApplyNotificationBody({{"channel", "webhook"}, {"url", "https://a.example/1"}, {"secret", "k"},
                                     {"events", {"run.failed", "run.failed", "run.succeeded"}}},
                                    s)
                  .ok());
  EXPECT_EQ(s.events, (std::vector<std::string>{"run.failed", "run.succeeded"}));
  ASSERT_TRUE(ApplyNotificationBody({{"name", "n"}}, s).ok());
  EXPECT_EQ(s.url, "https://a.example/1");
  EXPECT_EQ(s.secret, "k");
  ASSERT_TRUE(ApplyNotificationBody({{"secret", nullptr}}, s).ok());
  EXPECT_EQ(s.secret, "");
  // Switching to email drops the URL.
  ASSERT_TRUE(ApplyNotificationBody({{"channel", "email"}, {"to", {"x@y.zz"}}}, s).ok());
  EXPECT_TRUE(s.url.empty());
  EXPECT_TRUE(s.Wants("run.succeeded"));
  EXPECT_FALSE(s.Wants("run.interrupted"));
}

TEST(NotificationSettingTest, MasksKeepOnlySchemeAndHost) {
  struct Case {
    std::string url, masked;
  };
  std::vector<Case> cases = {
      {"https://hooks.slack.com/services/T0/B0/SECRET", "https://hooks.slack.com/…"},
      {"http://user:pass@h.example:8080/x?token=SECRET", "http://h.example:8080/…"},
      {"https://h.example?token=SECRET", "https://h.example/…"},
      {"https://h.example#SECRET", "https://h.example/…"},
      {"no scheme SECRET", "…"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MaskUrl(c.url), c.masked) << c.url;
    EXPECT_EQ(MaskUrl(c.url).find("SECRET"), std::string::npos);
  }
}

TEST(NotificationSettingTest, EventsOfRunStatuses) {
  EXPECT_EQ(EventOfRunStatus("succeeded"), "run.succeeded");
  EXPECT_EQ(EventOfRunStatus("failed"), "run.failed");
  EXPECT_EQ(EventOfRunStatus("interrupted"), "run.interrupted");
  EXPECT_EQ(EventOfRunStatus("cancelled"), "");
  EXPECT_EQ(EventOfRunStatus("running"), "");
}

}  // namespace
}  // namespace logidata
