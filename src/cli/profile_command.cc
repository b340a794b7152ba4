#include "cli/profile_command.h"

#include <cmath>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/table_printer.h"
#include "module/builtin_modules.h"
#include "pipeline/node_profile.h"
#include "pipeline/node_suggestions.h"
#include "profile/profile_json.h"

namespace logidata::cli {

namespace {

struct ProfileArgs {
  CommonOptions common;
  std::string node;
  int64_t rows = 0;
  int threads = 0;
  bool json = false;
  bool suggest = false;
};

std::string Percent(int64_t part, int64_t whole) {
  if (whole == 0 || part == 0) return "0 %";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

int Profile(const ProfileArgs& args) {
  auto loaded = LoadForCommand(args.common);
  if (!loaded.ok()) {
    PrintError(loaded.status().message());
    return kExitUsage;
  }
  NodeProfileOptions options;
  options.node_id = args.node;
  options.max_rows = args.rows;
  RunOptions run;
  run.params = loaded->params;
  run.base_dir = loaded->base_dir;
  run.connections = loaded->connections.get();
  run.threads = args.threads;
  auto result = ProfileNode(loaded->spec, BuiltinModules(), options, run);
  if (!result.ok()) {
    PrintError(result.status().message());
    return result.status().IsInvalidArgument() || result.status().IsNotFound() ? kExitUsage : kExitFailed;
  }
  std::vector<CheckedSuggestion> suggestions;
  if (args.suggest) {
    ValidateOptions validate;
    validate.params = &loaded->params;
    validate.connections = loaded->connections.get();
    validate.base_dir = loaded->base_dir;
    suggestions = SuggestForNode(loaded->spec, BuiltinModules(), result->profiled_node, result->statistics, validate);
  }
  if (args.json) {
    nlohmann::json out = profile::TableStatisticsToJson(result->statistics, options.profile);
    out["node_id"] = args.node;
    out["profiled_node"] = result->profiled_node;
    out["limited"] = result->limited;
    out["seconds"] = result->seconds;
    if (args.suggest) {
      out["suggestions"] = nlohmann::json::array();
      for (const CheckedSuggestion& s : suggestions) out["suggestions"].push_back(CheckedSuggestionToJson(s));
    }
    std::cout << out.dump(2) << std::endl;
    return kExitOk;
  }
  TablePrinter table({"column", "type", "semantic", "nulls", "empty", "distinct", "min", "max", "median", "top value",
                      "pattern", "pii"},
                     {false, false, false, true, true, true, false, false, false, false, false, false});
  for (const auto& c : result->statistics.columns) {
    std::string semantic = c.semantic_type + (c.format.empty() ? "" : " " + c.format);
    std::string median;
    for (const auto& q : c.quantiles) {
      if (q.q == 0.5) median = q.value;
    }
    std::string top = c.top_values.empty() ? "" : c.top_values[0].value + " ×" + FormatCount(c.top_values[0].count);
    std::string pii = c.pii_kind.empty() ? "" : c.pii_kind + " " + std::to_string(std::lround(c.pii_likelihood * 100)) + " %";
    table.AddRow({c.name, c.type.ToString(), semantic, Percent(c.nulls, c.count), Percent(c.empty, c.count),
                  (c.distinct_exact ? "" : "~") + FormatCount(c.distinct), c.min, c.max, median, top,
                  c.patterns.empty() ? "" : c.patterns[0].value, pii});
  }
  table.Print(std::cout, 24);
  std::cout << "\n" << FormatCount(result->statistics.rows) << " rows of '" << result->profiled_node << "' profiled in "
            << FormatSeconds(result->seconds) << (result->limited ? " (limited by --rows)" : " (all rows)")
            << "; ~ distinct counts are HyperLogLog estimates (±0.81 %), quantiles ±1.65 % in rank\n";
  if (args.suggest) {
    std::cout << "\n" << suggestions.size() << " suggestions, best first (--json gives each node's config):\n";
    int rank = 0;
    for (const CheckedSuggestion& s : suggestions) {
      std::cout << "\n" << ++rank << ". " << s.suggestion.title << "  [" << s.suggestion.module << " '" << s.node_id
                << "', score " << std::lround(s.suggestion.score * 100) << "]\n   " << s.suggestion.reason << "\n";
      for (const ValidationIssue& issue : s.issues) std::cout << "   invalid here: " << issue.ToString() << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddProfileCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ProfileArgs>();
  CLI::App* cmd = app.add_subcommand("profile", "Profile every column of one node's output in one streaming pass");
  AddCommonOptions(cmd, &args->common);
  cmd->add_option("-n,--node", args->node, "Node id")->required();
  cmd->add_option("-r,--rows", args->rows, "Profile at most this many rows (sources stop early); default: all")
      ->check(CLI::PositiveNumber);
  cmd->add_option("-t,--threads", args->threads, "Threads (default: all cores)")->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print every statistic, with its accuracy, as JSON");
  cmd->add_flag("--suggest", args->suggest,
                "Also propose cleaning steps (ranked, with reasons and node configs checked by the validator)");
  cmd->callback([args, exit_code] { *exit_code = Profile(*args); });
}

}  // namespace logidata::cli
