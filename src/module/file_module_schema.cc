#include "module/file_module_schema.h"

namespace logidata {

nlohmann::json SchemaProperty(const char* type, const char* title, const char* description) {
  return {{"type", type}, {"title", title}, {"description", description}};
}

nlohmann::json FilePathProperty(const char* description) {
  nlohmann::json p = SchemaProperty("string", "Path", description);
  p["minLength"] = 1;
  p["format"] = "path";
  return p;
}

void AddTypeSamplingProperties(nlohmann::json& props, const char* sampled, const char* type_names) {
  const std::string rows_text = std::string("How many ") + sampled + " of the first file are read to infer column types.";
  props["infer_rows"] = SchemaProperty("integer", "Rows to sample", rows_text.c_str());
  props["infer_rows"]["minimum"] = 1;
  props["infer_rows"]["default"] = 10000;
  const std::string columns_text =
      std::string("Types for some or all columns by name, overriding inference: ") + type_names + ".";
  props["columns"] = SchemaProperty("object", "Column types", columns_text.c_str());
  props["columns"]["additionalProperties"] = {{"type", "string"}};
  props["columns"]["default"] = nlohmann::json::object();
}

nlohmann::json FileModuleConfigSchema(const char* title, nlohmann::json props,
                                      std::initializer_list<const char*> required) {
  nlohmann::json required_names = nlohmann::json::array();
  for (const char* name : required) required_names.push_back(name);
  return {{"type", "object"},
          {"title", title},
          {"properties", std::move(props)},
          {"required", std::move(required_names)},
          {"additionalProperties", false}};
}

ModuleDescriptor FileModuleDescriptor(ModuleKind kind, const char* name, const char* icon, const char* summary,
                                      const char* port_description) {
  ModuleDescriptor d;
  d.kind = kind;
  d.name = name;
  d.summary = summary;
  d.category = "files";
  d.icon = icon;
  if (kind == ModuleKind::kLoad) {
    d.inputs = {{"in", port_description}};
  } else {
    d.outputs = {{"out", port_description}};
  }
  return d;
}

const nlohmann::json& FileModuleConfig(const BindContext& ctx) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  return ctx.config != nullptr ? ctx.cfg() : kEmpty;
}

}  // namespace logidata
