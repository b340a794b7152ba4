// extract.sqlite: reads a table or a query from an SQLite database file, stepping the statement
// batch by batch (bounded memory). Named parameters (:name) are bound by SQLite itself from the
// run parameters.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor SqliteExtractModule();

}  // namespace logidata
