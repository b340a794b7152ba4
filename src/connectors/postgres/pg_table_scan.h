// PgTableScanOperator: the parallel path of extract.postgres for a whole table (no query, no
// parameters, not incremental). The table's heap is split into contiguous page ranges, each read
// with its own binary `COPY (SELECT … WHERE ctid >= '(a,0)' AND ctid < '(b,0)') TO STDOUT` — a TID
// range scan since PostgreSQL 14. `connections` reader threads of the operator's own, each on its
// own connection, take ranges in order and decode them; all connections import one exported
// snapshot (REPEATABLE READ), so together they read exactly one consistent state of the table.
// Readers run ahead of the consumer by at most 2 × connections ranges (bounded memory), so the
// server keeps sending while the executor's threads write the batches downstream. Range i
// becomes the batch with sequence i: the table comes out in physical order, like one COPY.
// Thread-safety: Produce may run on several threads (a mutex guards the hand-off); Open and
// Abort follow the Operator contract.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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
  ~PgTableScanOperator() override;

  Status Open(ExecContext& ctx) override;
  Result<bool> Produce(OperatorState* state, Emitter& out) override;
  int MaxProduceParallelism() const override { return plan_.connections; }
  void Abort() override;
  double ProgressFraction() const override;

 private:
  void StartReaders();
  void StopReaders();
  void ReadLoop();
  Result<std::unique_ptr<PgConnection>> ConnectReader();
  Result<BatchPtr> ReadRange(PgConnection& conn, int64_t range) const;
  std::string RangeSql(int64_t range) const;
  void Fail(Status status);

  PgTableScanPlan plan_;
  ExecContext* ctx_ = nullptr;
  ConnectionConfig config_;
  std::string snapshot_id_;
  int64_t pages_ = 0;
  int64_t pages_per_range_ = 1;
  int64_t ranges_ = 0;
  int64_t ahead_ = 8;  // ranges readers may hold beyond the next one to emit

  std::mutex mu_;
  std::condition_variable ready_cv_;  // a batch arrived, or an error, or the end
  std::condition_variable space_cv_;  // the consumer took a batch, or stop
  // Holds the exported snapshot open until every reader has imported it.
  std::unique_ptr<PgConnection> snapshot_conn_;
  int readers_importing_ = 0;
  bool started_ = false;
  bool stop_ = false;
  Status error_;
  int64_t next_read_ = 0;   // next range a reader takes
  int64_t next_emit_ = 0;   // next range Produce hands on
  std::map<int64_t, BatchPtr> ready_;
  std::vector<std::thread> readers_;
  std::atomic<int64_t> ranges_emitted_{0};
};

}  // namespace logidata
