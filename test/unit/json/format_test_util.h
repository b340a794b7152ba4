// Shared helpers of the JSON/Excel/XML tests: a registry with this area's modules, fixture files
// in a temp folder, and running extract/load modules through the operator harness.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "formats/json/json_modules.h"
#include "support/operator_harness.h"
#include "support/test_batches.h"

namespace logidata::testing {

inline const ModuleRegistry& FormatRegistry() {
  static const ModuleRegistry* registry = [] {
    auto* r = new ModuleRegistry();
    Status st = RegisterJsonModules(*r);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return r;
  }();
  return *registry;
}

inline std::string WriteFile(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::string path = dir + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return path;
}

inline std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ExtractResult {
  Status status;
  SchemaPtr schema;
  std::vector<BatchPtr> batches;
};

// Binds and runs `key` ("extract.json") with `config`; bind or run errors land in status.
inline ExtractResult RunExtract(const std::string& key, const nlohmann::json& config) {
  ExtractResult r;
  auto op = BindModule(FormatRegistry(), key, config, {});
  if (!op.ok()) {
    r.status = op.status();
    return r;
  }
  r.schema = (*op)->output_schemas()[0];
  auto out = RunOperator(**op, {});
  if (!out.ok()) {
    r.status = out.status();
    return r;
  }
  r.batches = (*out)[0];
  return r;
}

// Binds `key` ("load.json") to the schema of `batches` and runs it.
inline Status RunLoad(const std::string& key, const nlohmann::json& config, const std::vector<BatchPtr>& batches,
                      bool commit = true) {
  auto op = BindModule(FormatRegistry(), key, config, {batches.front()->schema()});
  if (!op.ok()) return op.status();
  HarnessOptions options;
  options.commit = commit;
  auto out = RunOperator(**op, {batches}, options);
  return out.status();
}

}  // namespace logidata::testing
