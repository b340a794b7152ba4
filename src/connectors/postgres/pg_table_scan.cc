#include "connectors/postgres/pg_table_scan.h"

#include <algorithm>
#include <chrono>

#include "connectors/connection_lookup.h"
#include "connectors/postgres/pg_copy_decoder.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

constexpr const char* kContext = "extract.postgres";
constexpr int64_t kSamplePages = 32;
// How often a waiting Produce looks at cancellation.
constexpr auto kCancelPoll = std::chrono::milliseconds(100);

}  // namespace

PgTableScanOperator::PgTableScanOperator(PgTableScanPlan plan, SchemaPtr schema) : plan_(std::move(plan)) {
  output_schemas_.push_back(std::move(schema));
  ahead_ = 2 * static_cast<int64_t>(plan_.connections);
}

PgTableScanOperator::~PgTableScanOperator() { StopReaders(); }

Status PgTableScanOperator::Open(ExecContext& ctx) {
  ctx_ = &ctx;
  LD_ASSIGN_OR_RETURN(config_, LookupConnection(ctx.connections, plan_.connection, {"postgres", "postgresql"}));
  LD_ASSIGN_OR_RETURN(snapshot_conn_, PgConnection::Connect(config_));
  snapshot_conn_->CancelWhen(ctx.cancelled);
  LD_RETURN_IF_ERROR(snapshot_conn_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  // The snapshot is taken by this first statement, so every row it can see lies in a page below
  // the size measured here.
  LD_ASSIGN_OR_RETURN(PgResultPtr r, snapshot_conn_->Query(
      "SELECT pg_export_snapshot(), pg_relation_size($1::regclass) / current_setting('block_size')::bigint, "
      "c.reltuples::float8, c.relpages::bigint FROM pg_class c WHERE c.oid = $1::regclass",
      {plan_.table}));
  if (PQntuples(r.get()) != 1) return Status::NotFound(std::string(kContext) + ": table " + plan_.table + " not found");
  snapshot_id_ = PQgetvalue(r.get(), 0, 0);
  pages_ = std::stoll(PQgetvalue(r.get(), 0, 1));
  double reltuples = std::stod(PQgetvalue(r.get(), 0, 2));
  int64_t relpages = std::stoll(PQgetvalue(r.get(), 0, 3));
  // Statistics give rows per page; a table never analysed is sampled (its first pages).
  double rows_per_page = 100.0;
  if (reltuples > 0 && relpages > 0) {
    rows_per_page = reltuples / static_cast<double>(relpages);
  } else if (pages_ > 0) {
    int64_t sample_pages = std::min<int64_t>(pages_, kSamplePages);
    LD_ASSIGN_OR_RETURN(PgResultPtr sample, snapshot_conn_->Query("SELECT count(*) FROM " + plan_.table +
                                                                  " WHERE ctid < '(" + std::to_string(sample_pages) +
                                                                  ",0)'::tid"));
    double counted = std::stod(PQgetvalue(sample.get(), 0, 0));
    if (counted > 0) rows_per_page = counted / static_cast<double>(sample_pages);
  }
  pages_per_range_ = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(plan_.rows_per_range) /
                                                                std::max(1.0, rows_per_page)));
  // At least one range, so an empty table still yields one (empty) batch.
  ranges_ = std::max<int64_t>(1, (pages_ + pages_per_range_ - 1) / pages_per_range_);
  ctx.Log(LogLevel::kInfo, "reading " + std::to_string(pages_) + " pages in " + std::to_string(ranges_) +
                               " ranges over up to " + std::to_string(plan_.connections) + " connections");
  return Status::OK();
}

void PgTableScanOperator::StartReaders() {
  // Called with mu_ held.
  started_ = true;
  int readers = static_cast<int>(std::min<int64_t>(plan_.connections, ranges_));
  readers_importing_ = readers;
  for (int i = 0; i < readers; ++i) readers_.emplace_back([this] { ReadLoop(); });
}

void PgTableScanOperator::StopReaders() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  space_cv_.notify_all();
  ready_cv_.notify_all();
  for (auto& t : readers_) {
    if (t.joinable()) t.join();
  }
  readers_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_conn_.reset();
  ready_.clear();
}

void PgTableScanOperator::Fail(Status status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) error_ = std::move(status);
    stop_ = true;
  }
  ready_cv_.notify_all();
  space_cv_.notify_all();
}

Result<std::unique_ptr<PgConnection>> PgTableScanOperator::ConnectReader() {
  LD_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(config_));
  conn->CancelWhen(ctx_->cancelled);
  LD_RETURN_IF_ERROR(conn->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  // The id comes from the server (hex digits and dashes), never from the user.
  LD_RETURN_IF_ERROR(conn->Exec("SET TRANSACTION SNAPSHOT '" + snapshot_id_ + "'"));
  return conn;
}

void PgTableScanOperator::ReadLoop() {
  auto conn = ConnectReader();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Once every reader holds the snapshot, the exporting transaction may end.
    if (--readers_importing_ == 0) snapshot_conn_.reset();
  }
  if (!conn.ok()) return Fail(conn.status().WithContext(kContext));
  while (true) {
    int64_t range;
    {
      std::unique_lock<std::mutex> lock(mu_);
      space_cv_.wait(lock, [&] { return stop_ || next_read_ >= ranges_ || next_read_ < next_emit_ + ahead_; });
      if (stop_ || next_read_ >= ranges_) return;
      range = next_read_++;
    }
    Result<BatchPtr> batch = ReadRange(**conn, range);
    if (!batch.ok()) return Fail(batch.status());
    {
      std::lock_guard<std::mutex> lock(mu_);
      ready_.emplace(range, std::move(*batch));
    }
    ready_cv_.notify_all();
  }
}

std::string PgTableScanOperator::RangeSql(int64_t range) const {
  std::string sql = "COPY (SELECT ";
  for (size_t i = 0; i < plan_.select_list.size(); ++i) sql += (i ? ", " : "") + plan_.select_list[i];
  sql += " FROM " + plan_.table;
  int64_t first = range * pages_per_range_;
  // The first and last ranges are open so nothing outside [0, pages_) can be missed.
  std::vector<std::string> bounds;
  if (range > 0) bounds.push_back("ctid >= '(" + std::to_string(first) + ",0)'::tid");
  if (range + 1 < ranges_) bounds.push_back("ctid < '(" + std::to_string(first + pages_per_range_) + ",0)'::tid");
  for (size_t i = 0; i < bounds.size(); ++i) sql += (i ? " AND " : " WHERE ") + bounds[i];
  return sql + ") TO STDOUT WITH (FORMAT binary)";
}

Result<BatchPtr> PgTableScanOperator::ReadRange(PgConnection& conn, int64_t range) const {
  PgResultPtr r(PQexec(conn.get(), RangeSql(range).c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_OUT) return conn.ErrorFrom(r.get(), kContext);
  const Schema& schema = *output_schemas_[0];
  std::vector<ColumnBuilder> builders;
  builders.reserve(static_cast<size_t>(schema.num_fields()));
  for (const auto& f : schema.fields()) builders.emplace_back(f.type, plan_.rows_per_range);
  PgCopyDecoder decoder(&plan_.decode_oids, &schema, kContext);
  while (true) {
    LD_ASSIGN_OR_RETURN(bool more, decoder.ReadRows(conn, builders, INT64_MAX, 0));
    if (!more) break;
  }
  int64_t rows = builders[0].length();
  std::vector<ColumnPtr> columns;
  columns.reserve(builders.size());
  for (auto& b : builders) columns.push_back(b.Finish());
  auto batch = std::make_shared<Batch>(output_schemas_[0], std::move(columns), rows);
  batch->set_sequence(static_cast<uint64_t>(range));
  return BatchPtr(std::move(batch));
}

Result<bool> PgTableScanOperator::Produce(OperatorState*, Emitter& out) {
  BatchPtr batch;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!started_) StartReaders();
    while (true) {
      if (!error_.ok()) return error_;
      if (next_emit_ >= ranges_) return false;
      if (stop_) return Status::Cancelled(std::string(kContext) + ": stopped");
      auto it = ready_.find(next_emit_);
      if (it != ready_.end()) {
        batch = std::move(it->second);
        ready_.erase(it);
        ++next_emit_;
        break;
      }
      ready_cv_.wait_for(lock, kCancelPoll);
      lock.unlock();
      Status cancelled = ctx_->CheckCancelled();
      lock.lock();
      if (!cancelled.ok()) return cancelled;
    }
  }
  space_cv_.notify_all();
  LD_RETURN_IF_ERROR(out.Emit(std::move(batch)));
  ranges_emitted_.fetch_add(1);
  return true;
}

void PgTableScanOperator::Abort() { StopReaders(); }

double PgTableScanOperator::ProgressFraction() const {
  return ranges_ == 0 ? -1.0 : static_cast<double>(ranges_emitted_.load()) / static_cast<double>(ranges_);
}

}  // namespace logidata
