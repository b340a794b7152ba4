// Registers extract.parquet and load.parquet.
#pragma once
#include "module/module_registry.h"
namespace logidata {
Status RegisterParquetModules(ModuleRegistry& registry);
}  // namespace logidata
