// Shared helpers for the blocking-transform tests: a registry with just these modules, a one-call
// bind+run, and random batch generation for cross-checks against naive reference code.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/config_error_check.h"
#include "support/operator_harness.h"
#include "support/registry_of.h"
#include "support/test_batches.h"
#include "transforms/transform_modules.h"
#include "types/column_builder.h"

namespace logidata::testing {

inline const ModuleRegistry& BlockingRegistry() { return RegistryOf<RegisterBlockingTransforms>(); }

// A config the binder must refuse: the error names `pointer` and contains `fragment`.
struct BindErrorCase {
  nlohmann::json config;
  std::string pointer;
  std::string fragment;
};

// Binds `key` against `schemas` with each case's config and checks each refusal.
inline void ExpectBindErrors(const std::string& key, const std::vector<SchemaPtr>& schemas,
                             const std::vector<BindErrorCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.config.dump());
    ExpectConfigError(BindModule(BlockingRegistry(), key, c.config, schemas).status(), c.pointer, c.fragment);
  }
}

// The run modes every operator must agree on.
struct RunMode {
  const char* name;
  int threads;
  int64_t budget;
};
inline const std::vector<RunMode>& AllModes() {
  static const std::vector<RunMode> kModes = {
      {"serial", 1, int64_t{1} << 30}, {"parallel", 2, int64_t{1} << 30}, {"spill", 1, 1}, {"parallel-spill", 2, 1}};
  return kModes;
}

// Binds `key` with `config` and runs it over `inputs` (one vector of batches per port).
inline Result<std::vector<BatchPtr>> RunModule(const std::string& key, const nlohmann::json& config,
                                               const std::vector<std::vector<BatchPtr>>& inputs, const RunMode& mode) {
  std::vector<SchemaPtr> schemas;
  for (const auto& port : inputs) schemas.push_back(port.front()->schema());
  LD_ASSIGN_OR_RETURN(auto op, BindModule(BlockingRegistry(), key, config, schemas));
  HarnessOptions options;
  options.threads = mode.threads;
  options.memory_budget_bytes = mode.budget;
  LD_ASSIGN_OR_RETURN(auto out, RunOperator(*op, inputs, options));
  if (out.empty()) return std::vector<BatchPtr>{};
  for (const auto& b : out[0]) {
    Status st = b->Validate();
    if (!st.ok()) return st;
    if (!(*b->schema() == *op->output_schemas()[0])) return Status::Internal("batch schema differs from output schema");
  }
  return out[0];
}

// Splits `batch` into batches of `rows` rows (several batches exercise merging and ordering).
inline std::vector<BatchPtr> Split(const BatchPtr& batch, int64_t rows) {
  std::vector<BatchPtr> out;
  for (int64_t b = 0; b < batch->num_rows(); b += rows) {
    out.push_back(SliceBatch(*batch, b, std::min(rows, batch->num_rows() - b)));
  }
  if (out.empty()) out.push_back(batch);
  return out;
}

// Random rows: int keys in [0, key_range), some nulls, strings from a small alphabet.
inline BatchPtr RandomBatch(const std::string& spec, int64_t rows, int key_range, uint32_t seed, double null_rate = 0.1) {
  SchemaPtr schema = ParseSchemaSpec(spec);
  std::mt19937 rng(seed);
  std::vector<ColumnPtr> cols;
  for (const auto& f : schema->fields()) {
    ColumnBuilder b(f.type, rows);
    std::uniform_int_distribution<int> key(0, key_range - 1);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int64_t i = 0; i < rows; ++i) {
      if (unit(rng) < null_rate) {
        b.AppendNull();
        continue;
      }
      int k = key(rng);
      switch (f.type.id) {
        case TypeId::kBool: b.AppendBool(k % 2); break;
        case TypeId::kInt32: b.AppendInt32(k - key_range / 2); break;
        case TypeId::kInt64: b.AppendInt64(k - key_range / 2); break;
        case TypeId::kFloat64: b.AppendDouble((k - key_range / 2) * 0.5); break;
        case TypeId::kDecimal: b.AppendDecimal(k * 125); break;
        case TypeId::kDate: b.AppendDate(18000 + k); break;
        case TypeId::kTimestamp: b.AppendTimestamp(int64_t{1700000000000000} + k * int64_t{1000000}); break;
        default: b.AppendString("s" + std::to_string(k)); break;
      }
    }
    cols.push_back(b.Finish());
  }
  return Batch::Make(schema, std::move(cols), rows);
}

}  // namespace logidata::testing
