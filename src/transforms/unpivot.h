// transform.unpivot: turns chosen columns into rows (wide → long). Each input row becomes one row
// per chosen column — the other columns kept, plus `name_column` (the column's name) and
// `value_column` (its value, in the chosen columns' common type). Columns are chosen by a list
// or by a regular expression (RE2, matched against the whole name).
//
// Row-wise and stateless: Consume may run on many threads at once; the rows of one input batch
// come out together, row by row, columns in input order.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor UnpivotModule();

}  // namespace logidata
