// `logidata validate PIPELINE`: reports every problem with its JSON path and node id.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/table_printer.h"
#include "module/builtin_modules.h"
#include "pipeline/bound_pipeline.h"
#include "pipeline/physical_plan.h"
#include "pipeline/run_pipeline.h"
#include "pipeline/validator.h"

namespace logidata::cli {

namespace {

struct ValidateArgs {
  CommonOptions common;
  bool json = false;
  bool offline = false;
  bool explain = false;
  std::string memory;
};

// The pipeline bound as `run` would bind it (parameters, connections, pushdown), for --explain.
BoundPipeline BindForExplain(const LoadedPipeline& loaded, bool offline) {
  BindOptions bind;
  bind.params = &loaded.params;
  bind.connections = loaded.connections.get();
  bind.base_dir = loaded.base_dir;
  bind.can_touch_data = !offline;
  std::vector<ValidationIssue> ignored;  // already reported by the validation itself
  return BindPipeline(loaded.spec, BuiltinModules(), bind, ignored);
}

// The query each database extractor runs (src/pipeline/pushdown.h), and the nodes whose work runs
// inside it.
nlohmann::json PushdownQueries(const BoundPipeline& bound) {
  nlohmann::json out = nlohmann::json::array();
  for (const BoundNode& node : bound.nodes) {
    if (node.module == nullptr || node.spec == nullptr || node.module->kind != ModuleKind::kExtract) continue;
    const std::string& name = node.module->name;
    if (name != "postgres" && name != "mysql" && name != "sqlite") continue;
    std::string original = node.spec->config.value("query", std::string());
    std::string query = node.config.is_object() ? node.config.value("query", std::string()) : std::string();
    bool pushed = !query.empty() && query != original;
    // Nodes whose work runs inside this query (aggregate pushdown): the chain right after it.
    nlohmann::json absorbed = nlohmann::json::array();
    for (const BoundNode* cur = &node; cur->output_edges.size() == 1 && cur->output_edges[0].size() == 1;) {
      const BoundNode& next = bound.nodes[static_cast<size_t>(bound.edges[static_cast<size_t>(cur->output_edges[0][0])].target_node)];
      if (next.pushed_down_schema == nullptr || next.spec == nullptr) break;
      absorbed.push_back(next.spec->id);
      cur = &next;
    }
    out.push_back({{"node", node.spec->id}, {"module", node.module->key()}, {"pushed_down", pushed},
                   {"query", pushed ? query : (original.empty() ? "SELECT * FROM " + node.spec->config.value("table", std::string()) : original)},
                   {"nodes_in_query", std::move(absorbed)}});
  }
  return out;
}

// The physical plan: each node's share of the memory budget, what it waits for, parked inputs
// and the columns read; or why it cannot be planned, as a string.
nlohmann::json PhysicalPlanFor(const BoundPipeline& bound, int64_t memory_budget_bytes) {
  PhysicalPlanOptions planning;
  planning.memory_budget_bytes = memory_budget_bytes;
  auto physical = PlanPhysical(bound, planning);
  return physical.ok() ? PhysicalPlanToJson(*physical, bound) : nlohmann::json(physical.status().message());
}

void PrintPushdown(const nlohmann::json& queries) {
  for (const auto& e : queries) {
    std::cout << "node '" << e["node"].get<std::string>() << "' (" << e["module"].get<std::string>() << "): "
              << (e["pushed_down"].get<bool>() ? "pushed down: " : "no pushdown: ") << e["query"].get<std::string>();
    if (!e["nodes_in_query"].empty()) {
      std::string ids;
      for (const auto& id : e["nodes_in_query"]) ids += (ids.empty() ? "" : ", ") + id.get<std::string>();
      std::cout << " (runs in the query: " << ids << ")";
    }
    std::cout << std::endl;
  }
}

void PrintPhysicalPlan(const nlohmann::json& plan) {
  if (plan.is_string()) {
    std::cout << "plan: " << plan.get<std::string>() << std::endl;
    return;
  }
  auto joined = [](const nlohmann::json& list) {
    std::string text;
    for (const auto& item : list) text += (text.empty() ? "" : ", ") + item.get<std::string>();
    return text;
  };
  for (const auto& n : plan) {
    std::cout << "plan: node '" << n["node"].get<std::string>() << "' (" << n["module"].get<std::string>() << ")";
    if (n.contains("memory_budget_bytes")) std::cout << ", memory " << FormatBytes(n["memory_budget_bytes"].get<int64_t>());
    if (!n["produces_after"].empty()) std::cout << ", produces after " << joined(n["produces_after"]);
    if (!n["ordered_inputs"].empty()) std::cout << ", ordered input " << joined(n["ordered_inputs"]);
    for (const auto& p : n["parked_inputs"]) {
      std::cout << ", holds input '" << p["input"].get<std::string>() << "' until " << joined(p["held_until"])
                << " finished (" << FormatBytes(p["memory_budget_bytes"].get<int64_t>()) << " in memory, then on disk)";
    }
    if (n.contains("columns_read_by_consumers")) std::cout << ", consumers read " << joined(n["columns_read_by_consumers"]);
    std::cout << std::endl;
  }
}

int Validate(const ValidateArgs& args) {
  auto loaded = LoadForCommand(args.common);
  if (!loaded.ok()) {
    if (args.json) {
      std::cout << nlohmann::json({{"valid", false}, {"issues", {{{"path", ""}, {"message", loaded.status().message()}}}}}).dump(2)
                << std::endl;
    } else {
      PrintError(loaded.status().message());
    }
    return kExitUsage;
  }
  ValidateOptions options;
  options.params = &loaded->params;
  options.connections = loaded->connections.get();
  options.base_dir = loaded->base_dir;
  options.can_touch_data = !args.offline;
  auto issues = ValidatePipeline(loaded->spec, BuiltinModules(), options);
  bool valid = true;
  for (const auto& i : issues) valid &= i.severity != "error";
  auto memory = ParseMemoryOption(args.memory);
  if (!memory.ok()) {
    PrintError(memory.status().message());
    return kExitUsage;
  }
  nlohmann::json explain = nlohmann::json::array();
  nlohmann::json plan = nlohmann::json::array();
  if (args.explain) {
    BoundPipeline bound = BindForExplain(*loaded, args.offline);
    explain = PushdownQueries(bound);
    plan = PhysicalPlanFor(bound, *memory > 0 ? *memory : DefaultMemoryBudget());
  }
  if (args.json) {
    nlohmann::json out = {{"valid", valid}, {"issues", nlohmann::json::array()}};
    for (const auto& i : issues) out["issues"].push_back(i.ToJson());
    if (args.explain) {
      out["explain"] = explain;
      out["plan"] = plan;
    }
    std::cout << out.dump(2) << std::endl;
  } else if (issues.empty()) {
    std::cout << args.common.pipeline_path << ": valid (" << loaded->spec.nodes.size() << " nodes, "
              << loaded->spec.edges.size() << " edges)" << std::endl;
  } else {
    for (const auto& i : issues) std::cout << args.common.pipeline_path << ":" << i.ToString() << std::endl;
    std::cout << issues.size() << " problem" << (issues.size() == 1 ? "" : "s") << std::endl;
  }
  if (args.explain && !args.json) {
    PrintPushdown(explain);
    PrintPhysicalPlan(plan);
  }
  return valid ? kExitOk : kExitFailed;
}

}  // namespace

void AddValidateCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a pipeline file and report every problem");
  AddCommonOptions(cmd, &args->common);
  cmd->add_flag("--json", args->json, "Print the result as JSON");
  cmd->add_flag("--offline", args->offline, "Do not open input files or servers");
  cmd->add_flag("--explain", args->explain,
                "Print the query each database extractor runs, with the filter/select/limit pushed into it, "
                "and the physical plan: each node's memory share, what it waits for, and the columns it reads");
  cmd->add_option("--memory", args->memory, "The memory budget to plan with, as for run (default: half of RAM)");
  cmd->callback([args, exit_code] { *exit_code = Validate(*args); });
}

}  // namespace logidata::cli
