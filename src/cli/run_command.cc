// `logidata run PIPELINE [--param k=v]…`: runs a pipeline with a live progress bar and prints a
// per-node summary. Exit code 0 only on success.
#include <csignal>
#include <filesystem>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "cli/allocator_tuning.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/file_state_store.h"
#include "cli/progress_display.h"
#include "cli/table_printer.h"
#include "module/builtin_modules.h"

namespace logidata::cli {

namespace {

std::atomic<bool> g_cancel{false};

void OnSignal(int) {
  // A second Ctrl-C kills immediately; the first asks the run to stop and clean up.
  if (g_cancel.exchange(true)) std::_Exit(130);
}

struct RunArgs {
  CommonOptions common;
  int threads = 0;
  std::string memory;
  std::string spill_dir;
  std::string log_file;
  std::string log_format = "text";
  bool quiet = false;
  bool json_summary = false;
  std::string state_path;
  std::string run_id;
};

// Printed in the summary so a failed or killed run can be rerun with `--run-id`.
std::string NewRunId() {
  std::random_device rd;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

nlohmann::json SummaryJson(const std::string& run_id, const RunResult& r) {
  nlohmann::json nodes = nlohmann::json::object();
  for (const auto& [id, m] : r.nodes) {
    nodes[id] = {{"status", std::string(NodeStatusName(m.status))},
                 {"rows_in", m.rows_in},
                 {"rows_out", m.rows_out},
                 {"bytes_out", m.bytes_out},
                 {"wall_seconds", m.wall_seconds},
                 {"busy_seconds", m.busy_seconds},
                 {"peak_memory_bytes", m.peak_memory_bytes},
                 {"error", m.error}};
  }
  return {{"status", r.status.ok() ? "succeeded" : r.status.IsCancelled() ? "cancelled" : "failed"},
          {"error", r.status.ok() ? "" : r.status.message()},
          {"failed_node", r.failed_node},
          {"run_id", run_id},
          {"published", r.published},
          {"wall_seconds", r.wall_seconds},
          {"peak_memory_bytes", r.peak_memory_bytes},
          {"nodes", nodes}};
}

int Run(const RunArgs& args) {
  auto loaded = LoadForCommand(args.common);
  if (!loaded.ok()) {
    PrintError(loaded.status().message());
    return kExitUsage;
  }
  auto memory = ParseMemoryOption(args.memory);
  if (!memory.ok()) {
    PrintError(memory.status().message());
    return kExitUsage;
  }
  std::string pipeline_key = loaded->spec.id.empty() ? std::filesystem::path(args.common.pipeline_path).stem().string()
                                                      : loaded->spec.id;
  FileStateStore state(args.state_path.empty()
                           ? (std::filesystem::path(loaded->base_dir) / ".logidata" / (pipeline_key + ".state.json")).string()
                           : args.state_path);
  if (Status st = state.Load(); !st.ok()) {
    PrintError(st.message());
    return kExitUsage;
  }

  std::FILE* log_file = nullptr;
  if (!args.log_file.empty()) {
    log_file = std::fopen(args.log_file.c_str(), "a");
    if (log_file == nullptr) {
      PrintError("cannot open log file '" + args.log_file + "'");
      return kExitUsage;
    }
  }
  ProgressDisplayOptions display_options;
  const std::string run_id = args.run_id.empty() ? NewRunId() : args.run_id;
  display_options.run_id = run_id;
  display_options.live = !args.quiet;
  display_options.json_logs = args.log_format == "json";
  display_options.min_level = args.quiet ? LogLevel::kWarn : LogLevel::kInfo;
  display_options.log_file = log_file;
  for (const auto& node : loaded->spec.nodes) display_options.node_order.push_back(node.id);
  ProgressDisplay display(display_options);

  RunOptions options;
  options.params = loaded->params;
  options.run_id = run_id;
  options.threads = args.threads;
  options.memory_budget_bytes = *memory;
  TuneAllocatorForBudget(*memory > 0 ? *memory : DefaultMemoryBudget());
  options.spill_dir = args.spill_dir;
  options.base_dir = loaded->base_dir;
  options.cancel = &g_cancel;
  options.connections = loaded->connections.get();
  options.state = &state;
  options.observer = &display;
  options.progress_interval_ms = 100;

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  RunResult result = RunPipeline(loaded->spec, BuiltinModules(), options);
  display.Finish();
  if (result.status.ok()) {
    if (Status st = state.Commit(); !st.ok()) PrintError(st.message());
  }
  if (log_file != nullptr) {
    std::fprintf(log_file, "%s\n", SummaryJson(options.run_id, result).dump().c_str());
    std::fclose(log_file);
  }

  if (args.json_summary) {
    std::cout << SummaryJson(options.run_id, result).dump(2) << std::endl;
  } else if (!args.quiet || !result.status.ok()) {
    TablePrinter table({"node", "status", "rows in", "rows out", "time", "busy", "peak mem"},
                       {false, false, true, true, true, true, true});
    for (const auto& node : loaded->spec.nodes) {
      auto it = result.nodes.find(node.id);
      if (it == result.nodes.end()) continue;
      const NodeMetrics& m = it->second;
      table.AddRow({node.id, std::string(NodeStatusName(m.status)), FormatCount(m.rows_in), FormatCount(m.rows_out),
                    FormatSeconds(m.wall_seconds), FormatSeconds(m.busy_seconds),
                    m.peak_memory_bytes > 0 ? FormatBytes(m.peak_memory_bytes) : "-"});
    }
    table.Print(std::cerr);
    std::cerr << (result.status.ok() ? "succeeded" : result.status.IsCancelled() ? "cancelled" : "failed") << " in "
              << FormatSeconds(result.wall_seconds) << ", peak memory " << FormatBytes(result.peak_memory_bytes) << "\n";
  }
  if (!result.status.ok()) {
    PrintError(result.status.message());
    return result.status.IsInvalidArgument() ? kExitUsage : kExitFailed;
  }
  return kExitOk;
}

}  // namespace

void AddRunCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Run a pipeline file");
  AddCommonOptions(cmd, &args->common);
  cmd->add_option("-t,--threads", args->threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--memory", args->memory, "Memory budget for sorts, joins and aggregates, e.g. 2G (default: half of RAM)");
  cmd->add_option("--spill-dir", args->spill_dir, "Folder for spill files (default: system temp)");
  cmd->add_option("--log-file", args->log_file, "Append JSON log lines and the run summary to this file");
  cmd->add_option("--log-format", args->log_format, "Log lines on stderr: text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--run-id", args->run_id,
                  "Run id (default: a new random one). Rerunning a failed or killed run with the same id makes "
                  "database loads exactly-once: loads that already committed are skipped (see the load ledger)");
  cmd->add_option("--state", args->state_path, "State file for incremental loads (default: .logidata/<id>.state.json)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar and no summary unless the run fails");
  cmd->add_flag("--json", args->json_summary, "Print the run summary as JSON on stdout");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace logidata::cli
