// ParkedInput: the batches of a parked input port (physical_plan.h), held until the ports it waits
// for have finished. In memory up to its share of the run's memory budget; past it, every held
// batch goes to one spill file and so does each later one, so a self-join's waiting side costs
// disk, not memory. Batches come back in arrival order with their sequence numbers (the spill
// format does not keep them), one at a time.
// Thread-safety: none; the executor calls it under the port's mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "transforms/spill_file.h"

namespace logidata {

class ParkedInput {
 public:
  // `spill` makes the file's folder (the node's spill folder) on first use.
  ParkedInput(SpillDirectory* spill, SchemaPtr schema, int64_t memory_limit_bytes)
      : spill_(spill), schema_(std::move(schema)), limit_(memory_limit_bytes) {}

  // Holds `batch`; spills everything held once over the limit. Returns the change in bytes held
  // in memory (negative when it spilled), for the node's memory figure.
  Result<int64_t> Hold(const BatchPtr& batch);

  // Hands every held batch to `deliver`, in arrival order, then releases them (memory and file).
  // Stops at the first error, which it returns.
  Status Release(const std::function<Status(const BatchPtr&)>& deliver);

  int64_t bytes_in_memory() const { return bytes_; }
  bool spilled() const { return writer_ != nullptr || !path_.empty(); }

 private:
  Status SpillHeld();

  SpillDirectory* spill_;
  SchemaPtr schema_;
  int64_t limit_;
  std::vector<BatchPtr> batches_;       // in memory, until spilled
  int64_t bytes_ = 0;
  std::unique_ptr<SpillWriter> writer_;
  std::string path_;
  std::vector<uint64_t> sequences_;     // of the spilled batches, in file order
};

}  // namespace logidata
