#include "connectors/postgres/pg_load.h"

#include <map>
#include <mutex>
#include <set>

#include "connectors/connection_lookup.h"
#include "connectors/load_ledger.h"
#include "connectors/postgres/pg_connection.h"
#include "connectors/postgres/pg_load_session.h"
#include "connectors/postgres/pg_types.h"
#include "connectors/sql_module_parts.h"
#include "connectors/sql_text.h"

namespace logidata {

namespace {

constexpr SqlDialect kPg = SqlDialect::kPostgres;

struct EncodeState final : OperatorState {
  std::string buffer;
};

class PostgresLoadOperator final : public Operator {
 public:
  PostgresLoadOperator(DatabaseLoadOptions options, SchemaPtr input) : options_(std::move(options)), input_(std::move(input)) {}

  bool EmitsOnConsume(int) const override { return false; }
  // Changes (op_column) must apply in their order: a delete then a re-insert is not the reverse.
  bool RequiresOrderedInput(int) const override { return !options_.op_column.empty(); }
  std::unique_ptr<OperatorState> MakeThreadState() override { return std::make_unique<EncodeState>(); }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, options_.connection, {"postgres", "postgresql"}));
    LD_ASSIGN_OR_RETURN(session_, PgLoadSession::ForRun(ctx, config));
    LD_ASSIGN_OR_RETURN(target_, QualifiedName(kPg, options_.schema, options_.table));
    std::lock_guard<std::mutex> lock(session_->mu());
    conn_ = &session_->conn();
    ledger_key_ = {ctx.pipeline_id, ctx.run_id, ctx.node_id};
    if (options_.ledger && !ctx.run_id.empty()) {
      LD_RETURN_IF_ERROR(session_->EnsureLedger());
      LD_ASSIGN_OR_RETURN(PgResultPtr done, conn_->Query(LoadLedger::LookupSql(kPg, ledger_key_)));
      if (PQntuples(done.get()) > 0) {
        already_loaded_ = std::stoll(PQgetvalue(done.get(), 0, 0));
        recorded_state_ = PQgetvalue(done.get(), 0, 1);
        ctx.Log(LogLevel::kInfo, LoadLedger::SkipMessage(ledger_key_, target_, already_loaded_));
        session_->Join(ctx.node_id, [] { return Status::OK(); });
        return Status::OK();
      }
      use_ledger_ = true;
    }
    LD_ASSIGN_OR_RETURN(PgResultPtr exists, conn_->Query("SELECT to_regclass($1) IS NOT NULL", {target_}));
    target_exists_ = std::string(PQgetvalue(exists.get(), 0, 0)) == "t";
    if (!target_exists_ && !options_.create_table) {
      return Status::NotFound("load.postgres: table " + target_ + " does not exist (enable create_table to create it)");
    }
    if (target_exists_ && ctx.evolve_target_columns) LD_RETURN_IF_ERROR(AddMissingColumns());
    copy_target_ = target_;
    switch (options_.mode) {
      case LoadMode::kAppend:
        if (!target_exists_) LD_RETURN_IF_ERROR(CreateTable(target_));
        break;
      case LoadMode::kTruncate:
        if (!target_exists_) LD_RETURN_IF_ERROR(CreateTable(target_));
        else LD_RETURN_IF_ERROR(conn_->Exec("TRUNCATE TABLE " + target_));
        break;
      case LoadMode::kUpsert: {
        if (!target_exists_) LD_RETURN_IF_ERROR(CreateTable(target_));
        // One staging table per member: several loaders may share this session.
        LD_ASSIGN_OR_RETURN(std::string stage_name, QuoteIdentifier(kPg, "ld_stage_" + std::to_string(session_->members())));
        copy_target_ = "pg_temp." + stage_name;
        LD_RETURN_IF_ERROR(conn_->Exec("CREATE TEMP TABLE " + stage_name + " (LIKE " + target_ + " INCLUDING DEFAULTS) ON COMMIT DROP"));
        if (!options_.op_column.empty()) {
          LD_ASSIGN_OR_RETURN(std::string op, QuoteIdentifier(kPg, options_.op_column, "column name"));
          LD_RETURN_IF_ERROR(conn_->Exec("ALTER TABLE " + stage_name + " ADD COLUMN IF NOT EXISTS " + op + " text"));
        }
        break;
      }
      case LoadMode::kReplace: {
        LD_ASSIGN_OR_RETURN(stage_, QualifiedName(kPg, options_.schema, StageName()));
        LD_RETURN_IF_ERROR(conn_->Exec("DROP TABLE IF EXISTS " + stage_));
        if (target_exists_) {
          LD_RETURN_IF_ERROR(conn_->Exec("CREATE TABLE " + stage_ + " (LIKE " + target_ + " INCLUDING ALL)"));
        } else {
          LD_RETURN_IF_ERROR(CreateTable(stage_));
        }
        copy_target_ = stage_;
        break;
      }
    }
    LD_RETURN_IF_ERROR(PrepareEncoders(copy_target_));
    std::string columns;
    for (const auto& f : input_->fields()) {
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, f.name, "column name"));
      columns += (columns.empty() ? "" : ", ") + q;
    }
    column_list_ = columns;
    for (const auto& f : input_->fields()) {
      if (f.name == options_.op_column) continue;
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, f.name, "column name"));
      target_column_list_ += (target_column_list_.empty() ? "" : ", ") + q;
    }
    session_->Join(ctx.node_id, [this] { return PublishInTransaction(); });
    return Status::OK();
  }

  // Encodes the whole batch on this thread, then sends it as one COPY on the shared connection:
  // a COPY per batch (not per load) lets loaders that share the transaction interleave.
  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter&) override {
    if (already_loaded_ >= 0) return Status::OK();
    auto* s = static_cast<EncodeState*>(state);
    const Batch& b = *batch;
    const int ncols = b.num_columns();
    static const char kHeader[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    s->buffer.assign(kHeader, 19);
    for (int64_t row = 0; row < b.num_rows(); ++row) {
      if ((row & 16383) == 0) LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      PutBE16(s->buffer, static_cast<uint16_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        Status st = encoders_[static_cast<size_t>(c)](*b.column(c), row, s->buffer);
        if (!st.ok()) {
          return st.WithContext("load.postgres: batch " + std::to_string(b.sequence()) + " row " +
                                std::to_string(row + 1) + ", column '" + input_->field(c).name + "'");
        }
      }
    }
    s->buffer.append("\377\377", 2);
    std::lock_guard<std::mutex> lock(session_->mu());
    PgResultPtr r(PQexec(conn_->get(), ("COPY " + copy_target_ + " (" + column_list_ + ") FROM STDIN WITH (FORMAT binary)").c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) return conn_->ErrorFrom(r.get(), "load.postgres: COPY");
    if (PQputCopyData(conn_->get(), s->buffer.data(), static_cast<int>(s->buffer.size())) != 1) {
      PQputCopyEnd(conn_->get(), "send failed");
      while (PGresult* extra = PQgetResult(conn_->get())) PQclear(extra);
      return conn_->ErrorFrom(nullptr, "load.postgres: sending rows to " + target_);
    }
    if (PQputCopyEnd(conn_->get(), nullptr) != 1) return conn_->ErrorFrom(nullptr, "load.postgres: ending COPY");
    PgResultPtr done(PQgetResult(conn_->get()));
    while (PGresult* extra = PQgetResult(conn_->get())) PQclear(extra);
    if (!done || PQresultStatus(done.get()) != PGRES_COMMAND_OK) {
      return conn_->ErrorFrom(done.get(), "load.postgres: COPY batch " + std::to_string(b.sequence()) + " into " + target_);
    }
    rows_ += b.num_rows();
    return Status::OK();
  }

  Status FinishPort(int, const std::vector<OperatorState*>&) override {
    if (already_loaded_ < 0) {
      ctx_->Log(LogLevel::kInfo, "copied " + std::to_string(rows_) + " rows (" + std::string(LoadModeName(options_.mode)) + "), staged until the run succeeds");
    }
    return Status::OK();
  }

  Status Commit() override {
    LD_RETURN_IF_ERROR(session_->Publish());
    if (already_loaded_ < 0) ctx_->Log(LogLevel::kInfo, "published " + std::to_string(rows_) + " rows into " + target_);
    else LD_RETURN_IF_ERROR(LoadLedger::RestoreState(ctx_->state, recorded_state_));
    session_.reset();
    return Status::OK();
  }

  void Abort() override {
    if (session_ != nullptr) session_->Abort();
    session_.reset();
  }

 private:
  // Runs inside the shared transaction, under the session lock, just before COMMIT.
  Status PublishInTransaction() {
    if (options_.mode == LoadMode::kUpsert) LD_RETURN_IF_ERROR(MergeStage());
    if (options_.mode == LoadMode::kReplace) {
      if (target_exists_) LD_RETURN_IF_ERROR(conn_->Exec("DROP TABLE " + target_));
      LD_ASSIGN_OR_RETURN(std::string name, QuoteIdentifier(kPg, options_.table));
      LD_RETURN_IF_ERROR(conn_->Exec("ALTER TABLE " + stage_ + " RENAME TO " + name));
    }
    if (use_ledger_) LD_RETURN_IF_ERROR(conn_->Exec(LoadLedger::InsertSql(kPg, ledger_key_, target_, rows_, LoadLedger::StateJson(ctx_->state))));
    return Status::OK();
  }

  std::string StageName() const { return options_.table + "__logidata_new"; }

  Status CreateTable(const std::string& name) {
    std::string sql = "CREATE TABLE " + name + " (";
    bool first = true;
    for (const Field& f : input_->fields()) {
      if (f.name == options_.op_column) continue;  // says what to do with a row, is not data
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, f.name, "column name"));
      sql += (first ? "" : ", ") + q + " " + PgDdlType(f.type);
      first = false;
    }
    if (!options_.keys.empty()) {
      sql += ", PRIMARY KEY (";
      for (size_t i = 0; i < options_.keys.size(); ++i) {
        LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, options_.keys[i], "key column"));
        sql += (i ? ", " : "") + q;
      }
      sql += ")";
    }
    sql += ")";
    ctx_->Log(LogLevel::kInfo, "creating table: " + sql);
    return conn_->Exec(sql);
  }

  // schema_drift: evolve. The input columns the existing target lacks are added, nullable and of
  // the type CREATE TABLE would give them, inside the load's transaction: a failed run adds none.
  // Before the mode's own statements, so replace's stage and upsert's temp table inherit them.
  Status AddMissingColumns() {
    LD_ASSIGN_OR_RETURN(PgResultPtr cols, conn_->Query("SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass "
                                                       "AND attnum > 0 AND NOT attisdropped",
                                                       {target_}));
    std::set<std::string> present;
    for (int i = 0; i < PQntuples(cols.get()); ++i) present.insert(PQgetvalue(cols.get(), i, 0));
    for (const auto& f : input_->fields()) {
      if (present.count(f.name) != 0) continue;
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, f.name, "column name"));
      const std::string sql = "ALTER TABLE " + target_ + " ADD COLUMN " + q + " " + PgDdlType(f.type);
      ctx_->Log(LogLevel::kInfo, "schema_drift evolve: " + sql);
      LD_RETURN_IF_ERROR(conn_->Exec(sql));
    }
    return Status::OK();
  }

  Status PrepareEncoders(const std::string& table) {
    LD_ASSIGN_OR_RETURN(PgResultPtr cols,
                        conn_->Query("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = $1::regclass "
                                     "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                                     {table}));
    std::map<std::string, uint32_t> oids;
    std::string available;
    for (int i = 0; i < PQntuples(cols.get()); ++i) {
      oids[PQgetvalue(cols.get(), i, 0)] = static_cast<uint32_t>(std::stoul(PQgetvalue(cols.get(), i, 1)));
      available += (available.empty() ? "" : ", ") + std::string(PQgetvalue(cols.get(), i, 0));
    }
    for (const auto& f : input_->fields()) {
      auto it = oids.find(f.name);
      if (it == oids.end()) {
        return Status::InvalidArgument("load.postgres: input column '" + f.name + "' is not in table " + target_ +
                                       " (columns: " + available + ")");
      }
      LD_ASSIGN_OR_RETURN(PgFieldEncoder enc, MakePgFieldEncoder(f.type, it->second, f.name));
      encoders_.push_back(enc);
    }
    return Status::OK();
  }

  Status MergeStage() {
    std::string keys, updates;
    for (const auto& k : options_.keys) {
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, k));
      keys += (keys.empty() ? "" : ", ") + q;
    }
    for (const auto& f : input_->fields()) {
      if (std::find(options_.keys.begin(), options_.keys.end(), f.name) != options_.keys.end()) continue;
      if (f.name == options_.op_column) continue;
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, f.name));
      updates += (updates.empty() ? "" : ", ") + q + " = EXCLUDED." + q;
    }
    // The last row of each key wins (rows are in load order in the fresh staging heap).
    const std::string last_per_key = "(SELECT DISTINCT ON (" + keys + ") * FROM " + copy_target_ + " ORDER BY " +
                                     keys + ", ctid DESC) AS s";
    std::string upsert_filter;
    if (!options_.op_column.empty()) {
      // A key whose last change is a delete goes; the operation literal is ours, not input.
      LD_ASSIGN_OR_RETURN(std::string op, QuoteIdentifier(kPg, options_.op_column));
      std::string match;
      for (const auto& k : options_.keys) {
        LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, k));
        match += " AND t." + q + " = s." + q;
      }
      LD_RETURN_IF_ERROR(conn_->Exec("DELETE FROM " + target_ + " AS t USING " + last_per_key + " WHERE s." + op +
                                     " = 'delete'" + match));
      upsert_filter = " WHERE s." + op + " IS DISTINCT FROM 'delete'";
    }
    std::string sql = "INSERT INTO " + target_ + " (" + target_column_list_ + ") SELECT " + target_column_list_ +
                      " FROM " + last_per_key + upsert_filter + " ON CONFLICT (" + keys + ") DO " +
                      (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
    return conn_->Exec(sql);
  }

  DatabaseLoadOptions options_;
  SchemaPtr input_;
  ExecContext* ctx_ = nullptr;
  std::shared_ptr<PgLoadSession> session_;
  PgConnection* conn_ = nullptr;  // the session's; use under session_->mu()
  std::string target_, stage_, copy_target_, column_list_;
  std::string target_column_list_;  // column_list_ without the op column
  bool target_exists_ = false;
  std::vector<PgFieldEncoder> encoders_;
  LoadLedgerKey ledger_key_;
  bool use_ledger_ = false;
  int64_t already_loaded_ = -1;
  std::string recorded_state_;  // the state the earlier attempt committed with its load  // >= 0: an earlier attempt of this run loaded it; skip
  int64_t rows_ = 0;              // written under the session lock
};

}  // namespace

constexpr const char* kPostgresLoadDetails = R"md(Everything happens in one transaction opened when the run starts and committed when it succeeds; a failed, cancelled or killed run (`kill -9` included: the server rolls back the dead session) leaves the target as it was. See [the pipeline format](../pipeline-format.md) for how loads publish together and exactly once under retry; `"ledger": false` opts out of the `_logidata_loads` ledger.

| Mode | How |
|---|---|
| append | binary `COPY target FROM STDIN` |
| truncate | `TRUNCATE target` then COPY (readers wait on the table lock until commit) |
| upsert | COPY into a temp staging table, then `INSERT … SELECT DISTINCT ON (keys) … ON CONFLICT (keys) DO UPDATE` (last row per key wins; needs a unique key — a created table gets `PRIMARY KEY (keys)`) |
| upsert + `op_column` | as upsert, but the staging table also holds the operation column; per key the last row wins, and a key whose last row says `delete` is removed (`DELETE … USING` the last row per key) instead of upserted. Batches are applied in input order. This replays a change stream from extract.postgres in mode cdc: applying the same changes twice gives the same table. |
| replace | COPY into `<table>__logidata_new` (`LIKE target INCLUDING ALL`), then `DROP target; ALTER … RENAME` |

Input columns are matched to table columns by name (table columns missing from the input get their defaults); each cell is encoded in the target column's binary format, widening or parsing where that is exact, and a value that does not fit fails with its batch, row and column. Strings load into uuid, json and jsonb columns.

Created tables: bool → boolean, int32 → integer, int64 → bigint, float64 → double precision, decimal(p,s) → numeric(p,s), string → text, binary → bytea, date → date, timestamp → timestamp, timestamp with a zone → timestamptz. Table, schema and column names are always quoted.

**Connection** (type `postgres`): as for [extract.postgres](extract.postgres.md).)md";

ModuleDescriptor PostgresLoadModule() {
  ModuleDescriptor d = SqlLoadDescriptor(
      "postgres", "Writes rows into a PostgreSQL table.",
      "Loads with binary COPY inside one transaction that commits only when the whole run succeeds, so a failed "
      "or killed run leaves the table unchanged. Every load.postgres node of a run using the same connection shares "
      "that transaction: they publish together or not at all. With a run id, a ledger row in _logidata_loads is "
      "written in the same transaction, and a retried run (same run id) skips a load that already committed. Modes: append, truncate (truncate-and-insert), upsert on key "
      "columns (staging table + INSERT … ON CONFLICT; the last row per key wins), replace (staging table swapped "
      "in). Can create the table from the input schema.",
      true, [](DatabaseLoadOptions options, SchemaPtr input) {
        return std::unique_ptr<Operator>(new PostgresLoadOperator(std::move(options), std::move(input)));
      });
  d.connection_types = {"postgres", "postgresql"};  // what LookupConnection accepts
  d.config_schema["properties"]["op_column"] = OpColumnProperty();
  d.description += "\n\n";
  d.description += kPostgresLoadDetails;
  return d;
}

}  // namespace logidata
