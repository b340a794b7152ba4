// Registers the transform modules. Row-wise transforms (filter, select, derive, cleaner, union,
// limit, sample) stream batch by batch; blocking transforms (aggregate, join, sort) hold state and
// spill to disk when over their memory budget.
#pragma once
#include "module/module_registry.h"
namespace logidata {
Status RegisterRowTransforms(ModuleRegistry& registry);
Status RegisterBlockingTransforms(ModuleRegistry& registry);
// Analytics and data quality: window, pivot, unpivot, mask, validate.
Status RegisterAnalyticTransforms(ModuleRegistry& registry);
}  // namespace logidata
