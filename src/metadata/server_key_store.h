// The server's own secrets — today the JWT signing key — kept in the server_keys table, encrypted
// under the master key ring. Every server and worker of a deployment reads the same key; it is
// separate from the master key, so rotating the master key re-encrypts it without changing it
// (signed-in users stay signed in), and rotating it does not touch stored credentials.
// Thread-safe (all state is in the database).
#pragma once

#include <string>

#include "auth/secret_box.h"
#include "metadata/database.h"

namespace logidata {

// The 32-byte key `name`; created at random on first use (racing processes agree on one).
Result<std::string> LoadOrCreateServerKey(Database& db, const SecretBox& box, const std::string& name);
// Replaces `name` with a new random key (e.g. the JWT key: every access token is then refused).
Status RegenerateServerKey(Database& db, const SecretBox& box, const std::string& name);

}  // namespace logidata
