// SingleInputTransformDescriptor: the frame every one-input, one-output transform's descriptor
// repeats — kind, name, summary, palette category and icon, and the "in" and "out" ports. The
// module then sets its description, config schema and factory. Pure function; thread-safe.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor SingleInputTransformDescriptor(const char* name, const char* category, const char* icon,
                                                const char* summary, const char* input_description,
                                                const char* output_description);

}  // namespace logidata
