// The master key ring (SecretBox with several keys, key ids, reload, key files) and the bounded
// password hashing pool.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "auth/hashing_pool.h"
#include "auth/password_hasher.h"
#include "auth/secret_box.h"
#include "auth/token_codec.h"

namespace logidata {
namespace {

TEST(KeyRingTest, FirstKeyEncryptsEveryKeyDecrypts) {
  std::string a(32, 'a'), b(32, 'b');
  SecretBox old_box(a);
  auto under_a = old_box.Encrypt("s3cret", "row-1");
  ASSERT_TRUE(under_a.ok());
  EXPECT_EQ(under_a->rfind("v2:" + SecretBox::KeyId(a) + ":", 0), 0u);
  SecretBox ring(std::vector<std::string>{b, a});
  EXPECT_EQ(*ring.Decrypt(*under_a, "row-1"), "s3cret") << "old keys still decrypt";
  EXPECT_FALSE(ring.IsCurrent(*under_a));
  auto under_b = ring.Encrypt("s3cret", "row-1");
  ASSERT_TRUE(under_b.ok());
  EXPECT_TRUE(ring.IsCurrent(*under_b));
  EXPECT_FALSE(old_box.Decrypt(*under_b, "row-1").ok()) << "the old key alone cannot read new values";
  EXPECT_NE(old_box.Decrypt(*under_b, "row-1").status().message().find(SecretBox::KeyId(b)), std::string::npos);
  EXPECT_FALSE(ring.Decrypt(*under_b, "row-2").ok()) << "still bound to its row";
}

TEST(KeyRingTest, ReadsValuesWrittenBeforeKeyIds) {
  // "v1:" + base64(nonce | ciphertext | tag): the format before key ids, made here by hand from a
  // "v2" value of the same key.
  std::string a(32, 'a'), b(32, 'b');
  auto v2 = SecretBox(a).Encrypt("legacy", "conn");
  ASSERT_TRUE(v2.ok());
  std::string v1 = "v1:" + v2->substr(12);
  SecretBox ring(std::vector<std::string>{b, a});
  EXPECT_EQ(*ring.Decrypt(v1, "conn"), "legacy");
  EXPECT_FALSE(ring.IsCurrent(v1));
  EXPECT_FALSE(SecretBox(b).Decrypt(v1, "conn").ok());
}

TEST(KeyRingTest, UnknownKeyIdReloadsTheRing) {
  std::string a(32, 'a'), b(32, 'b');
  std::atomic<int> reloads{0};
  bool rotated = false;
  SecretBox box(std::vector<std::string>{a}, [&]() -> std::optional<std::vector<std::string>> {
    ++reloads;
    if (!rotated) return std::nullopt;
    return std::vector<std::string>{b, a};
  });
  auto under_b = SecretBox(b).Encrypt("new", "x");
  EXPECT_FALSE(box.Decrypt(*under_b, "x").ok());
  rotated = true;
  EXPECT_EQ(*box.Decrypt(*under_b, "x"), "new") << "a rotation beside us is picked up";
  EXPECT_TRUE(box.IsCurrent(*box.Encrypt("y", "x")));
  EXPECT_GE(reloads.load(), 2);
}

TEST(KeyRingTest, KeyFilesRoundTripWithPrivateMode) {
  std::string dir = ::testing::TempDir() + "/ring-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string path = dir + "/keys";
  std::vector<std::string> keys = {RandomBytes(32), RandomBytes(32)};
  ASSERT_TRUE(WriteKeyFile(path, keys).ok());
  auto back = ReadKeyFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, keys);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ofstream(path) << "# comment\nnot-a-key\n";
  EXPECT_FALSE(ReadKeyFile(path).ok());
  EXPECT_EQ(ReadKeyFile(dir + "/missing").status().code(), StatusCode::kNotFound);
  // A key file given to the server is created on first start.
  ::unsetenv("LOGIDATA_MASTER_KEY");
  auto created = LoadMasterKeys({dir + "/data", dir + "/outside.key"});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir + "/outside.key"));
  EXPECT_EQ(*ReadKeyFile(dir + "/outside.key"), *created);
  std::filesystem::remove_all(dir);
}

TEST(HashingPoolTest, BoundsConcurrencyAndRefusesWhenTheQueueIsFull) {
  ::setenv("LOGIDATA_PWHASH_FAST", "1", 1);
  auto hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok());
  HashingPool pool(1, 0);  // one at a time, nobody may wait
  std::atomic<int> refused{0}, ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = pool.Verify(*hash, "correct horse");
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
        ++refused;
      } else if (*r) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok + refused, 8);
  EXPECT_GE(ok.load(), 1);
  HashingPool roomy(2, 64);
  EXPECT_TRUE(*roomy.Verify(*hash, "correct horse"));
  EXPECT_FALSE(*roomy.Verify(*hash, "wrong"));
}

}  // namespace
}  // namespace logidata
