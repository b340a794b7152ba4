#include "connectors/sqlite/sqlite_extract.h"

#include "connectors/connection_lookup.h"
#include "connectors/row_batches.h"
#include "connectors/sql_module_parts.h"
#include "connectors/sql_text.h"
#include "connectors/sqlite/sqlite_database.h"
#include "connectors/value_text.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

// Binds every :name / @name / $name parameter of `stmt` from `params`.
Status BindSqliteParameters(sqlite3_stmt* stmt, const ParameterMap* params, SqliteDatabase& db) {
  int n = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= n; ++i) {
    const char* raw = sqlite3_bind_parameter_name(stmt, i);
    if (raw == nullptr) return Status::InvalidArgument("positional '?' parameters are not supported; use :name");
    std::string name = raw + 1;
    auto it = params != nullptr ? params->find(name) : ParameterMap::const_iterator();
    if (params == nullptr || it == params->end()) {
      return Status::InvalidArgument("query parameter ':" + name + "' has no value (pass it as a run parameter)");
    }
    if (sqlite3_bind_text(stmt, i, it->second.data(), static_cast<int>(it->second.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
      return db.Error("binding :" + name);
    }
  }
  return Status::OK();
}

class SqliteExtractOperator final : public Operator {
 public:
  SqliteExtractOperator(std::string connection, std::string sql, SchemaPtr schema, int64_t batch_rows)
      : connection_(std::move(connection)), sql_(std::move(sql)), batch_rows_(batch_rows) {
    output_schemas_.push_back(std::move(schema));
  }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, connection_, {"sqlite"}));
    LD_ASSIGN_OR_RETURN(db_, SqliteDatabase::Open(config, false, ctx.sandbox, FileAccess::kRead));
    LD_ASSIGN_OR_RETURN(stmt_, db_->Prepare(sql_));
    if (sqlite3_column_count(stmt_.get()) != output_schemas_[0]->num_fields()) {
      return Status::Conflict("extract.sqlite: the query's columns changed since the pipeline was validated");
    }
    return BindSqliteParameters(stmt_.get(), ctx.params, *db_);
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (done_) return false;
    LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
    const Schema& schema = *output_schemas_[0];
    std::vector<ColumnBuilder> builders = MakeBuilders(schema, batch_rows_);
    int64_t rows = 0;
    while (rows < batch_rows_) {
      int rc = sqlite3_step(stmt_.get());
      if (rc == SQLITE_DONE) {
        done_ = true;
        break;
      }
      if (rc != SQLITE_ROW) return db_->Error("extract.sqlite after " + std::to_string(total_) + " rows");
      LD_RETURN_IF_ERROR(AppendRow(schema, builders, "extract.sqlite", total_ + rows + 1,
                                   [this](int c, ColumnBuilder& b) { return AppendCell(c, b); }));
      ++rows;
    }
    total_ += rows;
    LD_RETURN_IF_ERROR(EmitRows(output_schemas_[0], builders, rows, &emitted_, out));
    if (done_) {
      stmt_.reset();
      db_.reset();
    }
    return !done_;
  }

  void Abort() override {
    stmt_.reset();
    db_.reset();
  }

 private:
  Status AppendCell(int c, ColumnBuilder& b) {
    sqlite3_stmt* s = stmt_.get();
    int storage = sqlite3_column_type(s, c);
    if (storage == SQLITE_NULL) {
      b.AppendNull();
      return Status::OK();
    }
    switch (b.type().id) {
      case TypeId::kInt64:
        if (storage == SQLITE_INTEGER) { b.AppendInt64(sqlite3_column_int64(s, c)); return Status::OK(); }
        break;
      case TypeId::kFloat64:
        if (storage == SQLITE_INTEGER || storage == SQLITE_FLOAT) { b.AppendDouble(sqlite3_column_double(s, c)); return Status::OK(); }
        break;
      case TypeId::kBool:
        if (storage == SQLITE_INTEGER) { b.AppendBool(sqlite3_column_int64(s, c) != 0); return Status::OK(); }
        break;
      case TypeId::kString:
      case TypeId::kBinary: {
        const void* data = b.type().id == TypeId::kBinary ? sqlite3_column_blob(s, c) : sqlite3_column_text(s, c);
        int n = sqlite3_column_bytes(s, c);
        b.AppendString(std::string_view(static_cast<const char*>(data), static_cast<size_t>(n)));
        return Status::OK();
      }
      default: break;
    }
    const char* text = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
    return AppendParsedText(std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(s, c))), b);
  }

  std::string connection_, sql_;
  int64_t batch_rows_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<SqliteDatabase> db_;
  SqliteStmt stmt_;
  bool done_ = false, emitted_ = false;
  int64_t total_ = 0;
};

Result<std::unique_ptr<Operator>> BindSqliteExtract(const BindContext& ctx) {
  const auto& cfg = ctx.cfg();
  LD_ASSIGN_OR_RETURN(SqlSource source, ReadSqlSource(cfg, SqlDialect::kSqlite));
  const std::string& connection = source.connection;
  const std::string& sql = source.sql;
  int64_t batch_rows = cfg.value("batch_rows", kTargetBatchRows);
  if (ctx.connections == nullptr || !ctx.can_touch_data) {
    return std::unique_ptr<Operator>(new SqliteExtractOperator(connection, sql, MakeSchema({}), batch_rows));
  }
  LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, connection, {"sqlite"}));
  auto opened = SqliteDatabase::Open(config, false, ctx.sandbox, FileAccess::kRead);
  if (!opened.ok() && opened.status().code() == StatusCode::kPermissionDenied) {
    return ConfigError("/connection", opened.status().message());
  }
  LD_ASSIGN_OR_RETURN(auto db, std::move(opened));
  auto stmt = db->Prepare(sql);
  if (!stmt.ok()) return ConfigError(source.pointer(), stmt.status().message());
  Status bound = BindSqliteParameters(stmt->get(), ctx.params, *db);
  if (!bound.ok()) return ConfigError("/query", bound.message());
  // Expression columns have no declared type: look at the first row's storage classes.
  int ncols = sqlite3_column_count(stmt->get());
  bool have_row = sqlite3_step(stmt->get()) == SQLITE_ROW;
  std::vector<Field> fields;
  for (int c = 0; c < ncols; ++c) {
    int storage = have_row ? sqlite3_column_type(stmt->get(), c) : SQLITE_TEXT;
    fields.push_back({sqlite3_column_name(stmt->get(), c), SqliteDeclToDataType(sqlite3_column_decltype(stmt->get(), c), storage), true});
  }
  if (fields.empty()) return ConfigError("/query", "the query returns no columns");
  return std::unique_ptr<Operator>(new SqliteExtractOperator(connection, sql, MakeSchema(std::move(fields)), batch_rows));
}

}  // namespace

constexpr const char* kSqliteExtractDetails = R"md(One prepared statement; expression columns take their first value's storage class.

**Connection** (type `sqlite`): `database` is the file path (on the server, a file of the organization's file area); option `busy_timeout_ms`. In a CLI connections file:

```json
{"connections": {"local": {"type": "sqlite", "database": "/data/app.db"}}}
```)md";

ModuleDescriptor SqliteExtractModule() {
  nlohmann::json properties = SqlSourceProperties("SQLite", false);
  properties["connection"]["description"] = "Name of a saved SQLite connection (its database is the file path).";
  properties["batch_rows"] = {{"type", "integer"}, {"title", "Rows per batch"}, {"default", kTargetBatchRows},
                              {"minimum", 1}, {"description", "Rows per output batch."}};
  ModuleDescriptor d = SqlExtractDescriptor(
      "sqlite", "Reads a table or a query from an SQLite database file.",
      "Steps through the result batch by batch. Queries may use run parameters as `:name`; SQLite binds them. "
      "Column types follow the declared types (INTEGER, REAL, TEXT, BLOB, BOOLEAN, DATE, TIMESTAMP, "
      "DECIMAL(p,s)); expression columns take the type of their first value.",
      std::move(properties), BindSqliteExtract);
  d.connection_types = {"sqlite"};  // what LookupConnection accepts
  d.description += "\n\n";
  d.description += kSqliteExtractDetails;
  return d;
}

}  // namespace logidata
