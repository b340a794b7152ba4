// `logidata preview PIPELINE --node ID`: sample rows of one node plus per-column statistics.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/table_printer.h"
#include "module/builtin_modules.h"
#include "pipeline/run_pipeline.h"

namespace logidata::cli {

namespace {

struct PreviewArgs {
  CommonOptions common;
  std::string node;
  int64_t rows = 20;
  int64_t offset = 0;
  int64_t sample = 10000;
  bool json = false;
};

int Preview(const PreviewArgs& args) {
  auto loaded = LoadForCommand(args.common);
  if (!loaded.ok()) {
    PrintError(loaded.status().message());
    return kExitUsage;
  }
  PreviewOptions preview;
  preview.node_id = args.node;
  preview.limit = args.rows;
  preview.offset = args.offset;
  preview.sample_rows = std::max(args.sample, args.offset + args.rows);
  RunOptions options;
  options.params = loaded->params;
  options.base_dir = loaded->base_dir;
  options.connections = loaded->connections.get();
  auto result = PreviewNode(loaded->spec, BuiltinModules(), preview, options);
  if (!result.ok()) {
    PrintError(result.status().message());
    return result.status().IsInvalidArgument() || result.status().IsNotFound() ? kExitUsage : kExitFailed;
  }
  const Schema& schema = *result->schema;
  if (args.json) {
    nlohmann::json out;
    out["schema"] = nlohmann::json::parse(schema.ToJson());
    out["rows"] = nlohmann::json::array();
    for (const auto& batch : result->rows) {
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        nlohmann::json row = nlohmann::json::array();
        for (const auto& col : batch->columns()) row.push_back(nlohmann::json::parse(col->GetValue(r).ToJson()));
        out["rows"].push_back(std::move(row));
      }
    }
    out["sample_rows"] = result->sample_rows;
    out["profiles"] = nlohmann::json::array();
    for (const auto& p : result->profiles) {
      out["profiles"].push_back({{"name", p.name}, {"type", p.type.ToString()}, {"count", p.count}, {"nulls", p.nulls},
                                 {"distinct_estimate", p.distinct_estimate}, {"min", p.min}, {"max", p.max},
                                 {"histogram", {{"labels", p.histogram_labels}, {"counts", p.histogram_counts}}}});
    }
    std::cout << out.dump(2) << std::endl;
    return kExitOk;
  }
  std::vector<std::string> headers;
  for (const auto& f : schema.fields()) headers.push_back(f.name);
  TablePrinter rows(headers);
  for (const auto& batch : result->rows) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::vector<std::string> cells;
      for (const auto& col : batch->columns()) cells.push_back(col->IsNull(r) ? "NULL" : col->GetValue(r).ToString());
      rows.AddRow(std::move(cells));
    }
  }
  rows.Print(std::cout, 32);
  std::cout << "\n" << FormatCount(result->sample_rows) << " rows sampled in " << FormatSeconds(result->seconds)
            << (result->exhausted ? " (all rows)" : "") << "\n\n";
  TablePrinter stats({"column", "type", "nulls", "distinct", "min", "max"}, {false, false, true, true, false, false});
  for (const auto& p : result->profiles) {
    stats.AddRow({p.name, p.type.ToString(), FormatCount(p.nulls), FormatCount(p.distinct_estimate), p.min, p.max});
  }
  stats.Print(std::cout, 32);
  return kExitOk;
}

}  // namespace

void AddPreviewCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<PreviewArgs>();
  CLI::App* cmd = app.add_subcommand("preview", "Show sample rows and column statistics of one node");
  AddCommonOptions(cmd, &args->common);
  cmd->add_option("-n,--node", args->node, "Node id")->required();
  cmd->add_option("-r,--rows", args->rows, "Rows to show")->check(CLI::PositiveNumber);
  cmd->add_option("--offset", args->offset, "Skip this many rows of the sample")->check(CLI::NonNegativeNumber);
  cmd->add_option("--sample", args->sample, "Rows to sample for statistics")->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print rows and statistics as JSON");
  cmd->callback([args, exit_code] { *exit_code = Preview(*args); });
}

}  // namespace logidata::cli
