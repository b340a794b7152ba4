// `logidata server`: the platform server (REST API, WebSocket, web UI). See server/server_app.h.
#pragma once

#include <CLI/CLI.hpp>

namespace logidata {

void AddServerCommand(CLI::App& app);

}  // namespace logidata
