// extract.mysql: reads a table or a query from MySQL/MariaDB, streamed row by row from the
// server (a prepared statement fetched without buffering the result), with named run
// parameters (:start_date) bound as real statement parameters.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor MysqlExtractModule();

}  // namespace logidata
