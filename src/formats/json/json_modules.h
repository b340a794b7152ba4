// Registers extract/load for JSON and NDJSON.
#pragma once
#include "module/module_registry.h"
namespace logidata {
Status RegisterJsonModules(ModuleRegistry& registry);
}  // namespace logidata
