// File module building blocks: the pieces every file extract/load module (csv, json, xlsx, xml)
// repeats in its descriptor — a described schema property, the `path` property, the type
// sampling properties, the closed config object and the descriptor frame — and the one binder
// step they share (the node's config, or {} when bound without one). Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "module/module_descriptor.h"

namespace logidata {

// {"type": type, "title": title, "description": description}.
nlohmann::json SchemaProperty(const char* type, const char* title, const char* description);

// The required `path` property: a non-empty string the editor offers a file picker for.
nlohmann::json FilePathProperty(const char* description);

// Adds `infer_rows` (how many `sampled` — "rows", "records" — of the first file type inference
// reads) and `columns` (type overrides by name; `type_names` lists the accepted types).
void AddTypeSamplingProperties(nlohmann::json& props, const char* sampled, const char* type_names);

// A closed object schema: {"type": "object", title, properties, required, additionalProperties: false}.
nlohmann::json FileModuleConfigSchema(const char* title, nlohmann::json props,
                                      std::initializer_list<const char*> required = {"path"});

// A descriptor in the "files" category with its one port: "out" for an extract module, "in" for
// a load module, described by `port_description`.
ModuleDescriptor FileModuleDescriptor(ModuleKind kind, const char* name, const char* icon, const char* summary,
                                      const char* port_description);

// The node's config, or an empty object when the context carries none.
const nlohmann::json& FileModuleConfig(const BindContext& ctx);

}  // namespace logidata
