// The Excel modules: extract.xlsx and load.xlsx.
#pragma once

#include "module/module_registry.h"

namespace logidata {
Status RegisterXlsxModules(ModuleRegistry& registry);
}  // namespace logidata
