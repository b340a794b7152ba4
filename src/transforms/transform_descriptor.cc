#include "transforms/transform_descriptor.h"

namespace logidata {

ModuleDescriptor SingleInputTransformDescriptor(const char* name, const char* category, const char* icon,
                                                const char* summary, const char* input_description,
                                                const char* output_description) {
  ModuleDescriptor d;
  d.kind = ModuleKind::kTransform;
  d.name = name;
  d.summary = summary;
  d.category = category;
  d.icon = icon;
  d.inputs = {{"in", input_description}};
  d.outputs = {{"out", output_description}};
  return d;
}

}  // namespace logidata
