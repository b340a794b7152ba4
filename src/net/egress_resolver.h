// ResolveForEgress: resolves a database host for a client library that connects by itself
// (libpq, MariaDB Connector/C) and checks every address against the egress policy, so the caller
// can connect to an address that was checked rather than to a name that might be rebound between
// the check and the connect. Blocking (getaddrinfo); thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "net/egress_policy.h"

namespace logidata {

// The numeric addresses of `host` ("db.example.com", "10.0.0.5", "[::1]") in resolver order, every
// one allowed by `policy`. Unix-socket hosts ("/var/run/postgresql", "@abstract") and host lists
// ("a,b") are refused; so is a name with any refused address. `what` names the connection in
// errors ("PostgreSQL connection 'warehouse'").
Result<std::vector<std::string>> ResolveForEgress(const std::string& host, int port, const EgressPolicy& policy,
                                                  const std::string& what);

}  // namespace logidata
