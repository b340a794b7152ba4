// load.http: sends rows to an HTTP endpoint or webhook in batches, as a JSON array or NDJSON.
// Rows are spooled to a file in the run's spill folder while the run goes on and sent only in
// Commit(), so a failed run sends nothing; each request retries like extract.http. An endpoint
// cannot be rolled back: if a request fails for good during Commit, the batches before it stay
// delivered and the error says how many rows were sent. Consume may run on several threads (the
// spool is appended under a lock).
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor RestLoadModule();

}  // namespace logidata
