// extract.http: reads records from a REST API — GET or POST with headers, query parameters and
// the connection's auth; follows pagination (page number, offset/limit, cursor from the body,
// Link rel="next" header, or a next-page URL in the body); takes the records at a dotted path,
// flattens nested objects into dotted columns and infers the schema from the first page unless
// columns are given. One page per Produce call, so memory stays bounded. Requests retry on
// network errors, timeouts, 429 and 5xx with backoff and jitter, honouring Retry-After.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor RestExtractModule();

}  // namespace logidata
