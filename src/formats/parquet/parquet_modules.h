// The Parquet modules: `extract.parquet` and `load.parquet`, plus factory functions so other
// areas (the S3 connector) can build the same operators over their own FileSystem. For direct
// use without the executor see parquet_reader.h and parquet_writer.h.
// Registration runs once at start-up; the factories are thread-safe.
#pragma once

#include <memory>

#include "module/module_descriptor.h"
#include "module/module_registry.h"
#include "module/operator.h"

namespace logidata {

// Registers extract.parquet and load.parquet.
Status RegisterParquetModules(ModuleRegistry& registry);

// Binds an extract.parquet / load.parquet node (config as in the descriptors' schemas; file
// access through ctx.fs, falling back to the local disk).
Result<std::unique_ptr<Operator>> MakeParquetExtractOperator(const BindContext& ctx);
Result<std::unique_ptr<Operator>> MakeParquetLoadOperator(const BindContext& ctx);

}  // namespace logidata
