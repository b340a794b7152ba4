// transform.pivot: turns the rows of each `index` group into one row with one column per listed
// value of `column` (long → wide). Each cell is an aggregate (sum, count, min, max, avg, first) of
// the group's rows holding that value; a group without such rows gets null (count: 0, as SQL
// PIVOT gives). A group whose rows hold only unlisted or null values still gets its row.
//
// The output schema is fixed when the node is bound, so the values are listed in the config, or
// (`discover_values`) found by a first pass over the input that RunPipeline makes before binding
// (pipeline/pivot_discovery.h) and written into the config as a sorted list.
//
// Implementation: every row feeds (Consume, concurrent) an inner transform.aggregate grouped by
// index + column — so pivot runs in parallel and
// spills past the memory budget exactly like aggregate. Produce (one thread) reshapes the
// aggregated rows, one output row per index group in order of its first aggregated row.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor PivotModule();

// True when a pivot config asks for its values to be discovered (and does not list them yet).
bool PivotDiscoversValues(const nlohmann::json& config);
// The most values a discovery may find before the run fails (`max_values`).
int64_t PivotMaxDiscoveredValues(const nlohmann::json& config);

}  // namespace logidata
