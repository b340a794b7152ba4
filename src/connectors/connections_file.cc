#include "connectors/connections_file.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/json_text.h"

namespace logidata {

namespace {

constexpr char kPrefix[] = "enc:v1:";
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

Result<std::string> KeyBytes(const std::string& key_hex) {
  if (key_hex.size() != 64) return Status::InvalidArgument("the secret key must be 64 hex digits (32 bytes)");
  std::string key(32, '\0');
  for (size_t i = 0; i < 32; ++i) {
    auto nibble = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = nibble(key_hex[2 * i]), lo = nibble(key_hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("the secret key must be 64 hex digits (32 bytes)");
    key[i] = static_cast<char>(hi << 4 | lo);
  }
  return key;
}

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> Unbase64(const std::string& text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("malformed encrypted secret");
  std::string out(text.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Status::InvalidArgument("malformed encrypted secret");
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

struct CipherCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

}  // namespace

Result<std::string> EncryptConnectionSecret(const std::string& plaintext, const std::string& key_hex) {
  LD_ASSIGN_OR_RETURN(std::string key, KeyBytes(key_hex));
  std::string nonce(kNonceBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kNonceBytes) != 1) return Status::Internal("no randomness");
  CipherCtx c;
  std::string out = nonce;
  out.resize(nonce.size() + plaintext.size() + kTagBytes);
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
  if (EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) != 1 ||
      EVP_EncryptUpdate(c.ctx, dst, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(c.ctx, dst + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, dst + plaintext.size()) != 1) {
    return Status::Internal("encryption failed");
  }
  return std::string(kPrefix) + Base64(out);
}

Result<std::string> DecryptConnectionSecret(const std::string& encrypted, const std::string& key_hex) {
  if (encrypted.rfind(kPrefix, 0) != 0) return Status::InvalidArgument("encrypted secrets start with 'enc:v1:'");
  LD_ASSIGN_OR_RETURN(std::string key, KeyBytes(key_hex));
  LD_ASSIGN_OR_RETURN(std::string raw, Unbase64(encrypted.substr(sizeof(kPrefix) - 1)));
  if (raw.size() < kNonceBytes + kTagBytes) return Status::InvalidArgument("malformed encrypted secret");
  size_t n = raw.size() - kNonceBytes - kTagBytes;
  std::string out(n, '\0');
  CipherCtx c;
  int len = 0;
  auto* src = reinterpret_cast<unsigned char*>(raw.data()) + kNonceBytes;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(raw.data())) != 1 ||
      EVP_DecryptUpdate(c.ctx, dst, &len, src, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, src + n) != 1 ||
      EVP_DecryptFinal_ex(c.ctx, dst + len, &len) != 1) {
    return Status::PermissionDenied("cannot decrypt the secret (wrong key or tampered value)");
  }
  return out;
}

Result<std::unique_ptr<FileConnectionResolver>> FileConnectionResolver::Open(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("connections file '" + path + "' cannot be opened");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = ParseJsonText(text.str());
  if (!doc.ok()) {
    return Status::InvalidArgument("connections file '" + path + "' is not valid JSON: " + doc.status().message());
  }
  return FromJson(*doc, path);
}

Result<std::unique_ptr<FileConnectionResolver>> FileConnectionResolver::FromJson(const nlohmann::json& doc,
                                                                                  const std::string& source) {
  const nlohmann::json& map = doc.contains("connections") ? doc["connections"] : doc;
  if (!map.is_object()) return Status::InvalidArgument(source + ": expected an object of connections by name");
  std::unique_ptr<FileConnectionResolver> r(new FileConnectionResolver());
  r->source_ = source;
  for (const auto& [name, def] : map.items()) {
    std::string where = source + ": connection '" + name + "'";
    if (!def.is_object()) return Status::InvalidArgument(where + " must be an object");
    if (def.contains("secret") || def.contains("password")) {
      return Status::InvalidArgument(where + " has a plaintext secret; use \"secret_env\" or \"secret_encrypted\"");
    }
    Entry e;
    e.config.name = name;
    try {
      e.config.type = def.at("type").get<std::string>();
      e.config.host = def.value("host", std::string());
      e.config.port = def.value("port", 0);
      e.config.database = def.value("database", std::string());
      e.config.user = def.value("user", std::string());
      if (def.contains("options")) e.config.options = def["options"];
      e.secret_env = def.value("secret_env", std::string());
      e.secret_encrypted = def.value("secret_encrypted", std::string());
    } catch (const nlohmann::json::exception& ex) {
      return Status::InvalidArgument(where + ": " + ex.what());
    }
    if (!e.config.options.is_object()) return Status::InvalidArgument(where + ": options must be an object");
    r->entries_.emplace(name, std::move(e));
  }
  return r;
}

Result<ConnectionConfig> FileConnectionResolver::Resolve(const std::string& name) {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::string known;
    for (const auto& [n, e] : entries_) known += (known.empty() ? "" : ", ") + n;
    return Status::NotFound("connection '" + name + "' is not defined in " + source_ +
                            (known.empty() ? "" : " (defined: " + known + ")"));
  }
  ConnectionConfig config = it->second.config;
  if (!it->second.secret_env.empty()) {
    const char* value = std::getenv(it->second.secret_env.c_str());
    if (value == nullptr) {
      return Status::NotFound("connection '" + name + "': environment variable " + it->second.secret_env + " is not set");
    }
    config.secret = value;
  } else if (!it->second.secret_encrypted.empty()) {
    const char* key = std::getenv("LOGIDATA_SECRET_KEY");
    if (key == nullptr) return Status::NotFound("connection '" + name + "': LOGIDATA_SECRET_KEY is not set to decrypt its secret");
    auto secret = DecryptConnectionSecret(it->second.secret_encrypted, key);
    if (!secret.ok()) return secret.status().WithContext("connection '" + name + "'");
    config.secret = std::move(secret).value();
  }
  return config;
}

std::vector<std::string> FileConnectionResolver::Names() const {
  std::vector<std::string> out;
  for (const auto& [n, e] : entries_) out.push_back(n);
  return out;
}

}  // namespace logidata
