// Re-encryption of every stored secret with the current key of a SecretBox ring: connection
// secrets, notification URLs and signing secrets, server keys. Rows already under the current key
// are skipped; each row is rewritten only if it still holds the value that was read, so a server
// saving the same row at that moment is never overwritten with stale data. Runs beside live
// servers: they decrypt with either key while the rotation proceeds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/secret_box.h"
#include "metadata/database.h"

namespace logidata {

struct RotationReport {
  int64_t reencrypted = 0;  // rows rewritten under the current key
  int64_t current = 0;      // rows that already were
  int64_t remaining = 0;    // rows still under an older key (changed concurrently); run again
};

Result<RotationReport> ReencryptSecrets(Database& db, const SecretBox& box);

struct SecretCheck {
  int64_t decrypted = 0;        // values the ring decrypts
  int64_t failed = 0;           // values it does not (wrong key, tampered)
  std::string first_failure;    // "connections id=… secret_enc: <reason>" of the first one
  std::vector<std::string> key_ids;  // the key ids the stored values name, sorted, each once
};

// Decrypts every stored secret with `box` and writes nothing: whether this key ring can read a
// store (e.g. one just restored from a backup). With a null `box` only key_ids is filled.
Result<SecretCheck> CheckSecrets(Database& db, const SecretBox* box);

}  // namespace logidata
