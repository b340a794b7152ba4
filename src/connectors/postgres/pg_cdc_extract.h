// The change-data-capture mode of extract.postgres (`mode: "cdc"`): an initial snapshot of one
// table, then its inserts, updates and deletes read from a logical replication slot (plugin
// test_decoding, through the SQL functions pg_logical_slot_peek_changes and
// pg_replication_slot_advance — no replication connection needed). Output: the table's columns
// plus `_op` (snapshot | insert | update | delete) and `_lsn` (the change's WAL position).
//
// Consistency: changes are only peeked, never consumed, while the run works; the slot is
// advanced in AfterCommit, i.e. only after every load of the run committed. A run that fails or
// is killed earlier leaves the slot where it was, and the next run reads the same changes again.
// Changes come in whole transactions, in commit order.
//
// One operator per run; Produce runs on one thread (MaxProduceParallelism() == 1).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "module/operator.h"
#include "types/schema.h"

namespace logidata {

inline constexpr char kCdcOpColumn[] = "_op";
inline constexpr char kCdcLsnColumn[] = "_lsn";

struct PgCdcPlan {
  std::string connection;
  std::string table;                       // quoted, for SQL
  std::string schema_name, table_name;     // unquoted, as test_decoding names the table
  std::string slot;
  bool create_slot = true;
  int64_t max_changes = 100'000;           // per run; whole transactions, so a run may read a few more
  int64_t fetch_rows = 50'000;             // rows per output batch
  std::vector<std::string> key_columns;    // the primary key; empty when the table has none
  std::vector<std::string> select_list;    // the snapshot's quoted columns, ::text where needed
  std::vector<uint32_t> decode_oids;       // per table column, after casts
};

// A slot name PostgreSQL accepts: 1–63 of [a-z0-9_].
bool IsValidSlotName(const std::string& slot);

// `table_schema` holds the table's columns; the operator's output adds _op and _lsn.
std::unique_ptr<Operator> MakePgCdcExtract(PgCdcPlan plan, SchemaPtr table_schema);

}  // namespace logidata
