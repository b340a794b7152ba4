// ObservedOutput: the output a preview or a profile of one node looks at — the node's own output
// port, or, for a loader (which has no output), the output that feeds it — with the pipeline bound
// only upstream of that node, ready for an Executor that captures the port.
#pragma once

#include <memory>

#include <string>

#include "common/result.h"
#include "module/module_registry.h"
#include "pipeline/bound_pipeline.h"
#include "pipeline/executor.h"
#include "pipeline/run_pipeline.h"

namespace logidata {

struct ObservedOutput {
  // The pipeline as bound: the caller's, or a copy in which the pivots upstream of the node list
  // the values a first pass discovered (pipeline/pivot_discovery.h). `bound` points into it.
  std::unique_ptr<PipelineSpec> discovered;
  BoundPipeline bound;
  int node = -1;  // index of the observed node in the spec and in `bound`
  int port = 0;   // its output port
  SchemaPtr schema;
};

// The binding options of a run: its parameters, connections, files and sandbox, touching data.
BindOptions BindOptionsFor(const RunOptions& options);

// The executor options of a run: a fresh run id unless given (its spill folder is named after
// it), threads, memory budget, connections, files and sandbox, cancellation and observer.
ExecutorOptions ExecutorOptionsFor(const PipelineSpec& spec, const RunOptions& options);

// Binds what observing `node_id`'s output `port_name` (empty: the first) needs. NotFound for an
// unknown node; InvalidArgument naming the node when it is disabled, has no such port, or is a
// loader without input. `purpose` ("preview", "profile") words those errors.
Result<ObservedOutput> BindObservedOutput(const PipelineSpec& spec, const ModuleRegistry& registry,
                                          const RunOptions& options, const std::string& node_id,
                                          const std::string& port_name, const std::string& purpose);

}  // namespace logidata
