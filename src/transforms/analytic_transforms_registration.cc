#include "transforms/transform_modules.h"
#include "transforms/window.h"

namespace logidata {

Status RegisterAnalyticTransforms(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(WindowModule()));
  return Status::OK();
}

}  // namespace logidata
