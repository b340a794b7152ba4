// transform.cleaner: tidies rows in one pass — an ordered list of operations (trim, change case,
// fill nulls, drop rows with nulls, normalise emails and phone numbers) followed by validation
// rules. Rows failing a rule (or holding an invalid email/phone when asked to reject them) go to
// the second output port "rejects" with `_rule` and `_reason` columns. Immutable after bind;
// Consume runs concurrently and emits exactly the rows of each input batch.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor CleanerModule();

}  // namespace logidata
