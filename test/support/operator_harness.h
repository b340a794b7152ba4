// OperatorHarness: drives one operator through the lifecycle in src/module/operator.h the way the
// executor does — thread states, concurrent Consume, ports finished in dependency order, Produce,
// Commit — so module tests exercise the real contract without a whole pipeline.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "module/module_registry.h"
#include "module/operator.h"

namespace logidata::testing {

struct HarnessOptions {
  int threads = 1;                 // > 1: Consume/Produce run concurrently on this many threads
  int64_t memory_budget_bytes = int64_t{1} << 30;
  std::string spill_dir;           // default: a fresh temp dir
  ParameterMap params;
  ConnectionResolver* connections = nullptr;
  StateStore* state = nullptr;
  bool commit = true;              // false: call Abort() instead of Commit() at the end
  RunLogger* logger = nullptr;     // receives the operator's run log lines
  bool evolve_target_columns = false;  // ExecContext::evolve_target_columns (schema_drift: evolve)
};

// Binds module `key` ("transform.filter") with `config` and the input schemas, like the
// validator does. `base_dir` resolves relative paths.
Result<std::unique_ptr<Operator>> BindModule(const ModuleRegistry& registry, const std::string& key,
                                             const nlohmann::json& config, std::vector<SchemaPtr> input_schemas,
                                             const std::string& base_dir = "");

// Feeds `inputs[port]` (batches numbered 0, 1, … per port) and returns every output port's
// batches, sorted by sequence. Errors from any call are returned as is.
Result<std::vector<std::vector<BatchPtr>>> RunOperator(Operator& op, const std::vector<std::vector<BatchPtr>>& inputs,
                                                       const HarnessOptions& options = {});

}  // namespace logidata::testing
