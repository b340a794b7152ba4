// `logidata profile PIPELINE --node ID [--rows N] [--threads T] [--json]`: profiles every row a
// node emits (or the first N) in one streaming pass — semantic types, nulls, distinct counts,
// quantiles, top values, patterns, outliers and PII — and prints a table or the full JSON.
#pragma once

#include <CLI/CLI.hpp>

namespace logidata::cli {

void AddProfileCommand(CLI::App& app, int* exit_code);

}  // namespace logidata::cli
