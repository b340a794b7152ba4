#include "formats/parquet/parquet_modules.h"

namespace logidata {

// Placeholder until the area's modules land.
Status RegisterParquetModules(ModuleRegistry& registry) {
  (void)registry;
  return Status::OK();
}

}  // namespace logidata
