// MaskKey: the keyed operations of transform.mask, all derived from one secret (the password of
// a `secret` connection).
//   Hash:    hex HMAC-SHA256(secret, value) — stable across runs and machines, so masked columns
//            still join; anyone with the secret can recompute it (`openssl dgst -sha256 -hmac`).
//   Encrypt: deterministic authenticated encryption — AES-256-GCM whose 96-bit IV is an
//            HMAC-SHA256 of the plaintext (a synthetic IV, as in SIV), under keys derived from the
//            secret. Equal values give equal tokens (joins and group-bys still work); only equality
//            leaks. Token: "ldenc1:" + base64url(iv ‖ ciphertext ‖ tag), no padding.
//   Decrypt: reverses Encrypt; a token that was altered or made with another key is a DataError.
// Immutable after construction; every method is thread-safe.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "common/result.h"

namespace logidata {

inline constexpr std::string_view kMaskTokenPrefix = "ldenc1:";

class MaskKey {
 public:
  // REQUIRES: !secret.empty().
  explicit MaskKey(std::string secret);

  std::string HashHex(std::string_view value) const;
  Result<std::string> Encrypt(std::string_view plaintext) const;
  Result<std::string> Decrypt(std::string_view token) const;

 private:
  std::string secret_;
  std::array<unsigned char, 32> enc_key_{};
  std::array<unsigned char, 32> iv_key_{};
};

}  // namespace logidata
