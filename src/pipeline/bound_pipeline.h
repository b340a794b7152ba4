// BoundPipeline: a pipeline whose edges are resolved to port indices and whose nodes are bound to
// operators, in topological order. Built by BindPipeline (used by validation, runs and previews);
// owned by one run. Not thread-safe to build; the executor then drives the operators.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "module/module_registry.h"
#include "pipeline/pipeline_spec.h"
#include "pipeline/validator.h"

namespace logidata {

struct BoundEdge {
  int source_node = -1;
  int source_port = 0;
  int target_node = -1;
  int target_port = 0;
};

struct BoundNode {
  const NodeSpec* spec = nullptr;
  const ModuleDescriptor* module = nullptr;
  nlohmann::json config;                        // with defaults applied and ${param} substituted
  std::unique_ptr<Operator> op;                 // null when binding failed or was skipped
  std::vector<SchemaPtr> input_schemas;         // per input port index
  std::vector<int> input_edges;                 // per input port index: edge index
  std::vector<std::vector<int>> output_edges;   // per output port: edge indices
  // Disabled, or downstream of a disabled node: not bound, no edges, never runs (status "skipped").
  bool skipped = false;
  // Set when the node's work runs inside its extractor's query (aggregate pushdown, see
  // pipeline/pushdown.h): the node then passes its input through under this schema.
  SchemaPtr pushed_down_schema;
};

struct BoundPipeline {
  std::vector<BoundNode> nodes;   // same order as spec.nodes
  std::vector<BoundEdge> edges;
  // "After" edges (source node, target node): ordering only, no data. From a loader into a task
  // node (a load-kind module without inputs, such as load.sql), whose Commit then runs after the
  // loader published.
  std::vector<std::pair<int, int>> order_edges;
  std::vector<int> topo_order;    // node indices, sources first
  ParameterMap params;            // spec defaults overridden by the caller's
};

struct BindOptions {
  const ParameterMap* params = nullptr;
  ConnectionResolver* connections = nullptr;
  FileSystem* fs = nullptr;
  std::string base_dir;
  const PathSandbox* sandbox = nullptr;  // server mode; paths resolve through it, not base_dir
  bool can_touch_data = true;
  // Bind only these nodes and what they depend on (preview); empty = all.
  std::vector<std::string> only_upstream_of;
};

// Resolves and binds; appends every problem to `issues`. A disabled node and every node downstream
// of it are skipped: their edges are dropped, they are not bound (a disabled node's config is still
// checked against its schema) and a warning on the disabled node lists what it skips. Nodes downstream of a node that failed to
// bind are left unbound without further (cascading) errors.
BoundPipeline BindPipeline(const PipelineSpec& spec, const ModuleRegistry& registry, const BindOptions& options,
                           std::vector<ValidationIssue>& issues);

// Fills "default" values from the schema's properties into `config` (recursively for objects).
void ApplyJsonSchemaDefaults(const nlohmann::json& schema, nlohmann::json& config);

}  // namespace logidata
