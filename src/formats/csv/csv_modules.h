// Registers extract.csv and load.csv.
#pragma once
#include "module/module_registry.h"
namespace logidata {
Status RegisterCsvModules(ModuleRegistry& registry);
}  // namespace logidata
