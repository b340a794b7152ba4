// transform.cleaner: tidies rows in one pass — an ordered list of operations (trim, change case,
// fill nulls, drop rows with nulls, normalise emails and phone numbers) followed by validation
// rules. Rows failing a rule (or holding an invalid email/phone when asked to reject them) go to
// the second output port "rejects" with `_rule` and `_reason` columns; an optional dedupe step
// (transforms/dedupe.h) finally keeps the first or last row per key.
// Without dedupe the operator is immutable after bind and Consume runs concurrently, emitting the
// rows of each input batch at once. With dedupe it asks for ordered, one-at-a-time input
// (RequiresOrderedInput) and, for keep = last, emits the kept rows from Produce.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor CleanerModule();

}  // namespace logidata
