// transform.derive: adds computed columns, evaluated in order so a later expression may use an
// earlier result; a column with an existing name replaces it in place. Immutable after bind;
// Consume runs concurrently.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor DeriveModule();

}  // namespace logidata
