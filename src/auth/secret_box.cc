#include "auth/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <utility>
#include <sstream>

#include "auth/token_codec.h"
#include "common/check.h"

namespace logidata {
namespace {
constexpr size_t kNonce = 12, kTag = 16;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)>;
}  // namespace

SecretBox::SecretBox(std::string key) : SecretBox(std::vector<std::string>{std::move(key)}) {}

SecretBox::SecretBox(std::vector<std::string> keys, Reloader reloader)
    : keys_(std::move(keys)), reloader_(std::move(reloader)) {
  LD_CHECK(!keys_.empty());
  for (const std::string& k : keys_) LD_CHECK_EQ(k.size(), 32u);
}

std::string SecretBox::KeyId(std::string_view key) {
  return Sha256Hex(std::string("logidata-key-id:") + std::string(key)).substr(0, 8);
}

std::vector<std::string> SecretBox::Keys() const {
  std::lock_guard lock(mu_);
  return keys_;
}

void SecretBox::MaybeReload() const {
  if (!reloader_) return;
  auto fresh = reloader_();
  if (!fresh || fresh->empty()) return;
  for (const std::string& k : *fresh) {
    if (k.size() != 32) return;
  }
  std::lock_guard lock(mu_);
  keys_ = std::move(*fresh);
}

std::string SecretBox::CurrentKeyId() const { return KeyId(Keys().front()); }

bool SecretBox::IsCurrent(std::string_view stored) const {
  std::string prefix = "v2:" + CurrentKeyId() + ":";
  return stored.substr(0, prefix.size()) == prefix;
}

namespace {

Result<std::string> Seal(const std::string& key, std::string_view plaintext, std::string_view aad) {
  std::string nonce = RandomBytes(kNonce);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(plaintext.size() + 16, '\0');
  int len = 0, total = 0;
  auto* k = reinterpret_cast<const unsigned char*>(key.data());
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
  return Base64Encode(nonce + out + std::string(tag, kTag));
}

// nullopt when the key is wrong or the value was tampered with.
std::optional<std::string> Open(const std::string& key, const std::string& raw, std::string_view aad) {
  std::string nonce = raw.substr(0, kNonce);
  std::string tag = raw.substr(raw.size() - kTag);
  std::string cipher = raw.substr(kNonce, raw.size() - kNonce - kTag);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(cipher.size() + 16, '\0');
  int len = 0, total = 0;
  auto* k = reinterpret_cast<const unsigned char*>(key.data());
  auto* n = reinterpret_cast<const unsigned char*>(nonce.data());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, n) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        reinterpret_cast<const unsigned char*>(cipher.data()), static_cast<int>(cipher.size())) != 1) {
    return std::nullopt;
  }
  total = len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + total, &len) != 1) {
    return std::nullopt;
  }
  total += len;
  out.resize(total);
  return out;
}

}  // namespace

Result<std::string> SecretBox::Encrypt(std::string_view plaintext, std::string_view aad) const {
  // A rotation may have put a new current key in the ring file since we started.
  MaybeReload();
  std::string key = Keys().front();
  LD_ASSIGN_OR_RETURN(std::string sealed, Seal(key, plaintext, aad));
  return "v2:" + KeyId(key) + ":" + sealed;
}

Result<std::string> SecretBox::Decrypt(std::string_view stored, std::string_view aad) const {
  std::string_view body;
  std::string kid;
  if (stored.substr(0, 3) == "v1:") {
    body = stored.substr(3);
  } else if (stored.substr(0, 3) == "v2:" && stored.size() > 12 && stored[11] == ':') {
    kid = std::string(stored.substr(3, 8));
    body = stored.substr(12);
  } else {
    return Status::DataError("encrypted secret has an unknown format");
  }
  auto raw = Base64Decode(body);
  if (!raw || raw->size() < kNonce + kTag) return Status::DataError("encrypted secret is corrupt");
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool known = kid.empty();
    for (const std::string& key : Keys()) {
      if (!kid.empty() && KeyId(key) != kid) continue;
      known = true;
      if (auto out = Open(key, *raw, aad)) return std::move(*out);
    }
    // A key id we do not know: written by a process that has a newer ring. Reload once.
    if (known || attempt == 1) break;
    MaybeReload();
  }
  return Status::DataError(kid.empty() ? "cannot decrypt secret: wrong master key or tampered value"
                                       : "cannot decrypt secret: its key (id " + kid +
                                             ") is not in the master key ring, or the value was tampered with");
}

namespace {

std::optional<std::string> DecodeKey(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r' || text.back() == '\t')) text.pop_back();
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.erase(0, 1);
  if (auto hex = HexDecode(text); hex && hex->size() == 32) return *hex;
  if (auto b64 = Base64Decode(text); b64 && b64->size() == 32) return *b64;
  return std::nullopt;
}

}  // namespace

std::string MasterKeySource::FilePath() const {
  if (const char* env = std::getenv("LOGIDATA_MASTER_KEY"); env && *env) return "";
  if (!key_file.empty()) return key_file;
  if (const char* env = std::getenv("LOGIDATA_MASTER_KEY_FILE"); env && *env) return env;
  return data_dir + "/master.key";
}

Result<std::vector<std::string>> ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": no such key file");
  std::vector<std::string> keys;
  std::string line;
  while (std::getline(in, line)) {
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto key = DecodeKey(line);
    if (!key) return Status::DataError(path + ": each line must be a key of 64 hex characters");
    keys.push_back(std::move(*key));
  }
  if (keys.empty()) return Status::DataError(path + ": holds no key");
  return keys;
}

Status WriteKeyFile(const std::string& path, const std::vector<std::string>& keys) {
  std::string text = "# logidata master keys: the first encrypts, all decrypt. Keep this file secret.\n";
  for (const std::string& k : keys) text += HexEncode(k) + "\n";
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status::IOError("cannot create " + tmp);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot write " + path);
  return Status::OK();
}

Result<std::vector<std::string>> LoadMasterKeys(const MasterKeySource& source) {
  if (const char* env = std::getenv("LOGIDATA_MASTER_KEY"); env && *env) {
    std::vector<std::string> keys;
    std::string text(env);
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = text.find(',', start);
      std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      auto key = DecodeKey(part);
      if (!key) {
        return Status::InvalidArgument("LOGIDATA_MASTER_KEY must be keys of 64 hex characters or base64 of 32 bytes, "
                                       "separated by commas");
      }
      keys.push_back(std::move(*key));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return keys;
  }
  std::string path = source.FilePath();
  auto existing = ReadKeyFile(path);
  if (existing.ok() || existing.status().code() != StatusCode::kNotFound) return existing;
  std::string key = RandomBytes(32);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status::IOError("cannot create " + path);
  std::string text = HexEncode(key) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fchmod(fd, 0600);
  ::close(fd);
  if (!ok) return Status::IOError("cannot write " + path);
  return std::vector<std::string>{key};
}

Result<std::unique_ptr<SecretBox>> OpenSecretBox(const MasterKeySource& source) {
  LD_ASSIGN_OR_RETURN(std::vector<std::string> keys, LoadMasterKeys(source));
  std::string path = source.FilePath();
  SecretBox::Reloader reloader;
  if (!path.empty()) {
    auto stamp = [path]() -> int64_t {
      std::error_code ec;
      auto t = std::filesystem::last_write_time(path, ec);
      return ec ? 0 : static_cast<int64_t>(t.time_since_epoch().count());
    };
    auto last = std::make_shared<std::pair<std::mutex, int64_t>>();
    last->second = stamp();
    reloader = [path, stamp, last]() -> std::optional<std::vector<std::string>> {
      std::lock_guard lock(last->first);
      int64_t now = stamp();
      if (now == last->second) return std::nullopt;
      auto keys = ReadKeyFile(path);
      if (!keys.ok()) return std::nullopt;  // half-written or removed: keep the ring we have
      last->second = now;
      return std::move(keys).value();
    };
  }
  return std::make_unique<SecretBox>(std::move(keys), std::move(reloader));
}

Result<std::string> LoadMasterKey(const std::string& data_dir) {
  LD_ASSIGN_OR_RETURN(std::vector<std::string> keys, LoadMasterKeys({data_dir, ""}));
  return keys.front();
}

}  // namespace logidata
