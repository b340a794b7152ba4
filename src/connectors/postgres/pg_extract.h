// extract.postgres: reads a table or a query from PostgreSQL, streamed with bounded memory —
// binary COPY … TO STDOUT when the query has no parameters, otherwise a binary cursor fetched in
// chunks. Named parameters (:start_date) are bound as real parameters. Incremental mode remembers
// the largest value of a watermark column in the run's StateStore and reads only newer rows.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor PostgresExtractModule();

}  // namespace logidata
