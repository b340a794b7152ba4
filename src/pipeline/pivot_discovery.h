// Pivot value discovery: the first pass a `transform.pivot` with `discover_values` needs, because
// a node's output columns are fixed when the pipeline is bound. Before binding a run, each such
// pivot's upstream part is run once more with an aggregate grouped by the pivot column and a sort
// after it (both spill past the memory budget, so the answer is exact at any budget); the distinct
// non-null values, sorted, become the pivot's `values`. Thread-safety: a pure function of its
// arguments; it runs pipelines with `options` (threads, memory budget, cancellation).
#pragma once

#include "module/module_registry.h"
#include "pipeline/pipeline_spec.h"
#include "pipeline/run_pipeline.h"

namespace logidata {

// A copy of `spec` in which every enabled pivot node with `discover_values` lists the values of
// its column found in the input (and no longer discovers). A pivot with more distinct values
// than its `max_values` is InvalidArgument naming the node; a failing first pass returns its
// error; `failed_node` (optional) then names the pivot. Pivots are discovered in node order, so
// one may follow another discovering pivot that comes earlier in the document.
// With `upstream_of` (a node id), only the pivots that node reads from, directly or not (or the
// node itself), are discovered: what a preview of that node needs.
Result<PipelineSpec> DiscoverPivotValues(const PipelineSpec& spec, const ModuleRegistry& registry, const RunOptions& options,
                                         std::string* failed_node = nullptr, const std::string& upstream_of = "");

}  // namespace logidata
