#include "transforms/cleaner.h"
#include "transforms/derive.h"
#include "transforms/filter.h"
#include "transforms/limit.h"
#include "transforms/sample.h"
#include "transforms/select.h"
#include "transforms/transform_modules.h"
#include "transforms/union.h"

namespace logidata {

Status RegisterRowTransforms(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(FilterModule()));
  LD_RETURN_IF_ERROR(registry.Register(SelectModule()));
  LD_RETURN_IF_ERROR(registry.Register(DeriveModule()));
  LD_RETURN_IF_ERROR(registry.Register(CleanerModule()));
  LD_RETURN_IF_ERROR(registry.Register(UnionModule()));
  LD_RETURN_IF_ERROR(registry.Register(LimitModule()));
  LD_RETURN_IF_ERROR(registry.Register(SampleModule()));
  return Status::OK();
}

}  // namespace logidata
