// The options that confine tenant work on this machine — the organizations' files folder, the
// extra roots granted to them, and the internal networks they may reach — shared by `server` and
// `worker`, which must enforce the same rules.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace logidata {

struct TenantConfinementOptions {
  std::string* files_dir;
  std::vector<std::string>* files_roots;
  std::vector<std::string>* allow_egress;
};

void AddTenantConfinementOptions(CLI::App* command, const TenantConfinementOptions& options);

}  // namespace logidata
