// The XML module: extract.xml.
#pragma once

#include "module/module_registry.h"

namespace logidata {
Status RegisterXmlModules(ModuleRegistry& registry);
}  // namespace logidata
