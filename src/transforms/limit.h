// transform.limit: passes rows offset … offset+n-1 of its input, in input order. It asks the
// executor for ordered, one-at-a-time delivery (RequiresOrderedInput), so the row count it keeps
// is exact; after the last wanted row it emits nothing more.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor LimitModule();

}  // namespace logidata
