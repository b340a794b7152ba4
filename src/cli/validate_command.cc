// `logidata validate PIPELINE`: reports every problem with its JSON path and node id.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "module/builtin_modules.h"
#include "pipeline/validator.h"

namespace logidata::cli {

namespace {

struct ValidateArgs {
  CommonOptions common;
  bool json = false;
  bool offline = false;
};

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
  if (args.json) {
    nlohmann::json out = {{"valid", valid}, {"issues", nlohmann::json::array()}};
    for (const auto& i : issues) out["issues"].push_back(i.ToJson());
    std::cout << out.dump(2) << std::endl;
  } else if (issues.empty()) {
    std::cout << args.common.pipeline_path << ": valid (" << loaded->spec.nodes.size() << " nodes, "
              << loaded->spec.edges.size() << " edges)" << std::endl;
  } else {
    for (const auto& i : issues) std::cout << args.common.pipeline_path << ":" << i.ToString() << std::endl;
    std::cout << issues.size() << " problem" << (issues.size() == 1 ? "" : "s") << std::endl;
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
  cmd->callback([args, exit_code] { *exit_code = Validate(*args); });
}

}  // namespace logidata::cli
