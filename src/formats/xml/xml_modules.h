// The XML modules: extract.xml and load.xml.
#pragma once

#include "module/module_registry.h"

namespace logidata {
Status RegisterXmlModules(ModuleRegistry& registry);
}  // namespace logidata
