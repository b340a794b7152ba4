// extract.graphql: reads records from a GraphQL API — POSTs a query with variables to the http
// connection's endpoint (its base URL + `path`, default /graphql) with the connection's auth, takes
// the records at a dotted path inside `data` (lists on the way are walked, so
// "orders.edges.node" yields every edge's node) and follows relay cursor pagination. One page per
// Produce call becomes one batch, so memory stays at one page. Retries, timeouts and the egress
// policy are the REST connector's (HttpClient); any `errors` entry fails the run (see
// graphql_pager.h).
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor GraphqlExtractModule();

}  // namespace logidata
