// PgTableScanOperator: the parallel path of extract.postgres for a whole table (no query, no
// parameters, not incremental). The table's heap is split into contiguous page ranges, each read
// with its own binary `COPY (SELECT … WHERE ctid >= '(a,0)' AND ctid < '(b,0)') TO STDOUT` — a TID
// range scan since PostgreSQL 14. Up to `connections` threads call Produce at once, each on its
// own connection; all connections import one exported snapshot (REPEATABLE READ), so together
// they read exactly one consistent state of the table. Range i becomes the batch with sequence i,
// so the table comes out in physical order as the single-stream COPY would give it.
// Thread-safety: Produce is thread-safe (shared state is an atomic range counter); Open and
// Abort follow the Operator contract.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "connectors/postgres/pg_connection.h"
#include "module/operator.h"

namespace logidata {

struct PgTableScanPlan {
  std::string connection;
  std::string table;                      // quoted, maybe schema-qualified
  std::vector<std::string> select_list;   // quoted, with ::text casts where needed
  std::vector<uint32_t> decode_oids;      // per output column, after casts
  int64_t rows_per_range = 50'000;        // target rows per range (and per batch)
  int connections = 4;
};

class PgTableScanOperator final : public Operator {
 public:
  PgTableScanOperator(PgTableScanPlan plan, SchemaPtr schema);

  Status Open(ExecContext& ctx) override;
  std::unique_ptr<OperatorState> MakeThreadState() override;
  Result<bool> Produce(OperatorState* state, Emitter& out) override;
  int MaxProduceParallelism() const override { return plan_.connections; }
  void Abort() override;
  double ProgressFraction() const override;

 private:
  Status ConnectWorker(OperatorState* state);
  std::string RangeSql(int64_t range) const;

  PgTableScanPlan plan_;
  ExecContext* ctx_ = nullptr;
  ConnectionConfig config_;
  // Holds the exported snapshot open until every range has been read.
  std::unique_ptr<PgConnection> snapshot_conn_;
  std::string snapshot_id_;
  int64_t pages_ = 0;
  int64_t pages_per_range_ = 1;
  int64_t ranges_ = 0;
  std::atomic<int64_t> next_range_{0};
  std::atomic<int64_t> ranges_done_{0};
  std::unique_ptr<OperatorState> single_worker_;  // for callers passing no thread state
};

}  // namespace logidata
