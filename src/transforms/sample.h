// transform.sample: a seeded random sample of the input, either each row with probability
// `fraction` (Bernoulli) or exactly `n` rows (reservoir). Every row gets a pseudo-random key
// computed from the seed, its batch's sequence number and its position in the batch, so the sample
// is the same however many threads process the batches.
//   fraction: Consume runs concurrently and emits per batch.
//   n:        Consume runs concurrently, each thread keeping its n smallest-key candidates;
//             FinishPort merges them and Produce emits the sample in input order.
#pragma once

#include <cstdint>

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor SampleModule();

// The pseudo-random key of row `row` of the batch numbered `sequence`. Exposed for tests.
uint64_t SampleRowKey(uint64_t seed, uint64_t sequence, uint64_t row);

}  // namespace logidata
