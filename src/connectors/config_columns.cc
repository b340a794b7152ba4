#include "connectors/config_columns.h"

#include "module/module_descriptor.h"

namespace logidata {

Result<SchemaPtr> SchemaFromColumnsOption(const nlohmann::json& config) {
  if (!config.contains("columns") || !config["columns"].is_object() || config["columns"].empty()) return SchemaPtr();
  std::vector<Field> fields;
  for (const auto& [name, type] : config["columns"].items()) {
    auto t = DataType::Parse(type.is_string() ? type.get<std::string>() : "");
    if (!t.ok()) return ConfigError("/columns/" + name, t.status().message());
    fields.push_back(Field{name, *t, true});
  }
  return MakeSchema(std::move(fields));
}

}  // namespace logidata
