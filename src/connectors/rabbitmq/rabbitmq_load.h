// load.rabbitmq: publishes each input row as one message (JSON object or CSV record) to an
// exchange with a fixed routing key or one taken from a column, persistent by default, with
// publisher confirms. Rows are spooled to the run's spill folder while the run goes on and
// published only in Commit(), so a failed run publishes nothing. A queue is not transactional:
// a publish that fails or is killed during Commit leaves the messages confirmed so far in their
// queues. Every message carries a message id — from a column, or `<run id>-<node id>-<row>`,
// identical when the run is retried with the same id — so a consumer deduplicating by id (as
// extract.rabbitmq does) drops what a retry sends again. Consume calls are serialised
// (RequiresOrderedInput), which keeps row numbers stable.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor RabbitmqLoadModule();

}  // namespace logidata
