#include "transforms/transform_modules.h"
#include "transforms/mask.h"
#include "transforms/pivot.h"
#include "transforms/unpivot.h"
#include "transforms/validate.h"
#include "transforms/window.h"

namespace logidata {

Status RegisterAnalyticTransforms(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(WindowModule()));
  LD_RETURN_IF_ERROR(registry.Register(PivotModule()));
  LD_RETURN_IF_ERROR(registry.Register(UnpivotModule()));
  LD_RETURN_IF_ERROR(registry.Register(MaskModule()));
  LD_RETURN_IF_ERROR(registry.Register(ValidateModule()));
  return Status::OK();
}

}  // namespace logidata
