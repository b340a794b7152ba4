// EngineBridge: the server's calls into the pipeline engine, turned into JSON for the API —
// document shape checks, validation, previews with column profiles, expression checks, node
// output schemas and the module catalogue. Stateless; thread-safe (the engine calls are).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "module/connection.h"

namespace logidata {

// InvalidArgument "/nodes/0/id: is required; /x: unknown field" when the document's shape is wrong.
Status CheckPipelineShape(const nlohmann::json& doc);

// {valid, issues: [{path, node_id, message, severity}]}; shape errors become issues too.
nlohmann::json ValidatePipelineJson(const nlohmann::json& doc, ConnectionResolver* connections);

// {schema, rows, sample_rows, exhausted, profiles} for `node_id`.
Result<nlohmann::json> PreviewJson(const nlohmann::json& doc, const std::string& node_id, int64_t offset, int64_t limit,
                                   ConnectionResolver* connections, const std::string& base_dir);

// {ok, type, error: {message, line, column}} for `expression` typed against the node's input.
Result<nlohmann::json> CheckExpressionJson(const std::string& expression, const nlohmann::json& doc,
                                           const std::string& node_id, ConnectionResolver* connections);

// {node_id, ports: [{port, schema: [{name, type, nullable}]}]} — the node's output schemas.
Result<nlohmann::json> NodeSchemaJson(const nlohmann::json& doc, const std::string& node_id,
                                      ConnectionResolver* connections);

// {items: [descriptor…]} of every built-in module.
const std::string& ModulesCatalogJson();

}  // namespace logidata
