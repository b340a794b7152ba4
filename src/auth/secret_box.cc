#include "auth/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "auth/token_codec.h"
#include "common/check.h"

namespace logidata {
namespace {
constexpr size_t kNonce = 12, kTag = 16;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)>;
}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) { LD_CHECK_EQ(key_.size(), 32u); }

Result<std::string> SecretBox::Encrypt(std::string_view plaintext, std::string_view aad) const {
  std::string nonce = RandomBytes(kNonce);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(plaintext.size() + 16, '\0');
  int len = 0, total = 0;
  auto* k = reinterpret_cast<const unsigned char*>(key_.data());
  auto* n = reinterpret_cast<const unsigned char*>(nonce.data());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, n) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1) {
    return Status::Internal("AES-GCM encryption failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + total, &len) != 1) {
    return Status::Internal("AES-GCM encryption failed");
  }
  total += len;
  out.resize(total);
  char tag[kTag];
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, tag) != 1) return Status::Internal("AES-GCM tag");
  return "v1:" + Base64Encode(nonce + out + std::string(tag, kTag));
}

Result<std::string> SecretBox::Decrypt(std::string_view stored, std::string_view aad) const {
  if (stored.substr(0, 3) != "v1:") return Status::DataError("encrypted secret has an unknown format");
  auto raw = Base64Decode(stored.substr(3));
  if (!raw || raw->size() < kNonce + kTag) return Status::DataError("encrypted secret is corrupt");
  std::string nonce = raw->substr(0, kNonce);
  std::string tag = raw->substr(raw->size() - kTag);
  std::string cipher = raw->substr(kNonce, raw->size() - kNonce - kTag);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(cipher.size() + 16, '\0');
  int len = 0, total = 0;
  auto* k = reinterpret_cast<const unsigned char*>(key_.data());
  auto* n = reinterpret_cast<const unsigned char*>(nonce.data());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, n) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        reinterpret_cast<const unsigned char*>(cipher.data()), static_cast<int>(cipher.size())) != 1) {
    return Status::DataError("cannot decrypt secret");
  }
  total = len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + total, &len) != 1) {
    return Status::DataError("cannot decrypt secret: wrong master key or tampered value");
  }
  total += len;
  out.resize(total);
  return out;
}

Result<std::string> LoadMasterKey(const std::string& data_dir) {
  if (const char* env = std::getenv("LOGIDATA_MASTER_KEY"); env && *env) {
    std::string text(env);
    if (auto hex = HexDecode(text); hex && hex->size() == 32) return *hex;
    if (auto b64 = Base64Decode(text); b64 && b64->size() == 32) return *b64;
    return Status::InvalidArgument("LOGIDATA_MASTER_KEY must be 64 hex characters or base64 of 32 bytes");
  }
  std::string path = data_dir + "/master.key";
  std::ifstream in(path);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    auto key = HexDecode(text);
    if (!key || key->size() != 32) return Status::DataError(path + ": expected 64 hex characters");
    return *key;
  }
  std::string key = RandomBytes(32);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status::IOError("cannot create " + path);
  std::string text = HexEncode(key) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fchmod(fd, 0600);
  ::close(fd);
  if (!ok) return Status::IOError("cannot write " + path);
  return key;
}

}  // namespace logidata
