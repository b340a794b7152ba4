// The engine subcommands of the `logidata` binary. Each Add…Command registers its options and
// callback on the CLI11 app; the callback sets *exit_code.
#pragma once

#include <CLI/CLI.hpp>

namespace logidata::cli {

void AddRunCommand(CLI::App& app, int* exit_code);
void AddValidateCommand(CLI::App& app, int* exit_code);
void AddPreviewCommand(CLI::App& app, int* exit_code);
void AddModulesCommand(CLI::App& app, int* exit_code);
// Starts (and with --wait follows) a run on a server through its API.
void AddTriggerCommand(CLI::App& app, int* exit_code);

// Exit codes shared by the commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;   // the run failed or found problems
inline constexpr int kExitUsage = 2;    // bad arguments, unreadable or invalid pipeline

}  // namespace logidata::cli
