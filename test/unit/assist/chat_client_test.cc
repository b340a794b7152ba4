// The endpoint URL rules; the calls themselves are tested against a real HTTP stand-in in
// test/integration/server/server_assist_test.cc.
#include "assist/chat_client.h"

#include <gtest/gtest.h>

namespace logidata::assist {
namespace {

struct UrlCase {
  const char* url;
  const char* error;  // "" when accepted
};

TEST(ChatClient, EndpointUrlsAreHttpWithoutCredentials) {
  const UrlCase cases[] = {
      {"https://api.openai.com/v1", ""},
      {"http://127.0.0.1:8000/v1/", ""},
      {"http://[::1]:8000/v1", ""},
      {"ftp://models.example.com/v1", "http:// or https://"},
      {"file:///etc/passwd", "http:// or https://"},
      {"models.example.com/v1", "http:// or https://"},
      {"https://user:pw@models.example.com/v1", "user name or password"},
      {"https://models.example.com/v1?key=1", "query or fragment"},
      {"https://models.example.com/v1#x", "query or fragment"},
      {"https://models.example.com/v 1", "/base_url"},
      {"https://", "/base_url"},
  };
  for (const UrlCase& c : cases) {
    SCOPED_TRACE(c.url);
    Status st = CheckEndpointUrl(c.url);
    if (std::string(c.error).empty()) {
      EXPECT_TRUE(st.ok()) << st.ToString();
    } else {
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.message().rfind("/base_url: ", 0), 0u) << st.message();
      EXPECT_NE(st.message().find(c.error), std::string::npos) << st.message();
    }
  }
  EXPECT_FALSE(CheckEndpointUrl("https://a.example.com/" + std::string(600, 'x')).ok());
}

// Nothing listens on port 9 of loopback: the call fails as Unavailable, naming no key.
TEST(ChatClient, AnUnreachableEndpointIsUnavailable) {
  ChatEndpoint endpoint{"http://127.0.0.1:9/v1", "m", "sk-never-shown", 5};
  auto r = CompleteChat(endpoint, {{"user", "hi"}}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_EQ(r.status().message().find("sk-never-shown"), std::string::npos);
}

// Under a policy without an allow-list, loopback is refused before any connection.
TEST(ChatClient, TheEgressPolicyApplies) {
  EgressPolicy restrictive;
  ChatEndpoint endpoint{"http://127.0.0.1:9/v1", "m", "", 5};
  auto r = CompleteChat(endpoint, {{"user", "hi"}}, &restrictive);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsEgressRefusal(r.status())) << r.status().ToString();
  EXPECT_NE(r.status().message().find("127.0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace logidata::assist
