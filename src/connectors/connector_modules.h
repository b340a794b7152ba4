// Registers the database, HTTP and object-storage extract/load modules, the sql task and the
// HTTP lookup transform.
#pragma once
#include "module/module_registry.h"
namespace logidata {
Status RegisterConnectorModules(ModuleRegistry& registry);
}  // namespace logidata
