// Shared helpers of the JSON/Excel/XML tests: a registry with this area's modules, fixture files
// in a temp folder, and running extract/load modules through the operator harness.
#pragma once

#include <string>
#include <vector>

#include "formats/json/json_modules.h"
#include "support/file_module_run.h"

namespace logidata::testing {

inline const ModuleRegistry& FormatRegistry() { return RegistryOf<RegisterJsonModules>(); }

// Binds and runs `key` ("extract.json") with `config`; bind or run errors land in status.
inline ExtractResult RunExtract(const std::string& key, const nlohmann::json& config) {
  return RunExtractModule(FormatRegistry(), key, config);
}

// Binds `key` ("load.json") to the schema of `batches` and runs it.
inline Status RunLoad(const std::string& key, const nlohmann::json& config, const std::vector<BatchPtr>& batches,
                      bool commit = true) {
  return RunLoadModule(FormatRegistry(), key, config, batches, commit);
}

}  // namespace logidata::testing
