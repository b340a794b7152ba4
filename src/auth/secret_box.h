// SecretBox: AES-256-GCM encryption of connection secrets under the master key. Each value gets a
// fresh 96-bit nonce; the stored form is "v1:" + base64(nonce | ciphertext | tag). Associated data
// (e.g. the connection id) binds a ciphertext to its row. Immutable; thread-safe.
#pragma once

#include <string>

#include "common/result.h"

namespace logidata {

class SecretBox {
 public:
  // REQUIRES: key is 32 bytes.
  explicit SecretBox(std::string key);
  Result<std::string> Encrypt(std::string_view plaintext, std::string_view associated_data) const;
  // DataError when the value was tampered with, bound to other data or made with another key.
  Result<std::string> Decrypt(std::string_view stored, std::string_view associated_data) const;

 private:
  std::string key_;
};

// The 32-byte master key: LOGIDATA_MASTER_KEY (64 hex characters or base64 of 32 bytes) if set,
// else `<data_dir>/master.key`, created with mode 0600 on first start.
Result<std::string> LoadMasterKey(const std::string& data_dir);

}  // namespace logidata
