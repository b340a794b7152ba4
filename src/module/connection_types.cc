#include "module/connection_types.h"

#include <algorithm>
#include <map>
#include <set>

namespace logidata {

std::string MainConnectionTypeName(const std::string& type) {
  // Second spellings the connectors have always accepted for the same system. They stay valid in
  // stored connections and files; forms offer only the main name.
  static const std::map<std::string, std::string> kAliases = {
      {"postgresql", "postgres"}, {"mariadb", "mysql"}, {"rest", "http"}};
  auto it = kAliases.find(type);
  return it == kAliases.end() ? type : it->second;
}

std::vector<ConnectionTypeInfo> ConnectionTypeCatalog(const std::vector<const ModuleDescriptor*>& modules) {
  struct Entry {
    std::set<std::string> aliases, modules;
  };
  std::map<std::string, Entry> by_type;
  by_type[kSecretConnectionType];
  for (const ModuleDescriptor* m : modules) {
    for (const std::string& type : m->connection_types) {
      const std::string main = MainConnectionTypeName(type);
      Entry& entry = by_type[main];
      if (type != main) entry.aliases.insert(type);
      entry.modules.insert(m->key());
    }
  }
  std::vector<ConnectionTypeInfo> out;
  for (auto& [type, entry] : by_type) {
    out.push_back({type, {entry.aliases.begin(), entry.aliases.end()}, {entry.modules.begin(), entry.modules.end()}});
  }
  return out;
}

std::vector<std::string> AcceptedConnectionTypes(const std::vector<const ModuleDescriptor*>& modules) {
  std::vector<std::string> out;
  for (const ConnectionTypeInfo& info : ConnectionTypeCatalog(modules)) {
    out.push_back(info.type);
    out.insert(out.end(), info.aliases.begin(), info.aliases.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> CanonicalConnectionTypes(const std::vector<const ModuleDescriptor*>& modules) {
  std::vector<std::string> out;
  for (const ConnectionTypeInfo& info : ConnectionTypeCatalog(modules)) out.push_back(info.type);
  return out;
}

}  // namespace logidata
