// transform.filter: keeps the rows for which a boolean expression is true (NULL counts as false).
// The operator is immutable after bind; Consume runs concurrently on any number of threads.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor FilterModule();

}  // namespace logidata
