#include "cli/command_support.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>

#include "connectors/connections_file.h"

namespace logidata::cli {

void AddCommonOptions(CLI::App* command, CommonOptions* options) {
  command->add_option("pipeline", options->pipeline_path, "Pipeline JSON file")->required();
  command->add_option("-p,--param", options->params, "Run parameter NAME=VALUE (repeatable)");
  command->add_option("--connections", options->connections_path,
                      "Connections file (default: $LOGIDATA_CONNECTIONS, else connections.json beside the pipeline)");
}

Result<LoadedPipeline> LoadForCommand(const CommonOptions& options) {
  LoadedPipeline loaded;
  LD_ASSIGN_OR_RETURN(loaded.spec, LoadPipelineFile(options.pipeline_path));
  loaded.base_dir = std::filesystem::absolute(options.pipeline_path).parent_path().string();
  for (const auto& kv : options.params) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--param '" + kv + "' must look like NAME=VALUE");
    }
    loaded.params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  std::string path = options.connections_path;
  if (path.empty()) {
    if (const char* env = std::getenv("LOGIDATA_CONNECTIONS"); env != nullptr && *env != '\0') path = env;
  }
  bool explicit_path = !path.empty();
  if (path.empty()) path = (std::filesystem::path(loaded.base_dir) / "connections.json").string();
  if (explicit_path || std::filesystem::exists(path)) {
    LD_ASSIGN_OR_RETURN(auto resolver, FileConnectionResolver::Open(path));
    loaded.connections = std::move(resolver);
  }
  return loaded;
}

void PrintError(const std::string& message) {
  bool tty = isatty(STDERR_FILENO) != 0;
  std::fprintf(stderr, "%serror:%s %s\n", tty ? "\033[1;31m" : "", tty ? "\033[0m" : "", message.c_str());
}

Result<int64_t> ParseMemoryOption(const std::string& text) {
  if (text.empty()) return int64_t{0};
  size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (...) {
    return Status::InvalidArgument("--memory '" + text + "' is not a size like 512M or 4G");
  }
  std::string unit = text.substr(pos);
  double mul = 1;
  if (unit == "K" || unit == "KB" || unit == "k") mul = 1024.0;
  else if (unit == "M" || unit == "MB" || unit == "m") mul = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB" || unit == "g") mul = 1024.0 * 1024 * 1024;
  else if (!unit.empty() && unit != "B") return Status::InvalidArgument("--memory unit must be K, M or G");
  if (value <= 0) return Status::InvalidArgument("--memory must be positive");
  return static_cast<int64_t>(value * mul);
}

}  // namespace logidata::cli
