// transform.lookup: enriches each row with values from an HTTP JSON API — geocoding an address,
// fetching a customer's plan, validating a VAT number. The URL (and an optional POST body) is a
// template over the row's columns; the values at `fields` paths in the response become new typed
// columns. Distinct keys are requested once per run while they stay in an LRU cache (duplicates
// wait for the first request instead of sending their own), several keys may share one POST
// (batch_size), one rate limit spaces every request of the node, and the REST connector's client
// does the retries (429, 5xx, timeouts; Retry-After), timeouts and egress checks.
//
// Parallelism: Consume runs concurrently on the executor's threads; each call fetches its batch's
// new keys on up to `concurrency` requests at once, shared by the whole node, so the API never
// sees more than `concurrency` requests in flight. Output batches keep their input's order.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor LookupModule();

}  // namespace logidata
