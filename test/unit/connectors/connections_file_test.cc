#include "connectors/connections_file.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace logidata {
namespace {

const std::string kKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TEST(ConnectionSecretTest, EncryptsAndDetectsTampering) {
  auto enc = EncryptConnectionSecret("p@ss word", kKey);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc->rfind("enc:v1:", 0), 0u);
  EXPECT_EQ(enc->find("p@ss"), std::string::npos);
  EXPECT_EQ(*DecryptConnectionSecret(*enc, kKey), "p@ss word");
  std::string other = kKey;
  other[0] = '1';
  EXPECT_FALSE(DecryptConnectionSecret(*enc, other).ok());
  std::string tampered = *enc;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(DecryptConnectionSecret(tampered, kKey).ok());
  EXPECT_FALSE(EncryptConnectionSecret("x", "short").ok());
}

TEST(FileConnectionResolverTest, ResolvesSecretsFromEnvironmentAndEncryption) {
  setenv("LD_TEST_PG_PASSWORD", "from-env", 1);
  setenv("LOGIDATA_SECRET_KEY", kKey.c_str(), 1);
  nlohmann::json doc = {{"connections",
                         {{"pg", {{"type", "postgres"}, {"host", "db"}, {"port", 5432}, {"database", "d"}, {"user", "u"},
                                  {"secret_env", "LD_TEST_PG_PASSWORD"}, {"options", {{"sslmode", "require"}}}}},
                          {"api", {{"type", "http"}, {"host", "https://x"}, {"secret_encrypted", *EncryptConnectionSecret("tok", kKey)}}},
                          {"unset", {{"type", "postgres"}, {"secret_env", "LD_TEST_NOT_SET_ANYWHERE"}}}}}};
  auto r = FileConnectionResolver::FromJson(doc, "connections.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto pg = (*r)->Resolve("pg");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->secret, "from-env");
  EXPECT_EQ(pg->port, 5432);
  EXPECT_EQ(pg->options["sslmode"], "require");
  EXPECT_EQ((*r)->Resolve("api")->secret, "tok");
  auto unset = (*r)->Resolve("unset");
  EXPECT_TRUE(unset.status().IsNotFound());
  EXPECT_NE(unset.status().message().find("LD_TEST_NOT_SET_ANYWHERE"), std::string::npos);
  auto missing = (*r)->Resolve("nope");
  EXPECT_NE(missing.status().message().find("defined: api, pg, unset"), std::string::npos) << missing.status().ToString();
}

TEST(FileConnectionResolverTest, RejectsPlaintextSecrets) {
  nlohmann::json doc = {{"pg", {{"type", "postgres"}, {"secret", "hunter2"}}}};
  auto r = FileConnectionResolver::FromJson(doc, "c.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("plaintext"), std::string::npos);
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace logidata
