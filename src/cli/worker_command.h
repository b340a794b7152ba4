// `logidata worker`: a queue-mode worker executing queued runs from the PostgreSQL store.
#pragma once

#include <CLI/CLI.hpp>

namespace logidata {

void AddWorkerCommand(CLI::App& app);

}  // namespace logidata
