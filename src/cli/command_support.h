// What the engine subcommands share: reading the pipeline file, --param values, the connections
// file, and printing errors.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "module/connection.h"
#include "module/exec_context.h"
#include "pipeline/pipeline_spec.h"

namespace logidata::cli {

struct CommonOptions {
  std::string pipeline_path;
  std::vector<std::string> params;  // "k=v"
  std::string connections_path;     // default: $LOGIDATA_CONNECTIONS or connections.json beside the pipeline
};

void AddCommonOptions(CLI::App* command, CommonOptions* options);

struct LoadedPipeline {
  PipelineSpec spec;
  ParameterMap params;
  std::string base_dir;  // the pipeline file's folder
  std::unique_ptr<ConnectionResolver> connections;  // null when no connections file exists
};

Result<LoadedPipeline> LoadForCommand(const CommonOptions& options);

// The value of a --memory option ("512M", "4G", a byte count); 0 when empty.
Result<int64_t> ParseMemoryOption(const std::string& text);

// Prints "error: …" in red on a terminal.
void PrintError(const std::string& message);

}  // namespace logidata::cli
