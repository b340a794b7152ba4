// FileConnectionResolver: connection definitions for the CLI, read once from a local JSON file:
//
//   {"connections": {
//      "prod-db": {"type": "postgres", "host": "db.internal", "port": 5432, "database": "sales",
//                  "user": "etl", "secret_env": "PROD_DB_PASSWORD", "options": {"sslmode": "require"}},
//      "api":     {"type": "http", "host": "https://api.example.com",
//                  "secret_encrypted": "enc:v1:…"}}}
//
// (the "connections" wrapper is optional). Secrets never sit in the file as plaintext: either
// `secret_env` names an environment variable read at resolve time, or `secret_encrypted` holds an
// AES-256-GCM ciphertext made by EncryptConnectionSecret with the key in LOGIDATA_SECRET_KEY
// (64 hex digits). A plaintext "secret" field is rejected. Thread-safe after construction.
#pragma once

#include <map>
#include <string>

#include "common/result.h"
#include "module/connection.h"

namespace logidata {

class FileConnectionResolver final : public ConnectionResolver {
 public:
  // Reads and checks the file; errors name the file and the connection.
  static Result<std::unique_ptr<FileConnectionResolver>> Open(const std::string& path);
  // Parses a document already in memory (`source` names it in errors).
  static Result<std::unique_ptr<FileConnectionResolver>> FromJson(const nlohmann::json& doc, const std::string& source);

  Result<ConnectionConfig> Resolve(const std::string& name) override;
  // Names of all defined connections, sorted.
  std::vector<std::string> Names() const;

 private:
  struct Entry {
    ConnectionConfig config;  // without the secret
    std::string secret_env;
    std::string secret_encrypted;
  };
  std::string source_;
  std::map<std::string, Entry> entries_;
};

// "enc:v1:<base64(nonce | ciphertext | tag)>" with AES-256-GCM under `key_hex` (64 hex digits).
Result<std::string> EncryptConnectionSecret(const std::string& plaintext, const std::string& key_hex);
Result<std::string> DecryptConnectionSecret(const std::string& encrypted, const std::string& key_hex);

}  // namespace logidata
