// The connection types the platform can use, derived from the registry: every type some module
// declares in ModuleDescriptor::connection_types, plus `secret` (a named key or secret value that
// transforms such as transform.mask read; no connector opens it). The server refuses any other
// type when a connection is created or changed, and the web page offers exactly this list, so a
// user cannot store a connection nothing can use. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "module/module_descriptor.h"

namespace logidata {

// A type that holds a key or secret value for transforms rather than an address to connect to.
inline constexpr const char* kSecretConnectionType = "secret";

// The main name of a type: "postgresql" → "postgres", "mariadb" → "mysql", "rest" → "http";
// other names are their own main name.
std::string MainConnectionTypeName(const std::string& type);

struct ConnectionTypeInfo {
  std::string type;                  // main name: "postgres"
  std::vector<std::string> aliases;  // other accepted spellings some module declares: "postgresql"
  std::vector<std::string> modules;  // keys of the modules that accept it, sorted
};

// One entry per main name, sorted by it; always includes `secret`.
std::vector<ConnectionTypeInfo> ConnectionTypeCatalog(const std::vector<const ModuleDescriptor*>& modules);

// Every accepted spelling (main names and aliases), sorted.
std::vector<std::string> AcceptedConnectionTypes(const std::vector<const ModuleDescriptor*>& modules);

// Main names only, sorted: what a form offers.
std::vector<std::string> CanonicalConnectionTypes(const std::vector<const ModuleDescriptor*>& modules);

}  // namespace logidata
