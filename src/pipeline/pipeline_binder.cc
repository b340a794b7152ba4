#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "pipeline/bound_pipeline.h"
#include "pipeline/pushdown.h"
#include "transforms/pivot.h"

namespace logidata {

namespace {

ValidationIssue Issue(std::string path, std::string node_id, std::string message, std::string severity = "error") {
  ValidationIssue issue;
  issue.path = std::move(path);
  issue.node_id = std::move(node_id);
  issue.message = std::move(message);
  issue.severity = std::move(severity);
  return issue;
}

// Replaces ${name} in every string of `config` with the parameter's value.
Status SubstituteParams(nlohmann::json& config, const ParameterMap& params, const std::string& path,
                        std::vector<ValidationIssue>& issues, const std::string& node_id) {
  if (config.is_string()) {
    std::string s = config.get<std::string>();
    size_t start = s.find("${");
    if (start == std::string::npos) return Status::OK();
    std::string out;
    size_t pos = 0;
    while (start != std::string::npos) {
      size_t end = s.find('}', start);
      if (end == std::string::npos) break;
      std::string name = s.substr(start + 2, end - start - 2);
      auto it = params.find(name);
      out += s.substr(pos, start - pos);
      if (it == params.end()) {
        issues.push_back(Issue(path, node_id, "unknown parameter '${" + name + "}'"));
        out += s.substr(start, end + 1 - start);
      } else {
        out += it->second;
      }
      pos = end + 1;
      start = s.find("${", pos);
    }
    out += s.substr(pos);
    config = out;
  } else if (config.is_object()) {
    for (auto& [key, value] : config.items()) {
      LD_RETURN_IF_ERROR(SubstituteParams(value, params, path + "/" + key, issues, node_id));
    }
  } else if (config.is_array()) {
    for (size_t i = 0; i < config.size(); ++i) {
      LD_RETURN_IF_ERROR(SubstituteParams(config[i], params, path + "/" + std::to_string(i), issues, node_id));
    }
  }
  return Status::OK();
}

// A factory error "/pointer: message" becomes an issue at the node's config path.
ValidationIssue IssueFromBindError(const Status& status, const std::string& node_path, const std::string& node_id) {
  const std::string& msg = status.message();
  if (!msg.empty() && msg[0] == '/') {
    auto sep = msg.find(": ");
    if (sep != std::string::npos) {
      return Issue(node_path + "/config" + msg.substr(0, sep), node_id, msg.substr(sep + 2));
    }
  }
  return Issue(node_path, node_id, msg);
}

// Marks disabled nodes and everything downstream of them as skipped, with one warning per disabled
// node naming what it takes down with it (so "why did my loader not run?" has an answer).
void MarkSkipped(const PipelineSpec& spec, const std::map<std::string, int>& index_of, BoundPipeline& bound,
                 std::vector<ValidationIssue>& issues) {
  const size_t n = spec.nodes.size();
  std::vector<std::vector<int>> downstream(n);
  for (const EdgeSpec& edge : spec.edges) {
    auto src = index_of.find(edge.source);
    auto dst = index_of.find(edge.target);
    if (src != index_of.end() && dst != index_of.end()) downstream[static_cast<size_t>(src->second)].push_back(dst->second);
  }
  for (size_t i = 0; i < n; ++i) {
    if (!spec.nodes[i].disabled) continue;
    std::vector<bool> seen(n, false);
    std::vector<int> stack = {static_cast<int>(i)};
    std::vector<std::string> taken;
    seen[i] = true;
    while (!stack.empty()) {
      int v = stack.back();
      stack.pop_back();
      bound.nodes[static_cast<size_t>(v)].skipped = true;
      if (v != static_cast<int>(i)) taken.push_back(spec.nodes[static_cast<size_t>(v)].id);
      for (int w : downstream[static_cast<size_t>(v)]) {
        if (!seen[static_cast<size_t>(w)]) {
          seen[static_cast<size_t>(w)] = true;
          stack.push_back(w);
        }
      }
    }
    std::sort(taken.begin(), taken.end());
    std::string message = "node '" + spec.nodes[i].id + "' is disabled: it does not run";
    if (!taken.empty()) {
      message += ", and neither do the nodes downstream of it: ";
      for (size_t k = 0; k < taken.size(); ++k) message += (k ? ", " : "") + taken[k];
    }
    issues.push_back(Issue("/nodes/" + std::to_string(i) + "/disabled", spec.nodes[i].id, message, "warning"));
  }
}

// Calls a module factory, turning a stray exception into an error.
Result<std::unique_ptr<Operator>> CallFactory(const ModuleDescriptor& module, const BindContext& ctx) {
  try {
    return module.factory(ctx);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("module threw: ") + e.what());
  }
}

struct PushedAggregate {
  nlohmann::json config;  // the extractor's, with the aggregate query
  std::unique_ptr<Operator> op;
  std::string query;
};

// Tries `plan`: binds the aggregate over the extractor's columns (as `plain`, the extractor bound
// without it, reports them), binds the extractor again with the aggregate in its query, and keeps
// that only when the database's columns have the names and types of the engine's aggregate. Then
// the filters and the aggregate of the plan are marked as pushed down. nullopt: not pushed (the
// node binds and reports its own errors as usual).
std::optional<PushedAggregate> PushDownAggregate(BoundPipeline& bound, const AggregatePushdownPlan& plan,
                                                 const nlohmann::json& extractor_config, const BindContext& extractor_ctx,
                                                 const ModuleDescriptor& extractor_module, const Operator& plain) {
  if (plain.output_schemas().size() != 1) return std::nullopt;
  const SchemaPtr& input = plain.output_schemas()[0];
  if (input == nullptr || input->num_fields() == 0) return std::nullopt;
  BoundNode& agg_node = bound.nodes[static_cast<size_t>(plan.aggregate)];
  nlohmann::json agg_config = agg_node.spec->config;
  std::vector<ValidationIssue> scratch;
  ValidateJsonSchema(agg_node.module->config_schema, agg_config, "", scratch);
  if (!scratch.empty()) return std::nullopt;
  ApplyJsonSchemaDefaults(agg_node.module->config_schema, agg_config);
  if (!SubstituteParams(agg_config, bound.params, "", scratch, agg_node.spec->id).ok() || !scratch.empty()) return std::nullopt;
  BindContext agg_ctx = extractor_ctx;
  agg_ctx.node_id = agg_node.spec->id;
  agg_ctx.config = &agg_config;
  agg_ctx.input_schemas = {input};
  auto agg_op = CallFactory(*agg_node.module, agg_ctx);
  if (!agg_op.ok() || *agg_op == nullptr || (*agg_op)->output_schemas().size() != 1) return std::nullopt;
  const SchemaPtr output = (*agg_op)->output_schemas()[0];
  auto sql = AggregatePushdownQuery(plan, agg_config, *input, *output);
  if (!sql) return std::nullopt;

  PushedAggregate pushed;
  pushed.config = extractor_config;
  pushed.config["query"] = *sql;
  pushed.config.erase("table");
  pushed.config.erase("schema");
  BindContext ctx = extractor_ctx;
  ctx.config = &pushed.config;
  auto op = CallFactory(extractor_module, ctx);
  if (!op.ok() || *op == nullptr || (*op)->output_schemas().size() != 1) return std::nullopt;
  const Schema& got = *(*op)->output_schemas()[0];
  if (got.num_fields() != output->num_fields()) return std::nullopt;
  for (int f = 0; f < got.num_fields(); ++f) {
    if (got.field(f).name != output->field(f).name || !(got.field(f).type == output->field(f).type)) return std::nullopt;
  }
  pushed.op = std::move(op).value();
  pushed.query = std::move(*sql);
  for (int f : plan.filters) bound.nodes[static_cast<size_t>(f)].pushed_down_schema = output;
  agg_node.pushed_down_schema = output;
  return pushed;
}

}  // namespace

void ApplyJsonSchemaDefaults(const nlohmann::json& schema, nlohmann::json& config) {
  if (!schema.is_object() || !config.is_object()) return;
  auto props = schema.find("properties");
  if (props == schema.end() || !props->is_object()) return;
  for (const auto& [key, sub] : props->items()) {
    if (!sub.is_object()) continue;
    if (!config.contains(key)) {
      if (auto d = sub.find("default"); d != sub.end()) config[key] = *d;
    }
    if (config.contains(key) && config[key].is_object()) ApplyJsonSchemaDefaults(sub, config[key]);
  }
}

BoundPipeline BindPipeline(const PipelineSpec& spec, const ModuleRegistry& registry, const BindOptions& options,
                           std::vector<ValidationIssue>& issues) {
  BoundPipeline bound;
  const size_t n = spec.nodes.size();
  bound.nodes.resize(n);

  // Parameters: declared defaults, then the caller's values.
  for (const auto& p : spec.parameters) {
    if (p.default_value) bound.params[p.name] = *p.default_value;
  }
  if (options.params != nullptr) {
    for (const auto& [k, v] : *options.params) bound.params[k] = v;
  }
  for (const auto& p : spec.parameters) {
    if (bound.params.count(p.name) == 0) {
      issues.push_back(Issue("/parameters/" + p.name, "", "parameter '" + p.name + "' has no default and no value was given"));
    }
  }

  // Nodes: unique ids, known modules.
  std::map<std::string, int> index_of;
  for (size_t i = 0; i < n; ++i) {
    const NodeSpec& node = spec.nodes[i];
    std::string path = "/nodes/" + std::to_string(i);
    bound.nodes[i].spec = &node;
    if (node.id.empty()) continue;  // reported by the parser
    if (!index_of.emplace(node.id, static_cast<int>(i)).second) {
      issues.push_back(Issue(path + "/id", node.id, "duplicate node id '" + node.id + "'"));
    }
    auto module = registry.Find(node.type, node.module);
    if (!module.ok()) {
      issues.push_back(Issue(module.status().message().rfind("unknown node type", 0) == 0 ? path + "/type" : path + "/module",
                             node.id, module.status().message()));
      continue;
    }
    bound.nodes[i].module = *module;
  }
  if (n == 0) issues.push_back(Issue("/nodes", "", "the pipeline has no nodes"));
  MarkSkipped(spec, index_of, bound, issues);
  // With duplicate ids, edges are ambiguous: anything more would only confuse.
  for (const auto& issue : issues) {
    if (issue.message.rfind("duplicate node id", 0) == 0) return bound;
  }

  // Edges: endpoints exist, ports resolve, no duplicates.
  std::vector<std::vector<std::pair<int, int>>> next_port(n);  // per node: used input ports
  std::vector<std::map<int, int>> port_edges(n);               // node -> port -> edge
  std::set<std::tuple<int, int, int, int>> seen;
  for (size_t e = 0; e < spec.edges.size(); ++e) {
    const EdgeSpec& edge = spec.edges[e];
    std::string path = "/edges/" + std::to_string(e);
    auto src = index_of.find(edge.source);
    auto dst = index_of.find(edge.target);
    if (dst != index_of.end() && bound.nodes[static_cast<size_t>(dst->second)].skipped) continue;
    if (src == index_of.end()) {
      issues.push_back(Issue(path + "/source", "", "edge source '" + edge.source + "' is not a node"));
      continue;
    }
    if (dst == index_of.end()) {
      issues.push_back(Issue(path + "/target", "", "edge target '" + edge.target + "' is not a node"));
      continue;
    }
    if (src->second == dst->second) {
      issues.push_back(Issue(path, edge.source, "node '" + edge.source + "' is connected to itself"));
      continue;
    }
    BoundNode& s = bound.nodes[static_cast<size_t>(src->second)];
    BoundNode& t = bound.nodes[static_cast<size_t>(dst->second)];
    if (t.module == nullptr) continue;
    if (s.module == nullptr) {
      // The source's module is unknown (already reported): occupy the target's port so it is not
      // also reported as unconnected.
      auto& used = port_edges[static_cast<size_t>(dst->second)];
      int p = 0;
      for (; p < static_cast<int>(t.module->inputs.size()); ++p) {
        if (!edge.target_port.empty() && t.module->inputs[static_cast<size_t>(p)].name != edge.target_port) continue;
        if (t.module->inputs[static_cast<size_t>(p)].variadic) {
          while (used.count(p)) ++p;
          break;
        }
        if (!used.count(p)) break;
      }
      used[p] = -1;
      continue;
    }
    // Source port.
    int sport = -1;
    if (s.module->outputs.empty() && t.module->kind == ModuleKind::kLoad && t.module->inputs.empty()) {
      bound.order_edges.emplace_back(src->second, dst->second);  // task after loader (see order_edges)
      continue;
    }
    if (s.module->outputs.empty()) {
      issues.push_back(Issue(path, edge.source, "'" + edge.source + "' is a loader (" + s.module->key() +
                                                    ") and has no outputs"));
      continue;
    }
    if (edge.source_port.empty()) {
      sport = 0;
    } else {
      for (size_t p = 0; p < s.module->outputs.size(); ++p) {
        if (s.module->outputs[p].name == edge.source_port) sport = static_cast<int>(p);
      }
      if (sport < 0) {
        issues.push_back(Issue(path + "/source_port", edge.source,
                               "module " + s.module->key() + " has no output port '" + edge.source_port + "'"));
        continue;
      }
    }
    // Target port: named, or the first free one; a variadic last port takes any number.
    const auto& inputs = t.module->inputs;
    if (inputs.empty()) {
      issues.push_back(Issue(path, edge.target, "'" + edge.target + "' is an extractor (" + t.module->key() +
                                                    ") and takes no inputs"));
      continue;
    }
    int declared = -1;
    if (!edge.target_port.empty()) {
      for (size_t p = 0; p < inputs.size(); ++p) {
        if (inputs[p].name == edge.target_port) declared = static_cast<int>(p);
      }
      if (declared < 0) {
        issues.push_back(Issue(path + "/target_port", edge.target,
                               "module " + t.module->key() + " has no input port '" + edge.target_port + "'"));
        continue;
      }
    }
    auto& used = port_edges[static_cast<size_t>(dst->second)];
    int tport = -1;
    const int last = static_cast<int>(inputs.size()) - 1;
    if (declared >= 0 && !inputs[static_cast<size_t>(declared)].variadic) {
      if (used.count(declared)) {
        issues.push_back(Issue(path + "/target_port", edge.target,
                               "input port '" + inputs[static_cast<size_t>(declared)].name + "' of '" + edge.target +
                                   "' already has an edge"));
        continue;
      }
      tport = declared;
    } else {
      for (int p = 0; p <= last; ++p) {
        if (inputs[static_cast<size_t>(p)].variadic) {
          tport = p;
          while (used.count(tport)) ++tport;
          break;
        }
        if (!used.count(p) && declared < 0) {
          tport = p;
          break;
        }
      }
      if (tport < 0) {
        issues.push_back(Issue(path, edge.target, "all input ports of '" + edge.target + "' are already connected"));
        continue;
      }
    }
    auto key = std::make_tuple(src->second, sport, dst->second, tport);
    if (!seen.insert(key).second) {
      issues.push_back(Issue(path, edge.target, "duplicate edge"));
      continue;
    }
    used[tport] = static_cast<int>(bound.edges.size());
    bound.edges.push_back(BoundEdge{src->second, sport, dst->second, tport});
  }

  // Every declared non-variadic input must be connected; variadic ports need at least one edge.
  for (size_t i = 0; i < n; ++i) {
    BoundNode& node = bound.nodes[i];
    if (node.module == nullptr) continue;
    node.output_edges.assign(node.module->outputs.size(), {});
    if (node.skipped) continue;
    const auto& inputs = node.module->inputs;
    auto& used = port_edges[i];
    int total_ports = 0;
    for (size_t p = 0; p < inputs.size(); ++p) {
      if (inputs[p].variadic) {
        int k = static_cast<int>(p);
        while (used.count(k)) ++k;
        if (k == static_cast<int>(p)) {
          issues.push_back(Issue("/nodes/" + std::to_string(i), node.spec->id,
                                 "input '" + inputs[p].name + "' of '" + node.spec->id + "' is not connected"));
        }
        total_ports = k;
      } else {
        if (!used.count(static_cast<int>(p))) {
          issues.push_back(Issue("/nodes/" + std::to_string(i), node.spec->id,
                                 "input '" + inputs[p].name + "' of '" + node.spec->id + "' is not connected"));
        }
        total_ports = static_cast<int>(p) + 1;
      }
    }
    node.input_edges.assign(static_cast<size_t>(total_ports), -1);
    for (auto [port, edge] : used) {
      if (port < total_ports) node.input_edges[static_cast<size_t>(port)] = edge;  // -1: from an unknown module
    }
  }
  for (size_t e = 0; e < bound.edges.size(); ++e) {
    const BoundEdge& edge = bound.edges[e];
    bound.nodes[static_cast<size_t>(edge.source_node)].output_edges[static_cast<size_t>(edge.source_port)].push_back(
        static_cast<int>(e));
  }

  // Topological order (Kahn); whatever remains is on a cycle.
  std::vector<int> indegree(n, 0);
  std::vector<std::pair<int, int>> deps = bound.order_edges;
  for (const auto& edge : bound.edges) deps.emplace_back(edge.source_node, edge.target_node);
  for (const auto& [from, to] : deps) ++indegree[static_cast<size_t>(to)];
  std::vector<int> ready;
  for (size_t i = 0; i < n; ++i) {
    if (indegree[i] == 0) ready.push_back(static_cast<int>(i));
  }
  std::reverse(ready.begin(), ready.end());
  while (!ready.empty()) {
    int v = ready.back();
    ready.pop_back();
    bound.topo_order.push_back(v);
    std::vector<int> next;
    for (const auto& [from, to] : deps) {
      if (from == v && --indegree[static_cast<size_t>(to)] == 0) next.push_back(to);
    }
    std::sort(next.rbegin(), next.rend());
    ready.insert(ready.end(), next.begin(), next.end());
  }
  if (bound.topo_order.size() != n) {
    std::string cycle;
    for (size_t i = 0; i < n; ++i) {
      if (indegree[i] > 0) cycle += (cycle.empty() ? "" : ", ") + spec.nodes[i].id;
    }
    issues.push_back(Issue("/edges", "", "the pipeline has a cycle through: " + cycle));
    return bound;
  }

  // Which nodes to bind: all, or those upstream of the preview targets.
  std::vector<bool> wanted(n, options.only_upstream_of.empty());
  if (!options.only_upstream_of.empty()) {
    std::function<void(int)> mark = [&](int v) {
      if (wanted[static_cast<size_t>(v)]) return;
      wanted[static_cast<size_t>(v)] = true;
      for (const auto& edge : bound.edges) {
        if (edge.target_node == v) mark(edge.source_node);
      }
    };
    for (const auto& id : options.only_upstream_of) {
      auto it = index_of.find(id);
      if (it == index_of.end()) {
        issues.push_back(Issue("", id, "node '" + id + "' does not exist"));
      } else {
        mark(it->second);
      }
    }
  }

  // Bind in topological order: schema check, defaults, parameters, factory.
  for (int v : bound.topo_order) {
    BoundNode& node = bound.nodes[static_cast<size_t>(v)];
    if (!wanted[static_cast<size_t>(v)] || node.module == nullptr) continue;
    const std::string path = "/nodes/" + std::to_string(v);
    const std::string& node_id = node.spec->id;
    if (node.skipped) {
      // Only the disabled node itself has its config: its downstream nodes have no input schemas.
      if (node.spec->disabled) {
        size_t before = issues.size();
        ValidateJsonSchema(node.module->config_schema, node.spec->config, path + "/config", issues);
        for (size_t k = before; k < issues.size(); ++k) issues[k].node_id = node_id;
      }
      continue;
    }
    // Inputs must all be bound.
    bool inputs_ready = true;
    node.input_schemas.clear();
    for (int edge_index : node.input_edges) {
      if (edge_index < 0) {
        inputs_ready = false;
        break;
      }
      const BoundEdge& edge = bound.edges[static_cast<size_t>(edge_index)];
      const BoundNode& upstream = bound.nodes[static_cast<size_t>(edge.source_node)];
      if (upstream.op == nullptr ||
          static_cast<size_t>(edge.source_port) >= upstream.op->output_schemas().size()) {
        inputs_ready = false;
        break;
      }
      node.input_schemas.push_back(upstream.op->output_schemas()[static_cast<size_t>(edge.source_port)]);
    }
    if (!inputs_ready) continue;
    if (node.pushed_down_schema != nullptr) {
      // Its extractor's query already did its work (aggregate pushdown).
      node.config = node.spec->config;
      node.op = MakePushedDownNode(node.pushed_down_schema);
      continue;
    }

    size_t before = issues.size();
    node.config = node.spec->config;
    ValidateJsonSchema(node.module->config_schema, node.config, path + "/config", issues);
    for (size_t k = before; k < issues.size(); ++k) issues[k].node_id = node_id;
    if (issues.size() != before) continue;
    // Offline, a database or API extractor cannot ask for its columns and binds with none: column
    // checks downstream would only report that nothing exists, so they wait for a real validation.
    if (!options.can_touch_data) {
      bool unknown_input = false;
      for (const SchemaPtr& schema : node.input_schemas) unknown_input |= schema->num_fields() == 0;
      if (unknown_input) continue;
    }
    ApplyJsonSchemaDefaults(node.module->config_schema, node.config);
    (void)SubstituteParams(node.config, bound.params, path + "/config", issues, node_id);
    if (issues.size() != before) continue;

    // Optimizer: filter/select/limit right after a database extractor run inside its query, and
    // so does a simple aggregate (below, once the extractor's columns are known). Not in
    // previews: an extractor's preview shows its own rows, not its consumers'.
    std::optional<std::string> pushed;
    const nlohmann::json unpushed_config = node.config;
    if (options.only_upstream_of.empty()) pushed = PushDownIntoExtractor(bound, v, node.config);

    BindContext ctx;
    ctx.node_id = node_id;
    ctx.config = &node.config;
    ctx.input_schemas = node.input_schemas;
    ctx.params = &bound.params;
    ctx.connections = options.connections;
    ctx.fs = options.fs != nullptr ? options.fs : &LocalFileSystem();
    ctx.base_dir = options.base_dir;
    ctx.sandbox = options.sandbox;
    ctx.can_touch_data = options.can_touch_data;
    Result<std::unique_ptr<Operator>> op = Status::Internal("factory did not run");
    try {
      op = node.module->factory(ctx);
    } catch (const std::exception& e) {
      op = Status::Internal(std::string("module threw: ") + e.what());
    }
    if (!op.ok()) {
      issues.push_back(IssueFromBindError(op.status(), path, node_id));
      continue;
    }
    if (*op == nullptr) {
      issues.push_back(Issue(path, node_id, "module " + node.module->key() + " returned no operator"));
      continue;
    }
    if ((*op)->output_schemas().size() != node.module->outputs.size()) {
      issues.push_back(Issue(path, node_id,
                             "internal: module " + node.module->key() + " declared " +
                                 std::to_string(node.module->outputs.size()) + " outputs but bound " +
                                 std::to_string((*op)->output_schemas().size())));
      continue;
    }
    if (node.module->key() == "transform.pivot" && PivotDiscoversValues(node.config)) {
      // Its columns are known only after the run's first pass (pipeline/pivot_discovery.h).
      issues.push_back(Issue(path + "/config/discover_values", node_id,
                             "the values of the pivot column are discovered when the run starts (a first pass over "
                             "the input); the nodes after this pivot are checked then",
                             "warning"));
      continue;
    }
    std::unique_ptr<Operator> bound_op = std::move(op).value();
    if (options.only_upstream_of.empty() && options.can_touch_data) {
      if (auto plan = PlanAggregatePushdown(bound, v, unpushed_config)) {
        if (auto agg = PushDownAggregate(bound, *plan, unpushed_config, ctx, *node.module, *bound_op)) {
          node.config = std::move(agg->config);
          bound_op = std::move(agg->op);
          pushed = std::move(agg->query);
        }
      }
    }
    node.op = pushed ? LogPushdown(std::move(bound_op), *pushed) : std::move(bound_op);
  }
  return bound;
}

}  // namespace logidata
