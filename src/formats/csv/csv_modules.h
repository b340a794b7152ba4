// The CSV modules: extract.csv (a fast, parallel, SIMD CSV reader) and load.csv (a CSV writer
// with atomic publish). The factories are exposed so other modules (object-store connectors) can
// reuse them over their own FileSystem through BindContext::fs. Thread-safe.
#pragma once

#include <memory>

#include "module/module_descriptor.h"
#include "module/module_registry.h"

namespace logidata {

// Registers extract.csv and load.csv.
Status RegisterCsvModules(ModuleRegistry& registry);

// Binds an extract.csv config: finds the files through ctx.fs, reads the header and a sample of
// the first file and fixes the output schema.
Result<std::unique_ptr<Operator>> MakeCsvExtractOperator(const BindContext& ctx);
// Binds a load.csv config against ctx.input_schemas[0].
Result<std::unique_ptr<Operator>> MakeCsvLoadOperator(const BindContext& ctx);

// The descriptors, for registries that want them individually.
ModuleDescriptor CsvExtractModule();
ModuleDescriptor CsvLoadModule();

}  // namespace logidata
