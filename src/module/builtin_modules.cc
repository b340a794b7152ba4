#include "module/builtin_modules.h"

#include <cstdio>
#include <cstdlib>

#include "connectors/connector_modules.h"
#include "formats/csv/csv_modules.h"
#include "formats/json/json_modules.h"
#include "formats/parquet/parquet_modules.h"
#include "transforms/transform_modules.h"

namespace logidata {

Status RegisterBuiltinModules(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(RegisterCsvModules(registry));
  LD_RETURN_IF_ERROR(RegisterParquetModules(registry));
  LD_RETURN_IF_ERROR(RegisterJsonModules(registry));
  LD_RETURN_IF_ERROR(RegisterRowTransforms(registry));
  LD_RETURN_IF_ERROR(RegisterBlockingTransforms(registry));
  LD_RETURN_IF_ERROR(RegisterAnalyticTransforms(registry));
  LD_RETURN_IF_ERROR(RegisterConnectorModules(registry));
  return Status::OK();
}

const ModuleRegistry& BuiltinModules() {
  static const ModuleRegistry* registry = [] {
    auto* r = new ModuleRegistry();
    Status st = RegisterBuiltinModules(*r);
    if (!st.ok()) {
      // A broken built-in descriptor is a programming error: fail loudly at start-up.
      std::fprintf(stderr, "module registration failed: %s\n", st.ToString().c_str());
      std::abort();
    }
    return r;
  }();
  return *registry;
}

}  // namespace logidata
