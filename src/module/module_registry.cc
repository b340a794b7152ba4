#include "module/module_registry.h"

namespace logidata {

Result<ModuleKind> ParseModuleKind(std::string_view text) {
  if (text == "extract") return ModuleKind::kExtract;
  if (text == "transform") return ModuleKind::kTransform;
  if (text == "load") return ModuleKind::kLoad;
  return Status::InvalidArgument("unknown node type '" + std::string(text) +
                                 "' (expected extract, transform or load)");
}

Status ModuleRegistry::Register(ModuleDescriptor descriptor) {
  const std::string key = descriptor.key();
  if (descriptor.name.empty()) return Status::InvalidArgument("module without a name");
  if (descriptor.summary.empty()) return Status::InvalidArgument(key + ": missing summary");
  if (!descriptor.factory) return Status::InvalidArgument(key + ": missing factory");
  if (!descriptor.config_schema.is_object() || descriptor.config_schema.value("type", "") != "object") {
    return Status::InvalidArgument(key + ": config schema must be a JSON Schema of type object");
  }
  if (descriptor.kind == ModuleKind::kExtract && !descriptor.inputs.empty()) {
    return Status::InvalidArgument(key + ": extractors have no inputs");
  }
  if (descriptor.kind == ModuleKind::kLoad && !descriptor.outputs.empty()) {
    return Status::InvalidArgument(key + ": loaders have no outputs");
  }
  if (modules_.count(key) != 0) return Status::AlreadyExists("module " + key + " registered twice");
  modules_.emplace(key, std::move(descriptor));
  return Status::OK();
}

Result<const ModuleDescriptor*> ModuleRegistry::Find(ModuleKind kind, std::string_view name) const {
  std::string key = std::string(ModuleKindName(kind)) + "." + std::string(name);
  auto it = modules_.find(key);
  if (it != modules_.end()) return &it->second;
  std::string known;
  for (const auto& [k, d] : modules_) {
    if (d.kind != kind) continue;
    if (!known.empty()) known += ", ";
    known += d.name;
  }
  return Status::NotFound("unknown " + std::string(ModuleKindName(kind)) + " module '" + std::string(name) +
                          "'" + (known.empty() ? "" : " (known: " + known + ")"));
}

Result<const ModuleDescriptor*> ModuleRegistry::Find(std::string_view kind, std::string_view name) const {
  LD_ASSIGN_OR_RETURN(ModuleKind k, ParseModuleKind(kind));
  return Find(k, name);
}

std::vector<const ModuleDescriptor*> ModuleRegistry::All() const {
  std::vector<const ModuleDescriptor*> out;
  for (const auto& [k, d] : modules_) out.push_back(&d);
  return out;
}

}  // namespace logidata
