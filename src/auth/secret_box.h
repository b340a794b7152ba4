// SecretBox: AES-256-GCM encryption of stored secrets (connection passwords, notification URLs,
// the JWT signing key) under a ring of master keys. The first key encrypts; every key decrypts.
// Each value gets a fresh 96-bit nonce; the stored form is "v2:<key id>:" + base64(nonce |
// ciphertext | tag), where the key id is a fingerprint of the key (not secret). Values written
// before key ids existed ("v1:" + base64(…)) are still read, trying each key of the ring.
// Associated data (e.g. the connection id) binds a ciphertext to its row.
// A ring can be given a reload function: when a value names a key id the ring does not know (a
// `logidata keys rotate` running beside this process), and before each encryption, the ring is
// reloaded, so a running server reads and writes with keys added after it started.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace logidata {

class SecretBox {
 public:
  // Returns the new ring when the key source changed since the last call, nullopt otherwise.
  using Reloader = std::function<std::optional<std::vector<std::string>>()>;

  // REQUIRES: key is 32 bytes.
  explicit SecretBox(std::string key);
  // REQUIRES: at least one key; each 32 bytes. keys[0] encrypts.
  explicit SecretBox(std::vector<std::string> keys, Reloader reloader = nullptr);

  Result<std::string> Encrypt(std::string_view plaintext, std::string_view associated_data) const;
  // DataError when the value was tampered with, bound to other data or made with a key not in the ring.
  Result<std::string> Decrypt(std::string_view stored, std::string_view associated_data) const;
  // Whether `stored` was encrypted with the current (first) key — rotation skips those.
  bool IsCurrent(std::string_view stored) const;
  std::string CurrentKeyId() const;

  // The public fingerprint of a key: 8 hex characters.
  static std::string KeyId(std::string_view key);

 private:
  void MaybeReload() const;
  std::vector<std::string> Keys() const;

  mutable std::mutex mu_;
  mutable std::vector<std::string> keys_;
  Reloader reloader_;
};

// Where the master keys come from, first match wins:
//   1. LOGIDATA_MASTER_KEY: one key, or several separated by commas (the first encrypts); each
//      64 hex characters or base64 of 32 bytes;
//   2. `key_file` (--master-key-file, or LOGIDATA_MASTER_KEY_FILE): one key per line, 64 hex
//      characters, the first encrypts; '#' starts a comment; created (mode 0600) if missing;
//   3. `<data_dir>/master.key`, same format, created with mode 0600 on first start.
struct MasterKeySource {
  std::string data_dir;
  std::string key_file;
  // The file that holds the ring (empty when it comes from the environment).
  std::string FilePath() const;
};

Result<std::vector<std::string>> LoadMasterKeys(const MasterKeySource& source);
// A SecretBox over LoadMasterKeys that reloads the ring file when it changes on disk.
Result<std::unique_ptr<SecretBox>> OpenSecretBox(const MasterKeySource& source);
// Reads a key file (one key per line); NotFound when it does not exist.
Result<std::vector<std::string>> ReadKeyFile(const std::string& path);
// Writes keys (hex, one per line) atomically with mode 0600.
Status WriteKeyFile(const std::string& path, const std::vector<std::string>& keys);

// Compatibility: the current master key of `<data_dir>` (or the environment).
Result<std::string> LoadMasterKey(const std::string& data_dir);

}  // namespace logidata
