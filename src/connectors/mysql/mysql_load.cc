#include "connectors/mysql/mysql_load.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <set>

#include "connectors/connection_lookup.h"
#include "connectors/load_ledger.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/sql_module_parts.h"
#include "connectors/sql_text.h"
#include "connectors/value_text.h"
#include "types/value.h"

namespace logidata {

namespace {

constexpr SqlDialect kMy = SqlDialect::kMysql;
constexpr size_t kStatementBytes = 1 << 20;

std::string MysqlDdlType(const DataType& t, bool is_key) {
  switch (t.id) {
    case TypeId::kBool: return "BOOLEAN";
    case TypeId::kInt32: return "INT";
    case TypeId::kInt64: return "BIGINT";
    case TypeId::kFloat64: return "DOUBLE";
    case TypeId::kDecimal: return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case TypeId::kBinary: return is_key ? "VARBINARY(255)" : "LONGBLOB";
    case TypeId::kDate: return "DATE";
    case TypeId::kTimestamp: return "DATETIME(6)";
    case TypeId::kString:
    case TypeId::kNull: return is_key ? "VARCHAR(255)" : "LONGTEXT";
  }
  return "LONGTEXT";
}

struct EncodeState final : OperatorState {
  std::string sql;
  std::string escaped;
};

class MysqlLoadOperator final : public Operator {
 public:
  MysqlLoadOperator(DatabaseLoadOptions options, SchemaPtr input) : options_(std::move(options)), input_(std::move(input)) {}

  bool EmitsOnConsume(int) const override { return false; }
  // Changes (op_column) must apply in their order: a delete then a re-insert is not the reverse.
  bool RequiresOrderedInput(int) const override { return !options_.op_column.empty(); }
  std::unique_ptr<OperatorState> MakeThreadState() override { return std::make_unique<EncodeState>(); }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, options_.connection, {"mysql", "mariadb"}));
    LD_ASSIGN_OR_RETURN(conn_, MysqlConnection::Connect(config));
    // The stop flag no longer rises once publishing starts, so COMMIT is never aborted half-way.
    conn_->CancelWhen(ctx.cancelled);
    LD_ASSIGN_OR_RETURN(target_, QuoteIdentifier(kMy, options_.table, "table name"));
    LD_ASSIGN_OR_RETURN(stage_, QuoteIdentifier(kMy, options_.table + "__logidata_new"));
    LD_ASSIGN_OR_RETURN(old_, QuoteIdentifier(kMy, options_.table + "__logidata_old"));
    ledger_key_ = {ctx.pipeline_id, ctx.run_id, ctx.node_id};
    if (options_.ledger && !ctx.run_id.empty()) {
      // DDL commits implicitly: the ledger table is made before the data transaction.
      LD_RETURN_IF_ERROR(conn_->Exec(LoadLedger::CreateSql(kMy)));
      LD_ASSIGN_OR_RETURN(bool done, ReadLedger());
      if (done) {
        ctx.Log(LogLevel::kInfo, LoadLedger::SkipMessage(ledger_key_, target_, already_loaded_));
        return Status::OK();
      }
      use_ledger_ = true;
    }
    bool exists = false;
    LD_RETURN_IF_ERROR(TableExists(options_.table, &exists));
    if (!exists && !options_.create_table) {
      return Status::NotFound("load.mysql: table " + target_ + " does not exist (enable create_table to create it)");
    }
    std::string insert_into = target_;
    // DDL first: it commits implicitly, so it must precede the data transaction.
    if (exists && ctx.evolve_target_columns) LD_RETURN_IF_ERROR(AddMissingColumns());
    if (options_.mode == LoadMode::kReplace) {
      LD_RETURN_IF_ERROR(conn_->Exec("DROP TABLE IF EXISTS " + stage_));
      if (exists) {
        LD_RETURN_IF_ERROR(conn_->Exec("CREATE TABLE " + stage_ + " LIKE " + target_));
      } else {
        LD_RETURN_IF_ERROR(CreateTable(stage_));
      }
      created_ = stage_;
      insert_into = stage_;
    } else if (!exists) {
      LD_RETURN_IF_ERROR(CreateTable(target_));
      created_ = target_;
    }
    target_existed_ = exists;
    LD_RETURN_IF_ERROR(conn_->Exec("START TRANSACTION"));
    in_transaction_ = true;
    if (options_.mode == LoadMode::kTruncate && exists) LD_RETURN_IF_ERROR(conn_->Exec("DELETE FROM " + target_));

    std::string columns, updates;
    for (int c = 0; c < input_->num_fields(); ++c) {
      const Field& f = input_->field(c);
      if (f.name == options_.op_column) {
        if (f.type.id != TypeId::kString) return ConfigError("/op_column", "column '" + f.name + "' must be a string column");
        op_index_ = c;  // says what to do with the row, is not data
        continue;
      }
      value_indices_.push_back(c);
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kMy, f.name, "column name"));
      columns += (columns.empty() ? "" : ", ") + q;
      if (std::find(options_.keys.begin(), options_.keys.end(), f.name) == options_.keys.end()) {
        updates += (updates.empty() ? "" : ", ") + q + " = VALUES(" + q + ")";
      }
    }
    std::string key_list;
    for (const auto& k : options_.keys) {
      key_indices_.push_back(input_->FieldIndex(k));
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kMy, k, "key column"));
      key_list += (key_list.empty() ? "" : ", ") + q;
    }
    delete_prefix_ = "DELETE FROM " + insert_into + " WHERE (" + key_list + ") IN (";
    prefix_ = "INSERT INTO " + insert_into + " (" + columns + ") VALUES ";
    if (options_.mode == LoadMode::kUpsert) {
      // With only key columns there is nothing to update: ignore duplicates.
      if (updates.empty()) prefix_ = "INSERT IGNORE INTO " + insert_into + " (" + columns + ") VALUES ";
      else suffix_ = " ON DUPLICATE KEY UPDATE " + updates;
    }
    return Status::OK();
  }

  // Rows go in statements of about kStatementBytes. With op_column, a run of consecutive deletes
  // becomes one DELETE by key and a run of other rows one upserting INSERT, executed in input
  // order, so the later change of a key wins (within one INSERT, ON DUPLICATE KEY UPDATE applies
  // the rows in order too).
  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter&) override {
    if (already_loaded_ >= 0) return Status::OK();
    auto* s = static_cast<EncodeState*>(state);
    const Batch& b = *batch;
    const Column* ops = op_index_ >= 0 ? b.column(op_index_).get() : nullptr;
    auto is_delete = [&](int64_t r) { return ops != nullptr && !ops->IsNull(r) && ops->GetString(r) == "delete"; };
    int64_t row = 0;
    while (row < b.num_rows()) {
      LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      const bool deleting = is_delete(row);
      s->sql = deleting ? delete_prefix_ : prefix_;
      int64_t first = row;
      for (; row < b.num_rows() && s->sql.size() < kStatementBytes && is_delete(row) == deleting; ++row) {
        s->sql += row == first ? "(" : ",(";
        const std::vector<int>& columns = deleting ? key_indices_ : value_indices_;
        for (size_t i = 0; i < columns.size(); ++i) {
          if (i) s->sql += ',';
          Status st = AppendLiteral(*b.column(columns[i]), row, *s);
          if (!st.ok()) {
            return st.WithContext("load.mysql: batch " + std::to_string(b.sequence()) + " row " + std::to_string(row + 1) +
                                  ", column '" + input_->field(columns[i]).name + "'");
          }
        }
        s->sql += ')';
      }
      s->sql += deleting ? ")" : suffix_;
      std::lock_guard<std::mutex> lock(mu_);
      if (mysql_real_query(conn_->get(), s->sql.data(), s->sql.size()) != 0) {
        return conn_->Error(std::string("load.mysql: ") + (deleting ? "deleting" : "inserting") + " rows " +
                            std::to_string(first + 1) + ".." + std::to_string(row) + " of batch " + std::to_string(b.sequence()));
      }
      rows_ += row - first;
    }
    return Status::OK();
  }

  Status Commit() override {
    if (already_loaded_ >= 0) {
      conn_.reset();
      return LoadLedger::RestoreState(ctx_->state, recorded_state_);
    }
    // Append/upsert/truncate: the ledger row commits with the rows. Replace swaps the table
    // after COMMIT (RENAME is DDL), so its row is written after the swap: a crash in between
    // reloads the (idempotent) replace rather than recording a swap that did not happen.
    const bool ledger_with_rows = use_ledger_ && options_.mode != LoadMode::kReplace;
    if (ledger_with_rows) LD_RETURN_IF_ERROR(conn_->Exec(LoadLedger::InsertSql(kMy, ledger_key_, target_, rows_, LoadLedger::StateJson(ctx_->state))));
    LD_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    in_transaction_ = false;
    if (options_.mode == LoadMode::kReplace) {
      // One RENAME TABLE statement swaps both names atomically.
      if (target_existed_) {
        LD_RETURN_IF_ERROR(conn_->Exec("DROP TABLE IF EXISTS " + old_));
        LD_RETURN_IF_ERROR(conn_->Exec("RENAME TABLE " + target_ + " TO " + old_ + ", " + stage_ + " TO " + target_));
        LD_RETURN_IF_ERROR(conn_->Exec("DROP TABLE " + old_));
      } else {
        LD_RETURN_IF_ERROR(conn_->Exec("RENAME TABLE " + stage_ + " TO " + target_));
      }
    }
    if (use_ledger_ && !ledger_with_rows) LD_RETURN_IF_ERROR(conn_->Exec(LoadLedger::InsertSql(kMy, ledger_key_, target_, rows_, LoadLedger::StateJson(ctx_->state))));
    ctx_->Log(LogLevel::kInfo, "loaded " + std::to_string(rows_) + " rows into " + target_);
    conn_.reset();
    return Status::OK();
  }

  void Abort() override {
    if (conn_ == nullptr) return;
    if (in_transaction_) (void)conn_->Exec("ROLLBACK");
    if (!created_.empty()) (void)conn_->Exec("DROP TABLE IF EXISTS " + created_);
    conn_.reset();
  }

 private:
  // True when an earlier attempt of this run committed this load (fills already_loaded_ and
  // recorded_state_).
  Result<bool> ReadLedger() {
    std::string sql = LoadLedger::LookupSql(kMy, ledger_key_);
    if (mysql_real_query(conn_->get(), sql.data(), sql.size()) != 0) return conn_->Error("load.mysql: reading the load ledger");
    MYSQL_RES* r = mysql_store_result(conn_->get());
    if (r == nullptr) return conn_->Error("load.mysql: reading the load ledger");
    bool found = false;
    if (MYSQL_ROW row = mysql_fetch_row(r); row != nullptr && row[0] != nullptr) {
      found = true;
      already_loaded_ = std::stoll(row[0]);
      recorded_state_ = row[1] != nullptr ? row[1] : "";
    }
    mysql_free_result(r);
    return found;
  }

  Status TableExists(const std::string& name, bool* exists) {
    std::string escaped(name.size() * 2 + 1, '\0');
    escaped.resize(mysql_real_escape_string(conn_->get(), escaped.data(), name.data(), name.size()));
    std::string sql = "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '" + escaped + "'";
    if (mysql_real_query(conn_->get(), sql.data(), sql.size()) != 0) return conn_->Error("load.mysql");
    MYSQL_RES* r = mysql_store_result(conn_->get());
    *exists = r != nullptr && mysql_num_rows(r) > 0;
    if (r) mysql_free_result(r);
    return Status::OK();
  }

  // schema_drift: evolve. The input columns the existing target lacks are added (nullable, the
  // type CREATE TABLE would give them). MySQL commits DDL implicitly, so this happens before the
  // data transaction and stays if the load then fails: new nullable columns, no rows.
  Status AddMissingColumns() {
    std::string escaped(options_.table.size() * 2 + 1, '\0');
    escaped.resize(mysql_real_escape_string(conn_->get(), escaped.data(), options_.table.data(), options_.table.size()));
    const std::string sql = "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '" +
                            escaped + "'";
    if (mysql_real_query(conn_->get(), sql.data(), sql.size()) != 0) return conn_->Error("load.mysql");
    MYSQL_RES* r = mysql_store_result(conn_->get());
    std::set<std::string> present;
    if (r != nullptr) {
      while (MYSQL_ROW row = mysql_fetch_row(r)) {
        if (row[0] != nullptr) present.insert(row[0]);
      }
      mysql_free_result(r);
    }
    for (const auto& f : input_->fields()) {
      if (present.count(f.name) != 0 || f.name == options_.op_column) continue;
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kMy, f.name, "column name"));
      const std::string alter = "ALTER TABLE " + target_ + " ADD COLUMN " + q + " " + MysqlDdlType(f.type, false);
      ctx_->Log(LogLevel::kInfo, "schema_drift evolve: " + alter);
      LD_RETURN_IF_ERROR(conn_->Exec(alter));
    }
    return Status::OK();
  }

  Status CreateTable(const std::string& name) {
    std::string sql = "CREATE TABLE " + name + " (";
    bool first = true;
    for (const Field& f : input_->fields()) {
      if (f.name == options_.op_column) continue;
      bool is_key = std::find(options_.keys.begin(), options_.keys.end(), f.name) != options_.keys.end();
      LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kMy, f.name, "column name"));
      sql += (first ? "" : ", ") + q + " " + MysqlDdlType(f.type, is_key) + (is_key ? " NOT NULL" : "");
      first = false;
    }
    if (!options_.keys.empty()) {
      sql += ", PRIMARY KEY (";
      for (size_t i = 0; i < options_.keys.size(); ++i) {
        LD_ASSIGN_OR_RETURN(std::string q, QuoteIdentifier(kMy, options_.keys[i]));
        sql += (i ? ", " : "") + q;
      }
      sql += ")";
    }
    sql += ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
    return conn_->Exec(sql);
  }

  // Appends one SQL literal. Strings go through mysql_real_escape_string (the connection's
  // character set), binary as hex, so no value can change the statement's structure.
  Status AppendLiteral(const Column& c, int64_t row, EncodeState& s) {
    if (c.IsNull(row)) {
      s.sql += "NULL";
      return Status::OK();
    }
    switch (c.type().id) {
      case TypeId::kFloat64: {
        double d = c.Get<double>(row);
        if (!std::isfinite(d)) return Status::DataError("MySQL cannot store " + FormatDouble(d));
        s.sql += FormatDouble(d);
        return Status::OK();
      }
      case TypeId::kString: {
        std::string_view v = c.GetString(row);
        s.escaped.resize(v.size() * 2 + 1);
        unsigned long n = mysql_real_escape_string(conn_->get(), s.escaped.data(), v.data(), v.size());
        s.sql += '\'';
        s.sql.append(s.escaped.data(), n);
        s.sql += '\'';
        return Status::OK();
      }
      case TypeId::kBinary: {
        static const char kHex[] = "0123456789abcdef";
        std::string_view v = c.GetString(row);
        s.sql += "X'";
        for (unsigned char ch : v) {
          s.sql += kHex[ch >> 4];
          s.sql += kHex[ch & 15];
        }
        s.sql += '\'';
        return Status::OK();
      }
      case TypeId::kDate:
      case TypeId::kTimestamp: {
        std::string text = CellText(c, row);
        if (c.type().id == TypeId::kTimestamp && !c.type().timezone.empty()) text.resize(text.size() - 6);  // UTC
        s.sql += '\'' + text + '\'';
        return Status::OK();
      }
      default:
        s.sql += CellText(c, row);  // numbers and booleans: digits only
        return Status::OK();
    }
  }

  DatabaseLoadOptions options_;
  SchemaPtr input_;
  ExecContext* ctx_ = nullptr;
  LoadLedgerKey ledger_key_;
  bool use_ledger_ = false;
  int64_t already_loaded_ = -1;
  std::string recorded_state_;  // the state the earlier attempt committed with its load  // >= 0: an earlier attempt of this run loaded it; skip
  std::unique_ptr<MysqlConnection> conn_;
  std::string target_, stage_, old_, created_, prefix_, suffix_;
  std::string delete_prefix_;       // "DELETE FROM target WHERE (keys) IN ("
  int op_index_ = -1;               // the op_column's input index, or -1
  std::vector<int> value_indices_;  // input columns loaded (all but the op column)
  std::vector<int> key_indices_;    // input indices of the key columns
  bool target_existed_ = false;
  bool in_transaction_ = false;
  std::mutex mu_;
  int64_t rows_ = 0;
};

}  // namespace

constexpr const char* kMysqlLoadDetails = R"md(Rows go in multi-row `INSERT` statements of about 1 MiB (strings escaped by `mysql_real_escape_string` for the connection's character set, binary as hex) inside one InnoDB transaction committed when the run succeeds. The session uses `sql_mode=STRICT_ALL_TABLES`, so a value that does not fit is an error, not a silent truncation. truncate = `DELETE` in the same transaction; upsert = `ON DUPLICATE KEY UPDATE`; upsert with `op_column` (a change stream such as extract.postgres in mode cdc writes) = rows whose operation is `delete` become `DELETE … WHERE (keys) IN (…)`, the others `INSERT … ON DUPLICATE KEY UPDATE`, consecutive rows of one kind in one statement and the statements in input order, so the last change of a key wins and replaying the same changes gives the same table (the operation column is not loaded); replace = fill `<table>__logidata_new`, then one atomic `RENAME TABLE target TO old, new TO target`. MySQL DDL commits implicitly: a table created by a failed run is dropped when the run aborts, and a staging table left by a killed process is dropped by the next run. A `_logidata_loads` ledger row makes a retried run skip a load that committed (see [the pipeline format](../pipeline-format.md)); `"ledger": false` opts out.

Created tables: BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p,s), LONGTEXT (VARCHAR(255) for key columns), LONGBLOB, DATE, DATETIME(6); InnoDB, utf8mb4.

**Connection** (type `mysql`, also `mariadb`): as for [extract.mysql](extract.mysql.md).)md";

ModuleDescriptor MysqlLoadModule() {
  ModuleDescriptor d = SqlLoadDescriptor(
      "mysql", "Writes rows into a MySQL or MariaDB table.",
      "Loads with multi-row INSERT batches inside one InnoDB transaction that commits only when the run succeeds. "
      "Modes: append, truncate (DELETE in the same transaction), upsert (ON DUPLICATE KEY UPDATE; with op_column, "
      "a change stream's deletes become DELETE by key, applied in order), replace "
      "(staging table swapped in with one atomic RENAME TABLE). Can create the table from the input schema.",
      false, [](DatabaseLoadOptions options, SchemaPtr input) {
        return std::unique_ptr<Operator>(new MysqlLoadOperator(std::move(options), std::move(input)));
      });
  d.connection_types = {"mysql", "mariadb"};  // what LookupConnection accepts
  d.config_schema["properties"]["op_column"] = OpColumnProperty();
  d.description += "\n\n";
  d.description += kMysqlLoadDetails;
  return d;
}

}  // namespace logidata
