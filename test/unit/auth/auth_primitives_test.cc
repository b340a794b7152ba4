// JWT, secret box, password hashing and request-body checking.
#include <gtest/gtest.h>

#include "auth/jwt.h"
#include "auth/password_hasher.h"
#include "auth/secret_box.h"
#include "auth/token_codec.h"
#include "server/json_body.h"

namespace logidata {
namespace {

TEST(JwtTest, RejectsTamperedExpiredAndAlgNone) {
  Jwt jwt("k1");
  std::string token = jwt.Sign({{"sub", "u1"}}, 60);
  auto ok = jwt.Verify(token);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["sub"], "u1");
  EXPECT_FALSE(Jwt("k2").Verify(token).ok()) << "other key";
  std::string tampered = token;
  tampered[tampered.find('.') + 3] ^= 1;
  EXPECT_FALSE(jwt.Verify(tampered).ok());
  EXPECT_FALSE(jwt.Verify(jwt.Sign({{"sub", "u1"}, {"exp", UnixNowSeconds() - 1}}, 0)).ok()) << "expired";
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(R"({"sub":"u1","exp":9999999999})") + ".";
  EXPECT_FALSE(jwt.Verify(none).ok());
  std::string hs512 = Base64UrlEncode(R"({"alg":"HS512"})") + token.substr(token.find('.'));
  EXPECT_FALSE(jwt.Verify(hs512).ok());
  for (const char* junk : {"", ".", "..", "a.b.c", "a.b", "a.b.c.d"}) EXPECT_FALSE(jwt.Verify(junk).ok()) << junk;
}

TEST(SecretBoxTest, RoundTripAndTamperDetection) {
  SecretBox box(std::string(32, 'k'));
  auto enc = box.Encrypt("p@ssw0rd", "conn-1");
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc->find("p@ssw0rd"), std::string::npos);
  EXPECT_NE(*enc, *box.Encrypt("p@ssw0rd", "conn-1")) << "fresh nonce each time";
  EXPECT_EQ(*box.Decrypt(*enc, "conn-1"), "p@ssw0rd");
  EXPECT_FALSE(box.Decrypt(*enc, "conn-2").ok()) << "bound to its row";
  EXPECT_FALSE(SecretBox(std::string(32, 'x')).Decrypt(*enc, "conn-1").ok()) << "other key";
  std::string bad = *enc;
  bad[10] = bad[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.Decrypt(bad, "conn-1").ok());
  EXPECT_FALSE(box.Decrypt("garbage", "conn-1").ok());
}

TEST(PasswordTest, Argon2idHashes) {
  auto h = HashPassword("correct horse");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*h, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horsE"));
  EXPECT_FALSE(CheckPasswordPolicy("short").ok());
}

TEST(JsonBodyTest, NamesFields) {
  nlohmann::json schema = {{"type", "object"},
                           {"properties", {{"name", {{"type", "string"}, {"minLength", 1}}}, {"n", {{"type", "integer"}}}}},
                           {"required", {"name"}},
                           {"additionalProperties", false}};
  struct Case {
    const char* body;
    const char* expected;  // substring of the error, or "" for OK
  };
  const Case cases[] = {{R"({"name":"x"})", ""},
                        {"", "/name: is required"},
                        {R"({"name":1})", "/name: must be string"},
                        {R"({"name":""})", "/name: must be at least 1"},
                        {R"({"name":"x","n":"1"})", "/n: must be integer"},
                        {R"({"name":"x","zzz":1})", "/zzz: unknown field"},
                        {R"({"name":)", "/: malformed JSON at line 1"},
                        {"[]", "/: must be object"}};
  for (const auto& c : cases) {
    auto r = ParseJsonBody(c.body, schema);
    if (std::string(c.expected).empty()) {
      EXPECT_TRUE(r.ok()) << c.body << ": " << r.status().ToString();
    } else {
      ASSERT_FALSE(r.ok()) << c.body;
      EXPECT_NE(r.status().message().find(c.expected), std::string::npos) << c.body << ": " << r.status().message();
    }
  }
}

}  // namespace
}  // namespace logidata
