// transform.union: appends the rows of any number of inputs (UNION ALL). Columns are matched by
// name (missing ones filled with NULL) or by position; types are widened to their common super
// type. Output batches are numbered in arrival order. Immutable after bind apart from an atomic
// counter; Consume runs concurrently on every port.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor UnionModule();

}  // namespace logidata
