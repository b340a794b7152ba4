// extract.rabbitmq: consumes one RabbitMQ queue (basic.consume with a prefetch window) and turns
// JSON or CSV message bodies into rows, optionally with message metadata columns. A run reads
// until the queue has been idle for `idle_timeout_ms`, or `max_rows` rows, or `max_seconds`.
//
// Delivery: messages are acknowledged in AfterCommit, i.e. only once every load of the run
// committed (at least once); the session stays open until then because acknowledgements must go
// over the channel that received the messages. A run that fails, is cancelled or dies leaves
// every message it took unacknowledged, and the broker delivers them again. With `dedupe`, the
// ids of the last `dedupe_window` messages (AMQP message-id) are kept in the pipeline state, which
// commits with the run and is recorded in database loaders' ledgers: a message whose id was
// already taken — in this run or a committed earlier one — is acknowledged but not loaded again
// (effectively once).
//
// One operator per run; Produce runs on one thread (MaxProduceParallelism() == 1).
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor RabbitmqExtractModule();

}  // namespace logidata
