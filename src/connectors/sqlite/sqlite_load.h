// load.sqlite: writes rows into an SQLite table inside one write transaction (BEGIN IMMEDIATE at
// Open, COMMIT in Commit), so a failed or killed run leaves the file as it was (SQLite's journal
// rolls an interrupted transaction back). Modes: append, truncate (DELETE then insert), upsert
// (INSERT … ON CONFLICT(keys) DO UPDATE), replace (drop and recreate the table from the input
// schema). Consume calls are serialised on the one connection.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor SqliteLoadModule();

}  // namespace logidata
