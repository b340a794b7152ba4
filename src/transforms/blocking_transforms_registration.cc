#include "transforms/transform_modules.h"

namespace logidata {

// Placeholder until the area's modules land.
Status RegisterBlockingTransforms(ModuleRegistry& registry) {
  (void)registry;
  return Status::OK();
}

}  // namespace logidata
