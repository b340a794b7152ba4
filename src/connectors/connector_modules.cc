#include "connectors/connector_modules.h"

namespace logidata {

// Placeholder until the area's modules land.
Status RegisterConnectorModules(ModuleRegistry& registry) {
  (void)registry;
  return Status::OK();
}

}  // namespace logidata
