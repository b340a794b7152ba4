// transform.pivot: turns the rows of each `index` group into one row with one column per listed
// value of `column` (long → wide). Each cell is an aggregate (sum, count, min, max, avg, first) of
// the group's rows holding that value; a group without such rows gets null (count: 0, as SQL
// PIVOT gives). A group whose rows hold only unlisted or null values still gets its row.
//
// The output schema is fixed when the node is bound, so the values must be listed in the config;
// discovering them would need a pass over the input before binding (see the module description).
//
// Implementation: every row feeds (Consume, concurrent) an inner transform.aggregate grouped by
// index + column — so pivot runs in parallel and
// spills past the memory budget exactly like aggregate. Produce (one thread) reshapes the
// aggregated rows, one output row per index group in order of its first aggregated row.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor PivotModule();

}  // namespace logidata
