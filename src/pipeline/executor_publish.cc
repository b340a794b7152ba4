// The commit phase of Executor::Run: loaders publish, then sources confirm their input.
#include <algorithm>

#include "pipeline/executor.h"
#include "pipeline/executor_node_runtime.h"

namespace logidata {

Status Executor::PublishOutputs(RunResult& result) {
  Status status;
  // Publish in topological order. Loaders sharing a transaction publish as one; across
  // systems an earlier publish cannot be taken back, so a failure says which ones landed.
  std::string published;
  for (int v : pipeline_.topo_order) {
    NodeRuntime& n = *nodes_[static_cast<size_t>(v)];
    if (n.op == nullptr) continue;
    Status st = n.op->Commit();
    if (st.ok()) {
      if (n.bound->module->kind != ModuleKind::kLoad) continue;
      published += (published.empty() ? "" : ", ") + n.ctx.node_id;
      result.published.push_back(n.ctx.node_id);
    } else {
      std::string unpublished;
      for (int u : pipeline_.topo_order) {
        const NodeRuntime& m = *nodes_[static_cast<size_t>(u)];
        if (m.op != nullptr && m.bound->module->kind == ModuleKind::kLoad &&
            std::find(result.published.begin(), result.published.end(), m.ctx.node_id) == result.published.end()) {
          unpublished += (unpublished.empty() ? "" : ", ") + m.ctx.node_id;
        }
      }
      st = Status(st.code(), st.message() + " [published: " + (published.empty() ? "none" : published) +
                                 "; not published: " + unpublished + "]");
      status = st.WithContext("node '" + n.ctx.node_id + "' could not publish its output");
      failed_node_ = n.ctx.node_id;
      n.status.store(static_cast<int>(NodeStatus::kFailed));
      std::lock_guard<std::mutex> lock(n.error_mu);
      n.error = st.message();
      break;
    }
  }
  // Sources confirm their input only now that every load is durable (at-least-once input).
  for (int v : pipeline_.topo_order) {
    if (!status.ok()) break;
    NodeRuntime& n = *nodes_[static_cast<size_t>(v)];
    if (n.op == nullptr) continue;
    Status st = n.op->AfterCommit();
    if (!st.ok()) {
      status = st.WithContext("node '" + n.ctx.node_id + "' could not confirm its input after the loads committed "
                              "(the loads are published; the next run reads that input again)");
      failed_node_ = n.ctx.node_id;
    }
  }
  return status;
}

}  // namespace logidata
