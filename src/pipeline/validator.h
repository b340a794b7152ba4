// ValidatePipeline: checks a pipeline's meaning and reports every problem at once, each with the
// JSON path and node id it concerns: unknown modules, configs that break the module's JSON Schema,
// dangling or duplicate edges, cycles, loaders with outputs, missing inputs, and — by binding every
// node in topological order — unknown columns and type mismatches. Thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "module/module_registry.h"
#include "pipeline/pipeline_spec.h"

namespace logidata {

struct ValidationIssue {
  std::string path;     // JSON pointer into the document: "/nodes/2/config/expression"
  std::string node_id;  // empty for document-level issues
  std::string message;
  std::string severity = "error";  // error | warning

  nlohmann::json ToJson() const;
  // "/nodes/2/config/expression (node 'flt'): unknown column 'amout'"
  std::string ToString() const;
};

struct ValidateOptions {
  const ParameterMap* params = nullptr;
  ConnectionResolver* connections = nullptr;
  FileSystem* fs = nullptr;         // default: local disk
  std::string base_dir;             // relative paths in configs resolve against it
  const PathSandbox* sandbox = nullptr;  // server mode: the organization's files (use with a sandboxed fs)
  bool can_touch_data = true;       // false: do not open files or servers (editor validation)
};

std::vector<ValidationIssue> ValidatePipeline(const PipelineSpec& spec, const ModuleRegistry& registry,
                                              const ValidateOptions& options = {});

// Checks `value` against a JSON Schema (the subset modules use: type, properties, required,
// additionalProperties, items, enum, const, minimum, maximum, minLength, maxLength, minItems,
// maxItems, pattern, oneOf, anyOf, default). Appends one issue per violation, with paths under
// `path_prefix`.
void ValidateJsonSchema(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path_prefix,
                        std::vector<ValidationIssue>& issues);

}  // namespace logidata
