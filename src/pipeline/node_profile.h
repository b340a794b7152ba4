// Profiling one node of a pipeline: runs the upstream part of the pipeline (loaders never run,
// nothing is published) and profiles every row the node emits, in one streaming pass. Executor
// threads profile the batches they produce into their own TableProfiler, taken from a small pool,
// and the partial profiles are merged at the end, so memory is bounded by the sketches (a few
// per thread), not by the rows. Each call is independent; thread-safe.
#pragma once

#include <string>

#include "module/module_registry.h"
#include "pipeline/pipeline_spec.h"
#include "pipeline/run_pipeline.h"
#include "profile/column_statistics.h"
#include "profile/profile_options.h"

namespace logidata {

struct NodeProfileOptions {
  std::string node_id;
  std::string output_port;  // empty = main output
  // At most this many rows are profiled, and sources stop after about this many (0 = all).
  int64_t max_rows = 0;
  profile::ProfileOptions profile;
};

struct NodeProfile {
  SchemaPtr schema;
  profile::TableStatistics statistics;
  std::string profiled_node;  // the node whose output was profiled (a loader's input node)
  bool limited = false;       // max_rows was reached: the profile covers a prefix of the output
  int partial_profiles = 0;   // how many per-thread profiles were merged
  double seconds = 0;
};

// Fails with NotFound for an unknown node, InvalidArgument for a node with nothing to profile,
// and with the run's error (naming its node) when an upstream node fails.
Result<NodeProfile> ProfileNode(const PipelineSpec& spec, const ModuleRegistry& registry,
                                const NodeProfileOptions& options, const RunOptions& run);

}  // namespace logidata
