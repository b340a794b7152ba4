// --log-format, shared by `server` and `worker`: how their own log lines are written — "text"
// (spdlog's readable pattern, the default) or "json" (one object per line, see
// server/json_log_formatter.h). The request log (--access-log) is JSON lines either way.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace logidata {

void AddLogFormatOption(CLI::App* command, std::string* format);

}  // namespace logidata
