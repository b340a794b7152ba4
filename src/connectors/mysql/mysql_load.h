// load.mysql: writes rows into a MySQL/MariaDB table with multi-row INSERT statements of about
// 1 MiB each (values escaped by the client library for the connection's character set), inside
// one InnoDB transaction that commits in Commit(). Modes: append, truncate (DELETE in the same
// transaction), upsert (INSERT … ON DUPLICATE KEY UPDATE), replace (fill a staging table, then
// swap it in with one atomic RENAME TABLE). MySQL DDL is not transactional: a table created by a
// failed run is dropped again in Abort(), and a replace staging table left by a killed process
// is dropped by the next run. Consume calls encode in parallel and send under a lock.
#pragma once

#include "module/module_descriptor.h"

namespace logidata {

ModuleDescriptor MysqlLoadModule();

}  // namespace logidata
