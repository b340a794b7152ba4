#include "module/module_descriptor.h"

namespace logidata {

std::string_view ModuleKindName(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kExtract: return "extract";
    case ModuleKind::kTransform: return "transform";
    case ModuleKind::kLoad: return "load";
  }
  return "unknown";
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

Result<std::string> BindContext::ResolvePath(const std::string& path, std::string_view field,
                                             FileAccess access) const {
  if (sandbox != nullptr) {
    Result<std::string> resolved = sandbox->Resolve(path, access);
    if (!resolved.ok()) return ConfigError(field, resolved.status().message());
    return resolved;
  }
  if (path.empty() || path.front() == '/' || path.find("://") != std::string::npos || base_dir.empty()) {
    return path;
  }
  return (base_dir / path).lexically_normal().string();
}

Status ConfigError(std::string_view json_pointer, std::string_view message) {
  std::string msg(json_pointer);
  msg += ": ";
  msg += message;
  return Status::InvalidArgument(std::move(msg));
}

nlohmann::json ModuleDescriptor::ToJson() const {
  auto ports = [](const std::vector<PortSpec>& specs) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : specs) {
      out.push_back({{"name", p.name}, {"description", p.description}, {"variadic", p.variadic}});
    }
    return out;
  };
  return {
      {"key", key()},
      {"kind", std::string(ModuleKindName(kind))},
      {"name", name},
      {"version", version},
      {"summary", summary},
      {"description", description},
      {"category", category},
      {"icon", icon},
      {"inputs", ports(inputs)},
      {"outputs", ports(outputs)},
      {"config_schema", config_schema},
      {"connection_types", connection_types},
  };
}

}  // namespace logidata
