#include "connectors/sqlite/sqlite_load.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "connectors/connection_lookup.h"
#include "connectors/load_ledger.h"
#include "connectors/sql_module_parts.h"
#include "connectors/sql_text.h"
#include "connectors/sqlite/sqlite_database.h"
#include "connectors/value_text.h"

namespace logidata {

namespace {

constexpr SqlDialect kLite = SqlDialect::kSqlite;

class SqliteLoadOperator final : public Operator {
 public:
  SqliteLoadOperator(DatabaseLoadOptions options, SchemaPtr input) : options_(std::move(options)), input_(std::move(input)) {}

  bool EmitsOnConsume(int) const override { return false; }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, options_.connection, {"sqlite"}));
    LD_ASSIGN_OR_RETURN(db_, SqliteDatabase::Open(config, options_.create_table, ctx.sandbox, FileAccess::kWrite));
    LD_ASSIGN_OR_RETURN(target_, QuoteIdentifier(kLite, options_.table, "table name"));
    LD_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    in_transaction_ = true;
    ledger_key_ = {ctx.pipeline_id, ctx.run_id, ctx.node_id};
    if (options_.ledger && !ctx.run_id.empty()) {
      LD_RETURN_IF_ERROR(db_->Exec(LoadLedger::CreateSql(kLite)));
      LD_ASSIGN_OR_RETURN(SqliteStmt done, db_->Prepare(LoadLedger::LookupSql(kLite, ledger_key_)));
      if (sqlite3_step(done.get()) == SQLITE_ROW) {
        already_loaded_ = sqlite3_column_int64(done.get(), 0);
        if (const unsigned char* st = sqlite3_column_text(done.get(), 1)) recorded_state_ = reinterpret_cast<const char*>(st);
        ctx.Log(LogLevel::kInfo, LoadLedger::SkipMessage(ledger_key_, target_, already_loaded_));
        return Status::OK();
      }
      use_ledger_ = true;
    }
    LD_ASSIGN_OR_RETURN(SqliteStmt exists, db_->Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
    sqlite3_bind_text(exists.get(), 1, options_.table.c_str(), -1, SQLITE_TRANSIENT);
    bool target_exists = sqlite3_step(exists.get()) == SQLITE_ROW;
    exists.reset();  // an active statement would lock the table against DROP
    if (!target_exists && !options_.create_table) {
      return Status::NotFound("load.sqlite: table " + target_ + " does not exist (enable create_table to create it)");
    }
    if (target_exists && ctx.evolve_target_columns && options_.mode != LoadMode::kReplace) {
      LD_RETURN_IF_ERROR(AddMissingColumns());
    }
    if (options_.mode == LoadMode::kReplace && target_exists) {
      LD_RETURN_IF_ERROR(db_->Exec("DROP TABLE " + target_));
      target_exists = false;
    }
    if (!target_exists) LD_RETURN_IF_ERROR(CreateTable());
    if (options_.mode == LoadMode::kTruncate) LD_RETURN_IF_ERROR(db_->Exec("DELETE FROM " + target_));

    std::string columns, placeholders, updates;
    for (const auto& f : input_->fields()) {
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kLite, f.name, "column name"));
      columns += (columns.empty() ? "" : ", ") + q;
      placeholders += placeholders.empty() ? "?" : ", ?";
      if (std::find(options_.keys.begin(), options_.keys.end(), f.name) == options_.keys.end()) {
        updates += (updates.empty() ? "" : ", ") + q + " = excluded." + q;
      }
    }
    std::string sql = "INSERT INTO " + target_ + " (" + columns + ") VALUES (" + placeholders + ")";
    if (options_.mode == LoadMode::kUpsert) {
      std::string keys;
      for (const auto& k : options_.keys) {
        LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kLite, k));
        keys += (keys.empty() ? "" : ", ") + q;
      }
      sql += " ON CONFLICT (" + keys + ") DO " + (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
    }
    auto insert = db_->Prepare(sql);
    if (!insert.ok()) return insert.status().WithContext("load.sqlite: table " + target_);
    insert_ = std::move(insert).value();
    return Status::OK();
  }

  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter&) override {
    if (already_loaded_ >= 0) return Status::OK();
    std::lock_guard<std::mutex> lock(mu_);
    sqlite3_stmt* s = insert_.get();
    const Batch& b = *batch;
    for (int64_t row = 0; row < b.num_rows(); ++row) {
      if ((row & 4095) == 0) LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      for (int c = 0; c < b.num_columns(); ++c) BindCell(s, c + 1, *b.column(c), row);
      if (sqlite3_step(s) != SQLITE_DONE) {
        Status st = db_->Error("load.sqlite: batch " + std::to_string(b.sequence()) + " row " + std::to_string(row + 1));
        sqlite3_reset(s);
        return st;
      }
      sqlite3_reset(s);
    }
    rows_ += b.num_rows();
    return Status::OK();
  }

  Status Commit() override {
    insert_.reset();
    if (use_ledger_) LD_RETURN_IF_ERROR(db_->Exec(LoadLedger::InsertSql(kLite, ledger_key_, target_, rows_, LoadLedger::StateJson(ctx_->state))));
    LD_RETURN_IF_ERROR(db_->Exec("COMMIT"));
    in_transaction_ = false;
    if (already_loaded_ < 0) ctx_->Log(LogLevel::kInfo, "loaded " + std::to_string(rows_) + " rows into " + target_);
    else LD_RETURN_IF_ERROR(LoadLedger::RestoreState(ctx_->state, recorded_state_));
    db_.reset();
    return Status::OK();
  }

  void Abort() override {
    insert_.reset();
    if (db_ != nullptr && in_transaction_) (void)db_->Exec("ROLLBACK");
    db_.reset();
  }

 private:
  static void BindCell(sqlite3_stmt* s, int index, const Column& c, int64_t row) {
    if (c.IsNull(row)) {
      sqlite3_bind_null(s, index);
      return;
    }
    switch (c.type().id) {
      case TypeId::kBool: sqlite3_bind_int(s, index, c.GetBool(row) ? 1 : 0); return;
      case TypeId::kInt32: sqlite3_bind_int64(s, index, c.Get<int32_t>(row)); return;
      case TypeId::kInt64: sqlite3_bind_int64(s, index, c.Get<int64_t>(row)); return;
      case TypeId::kFloat64: sqlite3_bind_double(s, index, c.Get<double>(row)); return;
      case TypeId::kString: {
        std::string_view v = c.GetString(row);
        sqlite3_bind_text(s, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        return;
      }
      case TypeId::kBinary: {
        std::string_view v = c.GetString(row);
        sqlite3_bind_blob(s, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        return;
      }
      default: {
        std::string text = CellText(c, row);
        sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        return;
      }
    }
  }

  // schema_drift: evolve. The input columns the existing target lacks are added (nullable, the
  // type CREATE TABLE would give them) inside the load's transaction: a failed run adds none.
  // (replace recreates the table from the input anyway.)
  Status AddMissingColumns() {
    LD_ASSIGN_OR_RETURN(SqliteStmt info, db_->Prepare("SELECT name FROM pragma_table_info(?)"));
    sqlite3_bind_text(info.get(), 1, options_.table.c_str(), -1, SQLITE_TRANSIENT);
    std::set<std::string> present;
    while (sqlite3_step(info.get()) == SQLITE_ROW) {
      present.insert(reinterpret_cast<const char*>(sqlite3_column_text(info.get(), 0)));
    }
    info.reset();
    for (const auto& f : input_->fields()) {
      if (present.count(f.name) != 0) continue;
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kLite, f.name, "column name"));
      const std::string sql = "ALTER TABLE " + target_ + " ADD COLUMN " + q + " " + SqliteDdlType(f.type);
      ctx_->Log(LogLevel::kInfo, "schema_drift evolve: " + sql);
      LD_RETURN_IF_ERROR(db_->Exec(sql));
    }
    return Status::OK();
  }

  Status CreateTable() {
    std::string sql = "CREATE TABLE " + target_ + " (";
    for (int i = 0; i < input_->num_fields(); ++i) {
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kLite, input_->field(i).name, "column name"));
      sql += (i ? ", " : "") + q + " " + SqliteDdlType(input_->field(i).type);
    }
    if (!options_.keys.empty()) {
      sql += ", PRIMARY KEY (";
      for (size_t i = 0; i < options_.keys.size(); ++i) {
        LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kLite, options_.keys[i]));
        sql += (i ? ", " : "") + q;
      }
      sql += ")";
    }
    return db_->Exec(sql + ")");
  }

  DatabaseLoadOptions options_;
  SchemaPtr input_;
  ExecContext* ctx_ = nullptr;
  LoadLedgerKey ledger_key_;
  bool use_ledger_ = false;
  int64_t already_loaded_ = -1;
  std::string recorded_state_;  // the state the earlier attempt committed with its load  // >= 0: an earlier attempt of this run loaded it; skip
  std::unique_ptr<SqliteDatabase> db_;
  SqliteStmt insert_;
  std::string target_;
  bool in_transaction_ = false;
  std::mutex mu_;
  int64_t rows_ = 0;
};

}  // namespace

constexpr const char* kSqliteLoadDetails = R"md(Everything happens in one `BEGIN IMMEDIATE` transaction committed when the run succeeds; SQLite's journal undoes a killed load. replace drops and recreates the table from the input schema inside the transaction; upsert uses `ON CONFLICT (keys) DO UPDATE`. A `_logidata_loads` ledger row makes a retried run skip a load that committed (see [the pipeline format](../pipeline-format.md)); `"ledger": false` opts out.

**Connection** (type `sqlite`): as for [extract.sqlite](extract.sqlite.md).)md";

ModuleDescriptor SqliteLoadModule() {
  ModuleDescriptor d = SqlLoadDescriptor(
      "sqlite", "Writes rows into an SQLite table.",
      "Inserts with one prepared statement inside a single write transaction that commits only when the run "
      "succeeds. Modes: append, truncate, upsert on key columns (ON CONFLICT … DO UPDATE), replace (the table is "
      "dropped and recreated from the input schema, in the same transaction).",
      false, [](DatabaseLoadOptions options, SchemaPtr input) {
        return std::unique_ptr<Operator>(new SqliteLoadOperator(std::move(options), std::move(input)));
      });
  d.connection_types = {"sqlite"};  // what LookupConnection accepts
  d.description += "\n\n";
  d.description += kSqliteLoadDetails;
  return d;
}

}  // namespace logidata
