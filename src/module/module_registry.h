// ModuleRegistry: the catalogue of modules, filled once at start-up by explicit Register…()
// calls (see builtin_modules.h) and read-only afterwards, so lookups are thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "module/module_descriptor.h"

namespace logidata {

class ModuleRegistry {
 public:
  // AlreadyExists when kind+name is taken; InvalidArgument when the descriptor is incomplete
  // (no summary, no factory, a config schema that is not an object schema).
  Status Register(ModuleDescriptor descriptor);
  // NotFound lists the modules of that kind.
  Result<const ModuleDescriptor*> Find(ModuleKind kind, std::string_view name) const;
  Result<const ModuleDescriptor*> Find(std::string_view kind, std::string_view name) const;
  std::vector<const ModuleDescriptor*> All() const;

 private:
  std::map<std::string, ModuleDescriptor> modules_;  // by key()
};

Result<ModuleKind> ParseModuleKind(std::string_view text);

}  // namespace logidata
