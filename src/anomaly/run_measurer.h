// RunMeasurer: gathers, while a run executes, the column figures (column_measurer.h) of every
// batch that reaches a loader, per loader and column. Memory stays bounded: at most
// kMaxColumnsPerNode columns of each loader are measured (the first ones of its input), each in
// a few KiB.
// Thread-safe: executor threads call Add concurrently (one lock per loader, held for one batch).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "anomaly/column_measurer.h"
#include "anomaly/run_measurements.h"
#include "types/batch.h"

namespace logidata::anomaly {

class RunMeasurer {
 public:
  static constexpr int kMaxColumnsPerNode = 32;

  // Measures `batch`, an input batch of loader `node_id`.
  void Add(const std::string& node_id, const Batch& batch);

  // Sets the column metrics of every loader measured so far in `run`.
  void Report(RunMeasurements* run) const;

 private:
  struct NodeColumns {
    std::mutex mu;
    std::vector<std::string> names;          // in input order, at most kMaxColumnsPerNode
    std::vector<ColumnMeasurer> measurers;   // parallel to names
  };
  NodeColumns& ColumnsOf(const std::string& node_id);

  mutable std::mutex mu_;  // guards nodes_ (the map, not the entries)
  std::map<std::string, std::unique_ptr<NodeColumns>> nodes_;
};

}  // namespace logidata::anomaly
