// Test support for the row-transform tests: a registry holding only the row transforms and a
// one-call way to bind a module and run it over input batches with the operator harness.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "module/module_registry.h"
#include "support/config_error_check.h"
#include "support/operator_harness.h"
#include "support/registry_of.h"
#include "support/test_batches.h"
#include "transforms/transform_modules.h"

namespace logidata::testing {

inline const ModuleRegistry& RowRegistry() { return RegistryOf<RegisterRowTransforms>(); }

// Binds `key` with `config` against the schemas of `inputs` (each port's first batch, or
// `schemas` when given) and runs it. Returns every output port's batches in sequence order.
inline Result<std::vector<std::vector<BatchPtr>>> RunModule(const std::string& key, const nlohmann::json& config,
                                                            const std::vector<std::vector<BatchPtr>>& inputs,
                                                            int threads = 1, std::vector<SchemaPtr> schemas = {}) {
  if (schemas.empty()) {
    for (const auto& port : inputs) schemas.push_back(port.at(0)->schema());
  }
  LD_ASSIGN_OR_RETURN(auto op, BindModule(RowRegistry(), key, config, schemas));
  HarnessOptions options;
  options.threads = threads;
  return RunOperator(*op, inputs, options);
}

// Binds only; returns the error or OK.
inline Status BindOnly(const std::string& key, const nlohmann::json& config, std::vector<SchemaPtr> schemas) {
  auto op = BindModule(RowRegistry(), key, config, std::move(schemas));
  return op.ok() ? Status::OK() : op.status();
}

// A config the binder must refuse: the error is InvalidArgument, starts with "<pointer>: " and
// contains `message_part` (empty: any message).
struct BadConfig {
  std::string name;
  nlohmann::json config;
  std::string pointer;
  std::string message_part;
};

// Binds `key` with c.config against `schema` and checks the refusal c describes.
inline void ExpectConfigRefused(const std::string& key, const BadConfig& c, const SchemaPtr& schema) {
  SCOPED_TRACE(c.name);
  ExpectConfigError(BindOnly(key, c.config, {schema}), c.pointer, c.message_part);
}

// Rows of one output port (empty when the port emitted nothing).
inline std::vector<std::vector<std::string>> PortRows(const std::vector<std::vector<BatchPtr>>& out, size_t port) {
  if (port >= out.size()) return {};
  return Rows(out[port]);
}

// `count` batches of `rows` rows each: id (0…), grp (id % 7), amount (float, NULL every 11th),
// name (string with spaces and mixed case, NULL every 13th).
inline std::vector<BatchPtr> GeneratedBatches(int count, int rows) {
  std::vector<BatchPtr> out;
  int64_t id = 0;
  for (int b = 0; b < count; ++b) {
    std::vector<std::vector<std::string>> data;
    for (int r = 0; r < rows; ++r, ++id) {
      data.push_back({std::to_string(id), std::to_string(id % 7), id % 11 == 0 ? "NULL" : std::to_string(id * 1.5),
                      id % 13 == 0 ? "NULL" : "  Name " + std::to_string(id % 100) + "  "});
    }
    out.push_back(MakeBatch("id:int64, grp:int64, amount:float64, name:string", data));
  }
  return out;
}

}  // namespace logidata::testing
