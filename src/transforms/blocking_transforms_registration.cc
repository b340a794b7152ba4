#include "transforms/aggregate.h"
#include "transforms/transform_modules.h"

namespace logidata {

Status RegisterBlockingTransforms(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(AggregateModule()));
  return Status::OK();
}

}  // namespace logidata
