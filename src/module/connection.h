// Connection definitions live outside pipelines (metadata store or a local connections file) and
// are looked up by name at bind and run time. Secrets are resolved (decrypted, or read from the
// environment) only inside the resolver and never written to logs.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace logidata {

class EgressPolicy;

struct ConnectionConfig {
  std::string name;
  std::string type;  // "postgres", "mysql", "sqlite", "http", "s3", …
  std::string host;
  int port = 0;
  std::string database;
  std::string user;
  std::string secret;         // password / token / secret key; plaintext only in memory
  nlohmann::json options = nlohmann::json::object();  // tls mode, region, endpoint, …
  // Where connectors may connect for this connection: set by the resolver of a tenant (server,
  // worker) to its organization's policy, which outlives the configs it resolves; null = anywhere
  // (the CLI with a local connections file). Connectors check the addresses they actually connect to.
  const EgressPolicy* egress = nullptr;
};

// Thread-safe.
class ConnectionResolver {
 public:
  virtual ~ConnectionResolver() = default;
  // NotFound names the connection; never includes secrets in messages.
  virtual Result<ConnectionConfig> Resolve(const std::string& name) = 0;
  // Where work resolved through this resolver may connect when it calls a URL of its own rather
  // than a connection's (a lookup node's absolute URL): the same policy Resolve puts in configs.
  // Null = anywhere (the CLI).
  virtual const EgressPolicy* Egress() { return nullptr; }
};

}  // namespace logidata
