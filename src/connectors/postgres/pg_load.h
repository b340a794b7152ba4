// load.postgres: writes rows into a PostgreSQL table with binary COPY inside one transaction,
// which commits only in Commit() — a failed, cancelled or killed run leaves the table as it was.
// Modes: append, truncate (TRUNCATE + COPY), upsert (COPY into a temporary staging table, then
// INSERT … ON CONFLICT on the key columns), replace (COPY into a new table, then drop the old one
// and rename the new one). Consume may run on several threads: batches are encoded in parallel
// and each is sent as its own COPY on the connection, under the session lock.
// Every load.postgres node of a run with the same connection shares one transaction
// (PgLoadSession), so they publish together; with a run id each writes its ledger row
// (LoadLedger) in that transaction, and a retried run skips what already committed.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor PostgresLoadModule();

}  // namespace logidata
