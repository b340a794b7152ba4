#include "auth/password_hasher.h"

#include <sodium.h>

#include <cstdlib>

namespace logidata {
namespace {

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

// LOGIDATA_PWHASH_FAST=1 (tests only) trades strength for speed so suites can create many users.
size_t MemLimit() {
  const char* fast = std::getenv("LOGIDATA_PWHASH_FAST");
  return (fast && std::string(fast) == "1") ? crypto_pwhash_MEMLIMIT_MIN * 8 : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}
unsigned long long OpsLimit() {
  const char* fast = std::getenv("LOGIDATA_PWHASH_FAST");
  return (fast && std::string(fast) == "1") ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

}  // namespace

Result<std::string> HashPassword(const std::string& password) {
  if (!InitSodium()) return Status::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), OpsLimit(), MemLimit(),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::ResourceExhausted("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& encoded_hash, const std::string& password) {
  if (!InitSodium() || encoded_hash.empty()) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

Status CheckPasswordPolicy(const std::string& password) {
  if (password.size() < 8) return Status::InvalidArgument("/password: must be at least 8 characters");
  if (password.size() > 1024) return Status::InvalidArgument("/password: must be at most 1024 characters");
  return Status::OK();
}

}  // namespace logidata
