// The explicit list of every built-in module. No static-initialiser registration: adding a module
// means adding its Register call here (or in its area's register function).
#pragma once

#include "module/module_registry.h"

namespace logidata {

// Registers all built-in modules. Fails on duplicate names or incomplete descriptors.
Status RegisterBuiltinModules(ModuleRegistry& registry);

// A process-wide registry filled with the built-in modules on first use. Thread-safe.
const ModuleRegistry& BuiltinModules();

}  // namespace logidata
