// RunQueueGauges: the store-wide Prometheus gauges of the run queue, read from the metadata store
// at scrape time — runs queued, waiting for a retry and running; the age of the oldest run ready
// to start; running runs whose lease has expired (their executor is gone and no sweep has handed
// them back yet); and the longest-running run. Counters in ServerMetrics are per process; these
// are the same from every server and worker on one store (aggregate them with max, not sum).
// Thread-safe (one query per scrape on the pooled Database).
#pragma once

#include <string>

#include "common/status.h"

namespace logidata {

class Database;

// Appends the gauges in Prometheus text format. When the store does not answer, appends only
// metadata_store_up 0, so the scrape itself still succeeds and shows the outage.
void AppendRunQueueGauges(Database& db, std::string& out);

}  // namespace logidata
