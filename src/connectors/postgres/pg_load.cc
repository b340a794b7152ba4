#include "connectors/postgres/pg_load.h"

#include <map>
#include <mutex>

#include "connectors/connection_lookup.h"
#include "connectors/postgres/pg_connection.h"
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
  std::unique_ptr<OperatorState> MakeThreadState() override { return std::make_unique<EncodeState>(); }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, options_.connection, {"postgres", "postgresql"}));
    LD_ASSIGN_OR_RETURN(conn_, PgConnection::Connect(config));
    LD_ASSIGN_OR_RETURN(target_, QualifiedName(kPg, options_.schema, options_.table));
    LD_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
    in_transaction_ = true;
    LD_ASSIGN_OR_RETURN(PgResultPtr exists, conn_->Query("SELECT to_regclass($1) IS NOT NULL", {target_}));
    target_exists_ = std::string(PQgetvalue(exists.get(), 0, 0)) == "t";
    if (!target_exists_ && !options_.create_table) {
      return Status::NotFound("load.postgres: table " + target_ + " does not exist (enable create_table to create it)");
    }
    std::string copy_target = target_;
    switch (options_.mode) {
      case LoadMode::kAppend:
        if (!target_exists_) LD_RETURN_IF_ERROR(CreateTable(target_));
        break;
      case LoadMode::kTruncate:
        if (!target_exists_) LD_RETURN_IF_ERROR(CreateTable(target_));
        else LD_RETURN_IF_ERROR(conn_->Exec("TRUNCATE TABLE " + target_));
        break;
      case LoadMode::kUpsert:
        if (!target_exists_) LD_RETURN_IF_ERROR(CreateTable(target_));
        copy_target = "pg_temp.ld_stage";
        LD_RETURN_IF_ERROR(conn_->Exec("CREATE TEMP TABLE ld_stage (LIKE " + target_ + " INCLUDING DEFAULTS) ON COMMIT DROP"));
        break;
      case LoadMode::kReplace: {
        LD_ASSIGN_OR_RETURN(stage_, QualifiedName(kPg, options_.schema, StageName()));
        LD_RETURN_IF_ERROR(conn_->Exec("DROP TABLE IF EXISTS " + stage_));
        if (target_exists_) {
          LD_RETURN_IF_ERROR(conn_->Exec("CREATE TABLE " + stage_ + " (LIKE " + target_ + " INCLUDING ALL)"));
        } else {
          LD_RETURN_IF_ERROR(CreateTable(stage_));
        }
        copy_target = stage_;
        break;
      }
    }
    LD_RETURN_IF_ERROR(PrepareEncoders(copy_target));
    std::string columns;
    for (const auto& f : input_->fields()) {
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, f.name, "column name"));
      columns += (columns.empty() ? "" : ", ") + q;
    }
    column_list_ = columns;
    PgResultPtr r(PQexec(conn_->get(), ("COPY " + copy_target + " (" + columns + ") FROM STDIN WITH (FORMAT binary)").c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) return conn_->ErrorFrom(r.get(), "load.postgres: COPY");
    in_copy_ = true;
    static const char kHeader[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    return PutCopyData(kHeader, 19);
  }

  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter&) override {
    auto* s = static_cast<EncodeState*>(state);
    const Batch& b = *batch;
    const int ncols = b.num_columns();
    constexpr int64_t kSlice = 16 * 1024;  // rows encoded per send: bounds the buffer
    for (int64_t start = 0; start < b.num_rows(); start += kSlice) {
      LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      int64_t end = std::min(b.num_rows(), start + kSlice);
      s->buffer.clear();
      for (int64_t row = start; row < end; ++row) {
        PutBE16(s->buffer, static_cast<uint16_t>(ncols));
        for (int c = 0; c < ncols; ++c) {
          Status st = encoders_[static_cast<size_t>(c)](*b.column(c), row, s->buffer);
          if (!st.ok()) {
            return st.WithContext("load.postgres: batch " + std::to_string(b.sequence()) + " row " +
                                  std::to_string(row + 1) + ", column '" + input_->field(c).name + "'");
          }
        }
      }
      std::lock_guard<std::mutex> lock(mu_);
      LD_RETURN_IF_ERROR(PutCopyData(s->buffer.data(), s->buffer.size()));
      rows_ += end - start;
    }
    return Status::OK();
  }

  Status FinishPort(int, const std::vector<OperatorState*>&) override {
    std::lock_guard<std::mutex> lock(mu_);
    static const char kTrailer[] = "\377\377";
    LD_RETURN_IF_ERROR(PutCopyData(kTrailer, 2));
    if (PQputCopyEnd(conn_->get(), nullptr) != 1) return conn_->ErrorFrom(nullptr, "load.postgres: ending COPY");
    in_copy_ = false;
    PgResultPtr r(PQgetResult(conn_->get()));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return conn_->ErrorFrom(r.get(), "load.postgres: COPY into " + target_);
    while (PGresult* extra = PQgetResult(conn_->get())) PQclear(extra);
    ctx_->Log(LogLevel::kInfo, "copied " + std::to_string(rows_) + " rows (" + std::string(LoadModeName(options_.mode)) + ")");
    return Status::OK();
  }

  Status Commit() override {
    if (options_.mode == LoadMode::kUpsert) LD_RETURN_IF_ERROR(MergeStage());
    if (options_.mode == LoadMode::kReplace) {
      if (target_exists_) LD_RETURN_IF_ERROR(conn_->Exec("DROP TABLE " + target_));
      LD_ASSIGN_OR_RETURN(std::string name, QuoteIdentifier(kPg, options_.table));
      LD_RETURN_IF_ERROR(conn_->Exec("ALTER TABLE " + stage_ + " RENAME TO " + name));
    }
    LD_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    in_transaction_ = false;
    conn_.reset();
    return Status::OK();
  }

  void Abort() override {
    if (conn_ == nullptr) return;
    if (in_copy_) {
      PQputCopyEnd(conn_->get(), "load aborted");
      while (PGresult* r = PQgetResult(conn_->get())) PQclear(r);
    }
    if (in_transaction_) (void)conn_->Exec("ROLLBACK");
    conn_.reset();
  }

 private:
  std::string StageName() const { return options_.table + "__logidata_new"; }

  Status PutCopyData(const char* data, size_t size) {
    if (PQputCopyData(conn_->get(), data, static_cast<int>(size)) != 1) {
      return conn_->ErrorFrom(nullptr, "load.postgres: sending rows to " + target_);
    }
    return Status::OK();
  }

  Status CreateTable(const std::string& name) {
    std::string sql = "CREATE TABLE " + name + " (";
    for (int i = 0; i < input_->num_fields(); ++i) {
      const Field& f = input_->field(i);
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, f.name, "column name"));
      sql += (i ? ", " : "") + q + " " + PgDdlType(f.type);
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
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kPg, f.name));
      updates += (updates.empty() ? "" : ", ") + q + " = EXCLUDED." + q;
    }
    // The last row of each key wins (rows are in load order in the fresh staging heap).
    std::string sql = "INSERT INTO " + target_ + " (" + column_list_ + ") SELECT " + column_list_ +
                      " FROM (SELECT DISTINCT ON (" + keys + ") * FROM pg_temp.ld_stage ORDER BY " + keys +
                      ", ctid DESC) AS s ON CONFLICT (" + keys + ") DO " +
                      (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
    return conn_->Exec(sql);
  }

  DatabaseLoadOptions options_;
  SchemaPtr input_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<PgConnection> conn_;
  std::string target_, stage_, column_list_;
  bool target_exists_ = false;
  bool in_transaction_ = false;
  bool in_copy_ = false;
  std::vector<PgFieldEncoder> encoders_;
  std::mutex mu_;  // guards the connection during Consume
  int64_t rows_ = 0;
};

}  // namespace

ModuleDescriptor PostgresLoadModule() {
  return SqlLoadDescriptor(
      "postgres", "Writes rows into a PostgreSQL table.",
      "Loads with binary COPY inside one transaction that commits only when the whole run succeeds, so a failed "
      "or killed run leaves the table unchanged. Modes: append, truncate (truncate-and-insert), upsert on key "
      "columns (staging table + INSERT … ON CONFLICT; the last row per key wins), replace (staging table swapped "
      "in). Can create the table from the input schema.",
      true, [](DatabaseLoadOptions options, SchemaPtr input) {
        return std::unique_ptr<Operator>(new PostgresLoadOperator(std::move(options), std::move(input)));
      });
}

}  // namespace logidata
