#include "transforms/mask_crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>

namespace logidata {

namespace {

constexpr size_t kIvBytes = 12;
constexpr size_t kTagBytes = 16;

std::array<unsigned char, 32> Hmac(std::string_view key, std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out.data(), &len);
  return out;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// RFC 4648 §5 without padding. (Private: the server has its own for session tokens.)
std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

// Returns false on a character outside the alphabet or an impossible length.
bool Base64UrlDecode(std::string_view text, std::string* bytes) {
  if (text.size() % 4 == 1) return false;
  bytes->clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    else return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

}  // namespace

MaskKey::MaskKey(std::string secret) : secret_(std::move(secret)) {
  // Separate keys per purpose, so the hash of a value reveals nothing about its token.
  enc_key_ = Hmac(secret_, "logidata mask: encryption key");
  iv_key_ = Hmac(secret_, "logidata mask: synthetic iv key");
}

std::string MaskKey::HashHex(std::string_view value) const {
  static const char kHex[] = "0123456789abcdef";
  const auto mac = Hmac(secret_, value);
  std::string out;
  out.reserve(64);
  for (unsigned char b : mac) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Result<std::string> MaskKey::Encrypt(std::string_view plaintext) const {
  const auto siv = Hmac(std::string_view(reinterpret_cast<const char*>(iv_key_.data()), iv_key_.size()), plaintext);
  std::string raw(kIvBytes + plaintext.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  std::copy(siv.begin(), siv.begin() + kIvBytes, out);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (ctx == nullptr || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kIvBytes), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, enc_key_.data(), out) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out + kIvBytes, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + kIvBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          out + kIvBytes + plaintext.size()) != 1) {
    return Status::Internal("mask: AES-256-GCM encryption failed");
  }
  return std::string(kMaskTokenPrefix) + Base64UrlEncode(raw);
}

Result<std::string> MaskKey::Decrypt(std::string_view token) const {
  if (token.substr(0, kMaskTokenPrefix.size()) != kMaskTokenPrefix) {
    return Status::DataError("not a mask token (it does not start with '" + std::string(kMaskTokenPrefix) + "')");
  }
  std::string raw;
  if (!Base64UrlDecode(token.substr(kMaskTokenPrefix.size()), &raw) || raw.size() < kIvBytes + kTagBytes) {
    return Status::DataError("damaged mask token (bad base64url or too short)");
  }
  const size_t n = raw.size() - kIvBytes - kTagBytes;
  auto* in = reinterpret_cast<unsigned char*>(raw.data());
  std::string plain(n, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (ctx == nullptr || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kIvBytes), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, enc_key_.data(), in) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, in + kIvBytes,
                        static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), in + kIvBytes + n) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) != 1) {
    return Status::DataError("mask token does not decrypt with this key (altered, or made with another key)");
  }
  // The synthetic IV must be the plaintext's: a token spliced from two others is refused.
  const auto siv = Hmac(std::string_view(reinterpret_cast<const char*>(iv_key_.data()), iv_key_.size()), plain);
  if (!std::equal(siv.begin(), siv.begin() + kIvBytes, in)) {
    return Status::DataError("mask token does not decrypt with this key (altered, or made with another key)");
  }
  return plain;
}

}  // namespace logidata
