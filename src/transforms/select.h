// transform.select: picks, renames, reorders, drops and casts columns. Either a list of columns
// to keep ({name, as?, type?}, in output order) or a list of columns to exclude. Casts follow the
// expression language's CAST. Immutable after bind; Consume runs concurrently.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor SelectModule();

}  // namespace logidata
