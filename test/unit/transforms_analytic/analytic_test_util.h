// Shared helpers for the analytic-transform tests (window, pivot, unpivot, mask, validate): a
// registry with just these modules and a one-call bind+run in the harness. Reuses the blocking
// tests' batch generators and run modes.
#pragma once

#include "unit/transforms_blocking/blocking_test_util.h"

namespace logidata::testing {

inline const ModuleRegistry& AnalyticRegistry() { return RegistryOf<RegisterAnalyticTransforms>(); }

// The blocking run modes plus eight threads, with and without spilling.
inline std::vector<RunMode> AnalyticModes() {
  std::vector<RunMode> modes = AllModes();
  modes.push_back({"eight-threads", 8, int64_t{1} << 30});
  modes.push_back({"eight-threads-spill", 8, 1});
  return modes;
}

// Binds `key` with `config` over `inputs` and returns every output port's batches (sequence
// order), after checking each batch against its port's schema.
inline Result<std::vector<std::vector<BatchPtr>>> RunAnalyticPorts(const std::string& key, const nlohmann::json& config,
                                                                   const std::vector<BatchPtr>& input, const RunMode& mode) {
  LD_ASSIGN_OR_RETURN(auto op, BindModule(AnalyticRegistry(), key, config, {input.front()->schema()}));
  HarnessOptions options;
  options.threads = mode.threads;
  options.memory_budget_bytes = mode.budget;
  LD_ASSIGN_OR_RETURN(auto out, RunOperator(*op, {input}, options));
  for (size_t p = 0; p < out.size(); ++p) {
    for (const auto& b : out[p]) {
      LD_RETURN_IF_ERROR(b->Validate());
      if (!(*b->schema() == *op->output_schemas()[p])) return Status::Internal("batch schema differs from output schema");
    }
  }
  return out;
}

inline Result<std::vector<BatchPtr>> RunAnalytic(const std::string& key, const nlohmann::json& config,
                                                 const std::vector<BatchPtr>& input, const RunMode& mode) {
  LD_ASSIGN_OR_RETURN(auto out, RunAnalyticPorts(key, config, input, mode));
  if (out.empty()) return std::vector<BatchPtr>{};
  return out[0];
}

// Binds `key` with each case's config and checks each refusal.
inline void ExpectAnalyticBindErrors(const std::string& key, const std::vector<SchemaPtr>& schemas,
                                     const std::vector<BindErrorCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.config.dump());
    ExpectConfigError(BindModule(AnalyticRegistry(), key, c.config, schemas).status(), c.pointer, c.fragment);
  }
}

}  // namespace logidata::testing
