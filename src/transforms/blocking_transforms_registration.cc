#include "transforms/aggregate.h"
#include "transforms/dedupe.h"
#include "transforms/hash_join.h"
#include "transforms/sort.h"
#include "transforms/transform_modules.h"

namespace logidata {

Status RegisterBlockingTransforms(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(AggregateModule()));
  LD_RETURN_IF_ERROR(registry.Register(JoinModule()));
  LD_RETURN_IF_ERROR(registry.Register(DedupeModule()));
  LD_RETURN_IF_ERROR(registry.Register(SortModule()));
  return Status::OK();
}

}  // namespace logidata
