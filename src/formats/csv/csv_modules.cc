#include "formats/csv/csv_modules.h"

namespace logidata {

// Placeholder until the area's modules land.
Status RegisterCsvModules(ModuleRegistry& registry) {
  (void)registry;
  return Status::OK();
}

}  // namespace logidata
