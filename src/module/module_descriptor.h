// ModuleDescriptor: everything the platform knows about one module — what it is, its ports, the
// JSON Schema of its config (the UI renders forms from it, validation checks against it) and the
// factory that binds a node's config into an Operator. Descriptors are immutable after
// registration and safe to share between threads.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/path_sandbox.h"
#include "module/exec_context.h"
#include "module/operator.h"
#include "types/schema.h"

namespace logidata {

enum class ModuleKind { kExtract, kTransform, kLoad };
std::string_view ModuleKindName(ModuleKind kind);  // "extract", "transform", "load"

struct PortSpec {
  std::string name;         // "in", "out", "left", "right", "rejects"
  std::string description;
  // Only for a module's last input port: it accepts any number of edges (union). At bind time
  // each edge becomes its own port index: declared index, declared index + 1, …
  bool variadic = false;
};

// What a factory gets to bind one node.
struct BindContext {
  std::string node_id;
  const nlohmann::json* config = nullptr;   // already checked against the module's schema
  std::vector<SchemaPtr> input_schemas;     // one per input port, in order (a variadic port
                                            // contributes one entry per incoming edge)
  const ParameterMap* params = nullptr;     // run parameters (":start_date" → "2024-01-01")
  ConnectionResolver* connections = nullptr;  // may be null (validate without connections)
  FileSystem* fs = nullptr;
  std::filesystem::path base_dir;           // relative file paths resolve against this
  // Server mode: the files this organization may touch (null in the CLI, which uses plain paths).
  const PathSandbox* sandbox = nullptr;
  // False during `validate` and in the editor: a factory may skip expensive checks that need
  // data or servers (but must still compute the output schema if it can).
  bool can_touch_data = true;

  const nlohmann::json& cfg() const { return *config; }
  // Resolves the path written at config field `field` ("/path"): through the sandbox when there
  // is one (a refusal is a config error at that field), else against base_dir (absolute paths and
  // URLs are returned as is).
  Result<std::string> ResolvePath(const std::string& path, std::string_view field,
                                  FileAccess access = FileAccess::kRead) const;
};

// A config problem at `json_pointer` inside the node's config ("/expression", "/keys/1").
// The validator turns it into "/nodes/3/config/expression" plus the node id.
Status ConfigError(std::string_view json_pointer, std::string_view message);

using OperatorFactory = std::function<Result<std::unique_ptr<Operator>>(const BindContext&)>;

struct ModuleDescriptor {
  ModuleKind kind = ModuleKind::kTransform;
  std::string name;         // unique within its kind: "csv", "filter", "postgres"
  std::string version = "1.0.0";
  std::string summary;      // one line, starts with a verb: "Reads CSV files."
  std::string description;  // longer help, Markdown
  std::string category;     // palette group: "files", "databases", "rows", "columns", …
  std::string icon;         // UI icon name
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  nlohmann::json config_schema = nlohmann::json::object();  // JSON Schema (draft 2020-12 subset)
  // Every connection type its config may name, as LookupConnection accepts them ({"postgres",
  // "postgresql"}); empty for modules without connections. The server accepts only connection
  // types some module declares (see module/connection_types.h).
  std::vector<std::string> connection_types;
  OperatorFactory factory;

  // "extract.csv"
  std::string key() const { return std::string(ModuleKindName(kind)) + "." + name; }
  // Descriptor as JSON for `modules --json` and the API (everything but the factory).
  nlohmann::json ToJson() const;
};

}  // namespace logidata
