// `logidata modules [--json]`: the module catalogue with config schemas.
#include <iostream>

#include "cli/commands.h"
#include "cli/table_printer.h"
#include "module/builtin_modules.h"

namespace logidata::cli {

void AddModulesCommand(CLI::App& app, int* exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("modules", "List every module with its configuration schema");
  cmd->add_flag("--json", *json, "Print the descriptors (with JSON Schemas) as JSON");
  cmd->callback([json, exit_code] {
    const auto modules = BuiltinModules().All();
    if (*json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto* m : modules) out.push_back(m->ToJson());
      std::cout << out.dump(2) << std::endl;
    } else {
      TablePrinter table({"module", "version", "summary"});
      for (const auto* m : modules) table.AddRow({m->key(), m->version, m->summary});
      table.Print(std::cout, 90);
    }
    *exit_code = kExitOk;
  });
}

}  // namespace logidata::cli
