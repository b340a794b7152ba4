// SpillingOperator<State>: the frame shared by the blocking operators that hold per-thread state
// in memory and park it on disk when over ExecContext::memory_budget_bytes (aggregate, hash join,
// sort): Open() takes the budget, the file system and a private spill folder named
// "<spill_prefix>-<node id>"; MakeThreadState() records every thread state so the finish step can
// walk them all.
// Thread-safety: MakeThreadState() may run on several threads at once (the list is locked);
// thread_states_ is read only after the input is finished, as the Operator contract orders.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "module/operator.h"
#include "transforms/spill_file.h"

namespace logidata {

template <typename State>
class SpillingOperator : public Operator {
 public:
  Status Open(ExecContext& ctx) override {
    budget_ = ctx.memory_budget_bytes;
    fs_ = ctx.fs;
    spill_dir_ = std::make_unique<SpillDirectory>(ctx.fs, ctx.spill_dir, spill_prefix_ + "-" + ctx.node_id);
    return Status::OK();
  }

  bool UsesMemoryBudget() const override { return true; }

  std::unique_ptr<OperatorState> MakeThreadState() override {
    std::unique_ptr<State> state = NewThreadState();
    std::lock_guard<std::mutex> lock(thread_states_mu_);
    thread_states_.push_back(state.get());
    return state;
  }

 protected:
  explicit SpillingOperator(std::string spill_prefix) : spill_prefix_(std::move(spill_prefix)) {}

  // A fresh, empty thread state; operators whose states need setting up override it.
  virtual std::unique_ptr<State> NewThreadState() const { return std::make_unique<State>(); }

  int64_t budget_ = 0;
  FileSystem* fs_ = nullptr;
  std::unique_ptr<SpillDirectory> spill_dir_;
  std::vector<State*> thread_states_;  // owned by the executor, alive until the operator is done

 private:
  std::string spill_prefix_;
  std::mutex thread_states_mu_;
};

}  // namespace logidata
