// The semi-structured file modules: extract.json / load.json, extract.xlsx / load.xlsx and
// extract.xml. Registration is thread-safe only as the registry is.
#pragma once

#include "module/module_descriptor.h"
#include "module/module_registry.h"

namespace logidata {

// Registers every JSON, Excel and XML module.
Status RegisterJsonModules(ModuleRegistry& registry);

ModuleDescriptor JsonExtractModule();
ModuleDescriptor JsonLoadModule();
Result<std::unique_ptr<Operator>> MakeJsonExtractOperator(const BindContext& ctx);

}  // namespace logidata
