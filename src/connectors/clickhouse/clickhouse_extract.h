// extract.clickhouse: runs a SELECT on a ClickHouse server over HTTP and streams its result
// (FORMAT TSVWithNamesAndTypes) into batches while the server sends it, so memory stays bounded
// by one batch plus curl's receive buffer, whatever the result's size. The query runs as a
// subquery in an HTTP GET, which ClickHouse executes read-only, so it cannot change data. Types and NULLs come from the result's
// type line (Nullable(T) columns may hold nulls). Produce is called by one thread.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor ClickhouseExtractModule();

}  // namespace logidata
