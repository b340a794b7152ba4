#include "formats/json/json_modules.h"

namespace logidata {

// Placeholder until the area's modules land.
Status RegisterJsonModules(ModuleRegistry& registry) {
  (void)registry;
  return Status::OK();
}

}  // namespace logidata
