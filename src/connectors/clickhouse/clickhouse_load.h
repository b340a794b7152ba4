// load.clickhouse: writes rows into a ClickHouse table over HTTP with one
// `INSERT … FORMAT RowBinary` request per batch, each cell encoded for the target column's own
// ClickHouse type. ClickHouse has no transactions, so every mode fills a staging table
// `<table>__logidata_new` (same structure and engine as the target) and publishes it in Commit():
//   append / upsert: ALTER TABLE target ATTACH PARTITION ID … FROM staging, per partition;
//   replace / truncate: RENAME TABLE target TO old, staging TO target (one statement).
// A failed or cancelled run drops the staging table, so the target is unchanged; a staging table
// left by a killed process is dropped by the next run. Upsert tables are ReplacingMergeTree with
// a `_logidata_version` column (the run's start time in µs); read them with FINAL.
// Consume may run on several threads at once: each thread encodes and sends its own requests.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor ClickhouseLoadModule();

}  // namespace logidata
