// Password hashing with argon2id (libsodium crypto_pwhash_str, interactive limits). The encoded
// hash carries its own salt and parameters. Thread-safe.
#pragma once

#include <string>

#include "common/result.h"

namespace logidata {

Result<std::string> HashPassword(const std::string& password);
bool VerifyPassword(const std::string& encoded_hash, const std::string& password);
// InvalidArgument naming the rule when a password is too weak (length 8–1024).
Status CheckPasswordPolicy(const std::string& password);

}  // namespace logidata
