// Test helpers for the file modules (csv, json, xlsx, xml): a registry holding one area's
// modules, fixture files in a temp folder, and running an extract or load module through the
// operator harness. Header-only; each call stands alone, so tests may run them in parallel.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "module/module_registry.h"
#include "support/operator_harness.h"
#include "support/registry_of.h"
#include "support/test_batches.h"

namespace logidata::testing {

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

struct ExtractRunOptions {
  int threads = 1;
  std::vector<int> required;  // passed to SetRequiredColumns when not empty
  std::string base_dir;       // relative paths resolve against it
};

// Binds `key` ("extract.csv") with `config` and runs it; bind or run errors land in status.
inline ExtractResult RunExtractModule(const ModuleRegistry& registry, const std::string& key,
                                      const nlohmann::json& config, const ExtractRunOptions& run = {}) {
  ExtractResult r;
  auto op = BindModule(registry, key, config, {}, run.base_dir);
  if (!op.ok()) {
    r.status = op.status();
    return r;
  }
  r.schema = (*op)->output_schemas()[0];
  if (!run.required.empty()) (*op)->SetRequiredColumns(run.required);
  HarnessOptions options;
  options.threads = run.threads;
  auto out = RunOperator(**op, {}, options);
  if (!out.ok()) {
    r.status = out.status();
    return r;
  }
  if (!out->empty()) r.batches = (*out)[0];
  return r;
}

// Binds `key` ("load.csv") to the schema of `batches` and runs it; commit=false exercises Abort.
inline Status RunLoadModule(const ModuleRegistry& registry, const std::string& key, const nlohmann::json& config,
                            const std::vector<BatchPtr>& batches, bool commit = true, int threads = 1) {
  if (batches.empty()) return Status::Internal("test needs at least one batch for the schema");
  auto op = BindModule(registry, key, config, {batches.front()->schema()});
  if (!op.ok()) return op.status();
  HarnessOptions options;
  options.commit = commit;
  options.threads = threads;
  auto out = RunOperator(**op, {batches}, options);
  return out.status();
}

}  // namespace logidata::testing
