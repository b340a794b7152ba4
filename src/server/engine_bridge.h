// EngineBridge: the server's calls into the pipeline engine, turned into JSON for the API —
// document shape checks, validation, previews with column profiles, node profiles, expression checks, node
// output schemas and the module catalogue. Stateless; thread-safe (the engine calls are).
#pragma once

#include <atomic>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "io/file_system.h"
#include "io/path_sandbox.h"
#include "module/connection.h"
#include "types/schema.h"

namespace logidata {

// What an engine call may use on behalf of one organization. Server calls always carry the
// organization's sandbox and sandboxed file system, so the editor resolves paths exactly as runs do.
struct EngineScope {
  ConnectionResolver* connections = nullptr;
  const PathSandbox* sandbox = nullptr;
  FileSystem* fs = nullptr;
  std::string base_dir;
  const std::atomic<bool>* cancel = nullptr;  // previews stop early when set (time limit)
};

// InvalidArgument "/nodes/0/id: is required; /x: unknown field" when the document's shape is wrong.
Status CheckPipelineShape(const nlohmann::json& doc);

// {valid, issues: [{path, node_id, message, severity}]}; shape errors become issues too.
nlohmann::json ValidatePipelineJson(const nlohmann::json& doc, const EngineScope& scope);

// {schema, rows, sample_rows, exhausted, profiles} for `node_id`.
Result<nlohmann::json> PreviewJson(const nlohmann::json& doc, const std::string& node_id, int64_t offset, int64_t limit,
                                   const EngineScope& scope);

// {node_id, profiled_node, rows, limited, seconds, columns: [...], accuracy: {...}}: the profile of
// every row `node_id` emits, at most `max_rows` (sources stop after about as many).
Result<nlohmann::json> ProfileJson(const nlohmann::json& doc, const std::string& node_id, int64_t max_rows,
                                   const EngineScope& scope);

// {ok, type, error: {message, line, column}} for `expression` typed against the node's input.
Result<nlohmann::json> CheckExpressionJson(const std::string& expression, const nlohmann::json& doc,
                                           const std::string& node_id, const EngineScope& scope);

// {node_id, ports: [{port, schema: [{name, type, nullable}]}]} — the node's output schemas.
Result<nlohmann::json> NodeSchemaJson(const nlohmann::json& doc, const std::string& node_id,
                                      const EngineScope& scope);

// The schema of the node's main output (port 0) once the pipeline is bound up to it without
// touching data; null when it cannot be bound (an upstream error).
Result<SchemaPtr> NodeOutputSchema(const nlohmann::json& doc, const std::string& node_id, const EngineScope& scope);

// {items: [descriptor…]} of every built-in module.
const std::string& ModulesCatalogJson();

}  // namespace logidata
