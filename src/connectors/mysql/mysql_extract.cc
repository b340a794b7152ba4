#include "connectors/mysql/mysql_extract.h"

#include <cstring>

#include "connectors/connection_lookup.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/row_batches.h"
#include "connectors/sql_module_parts.h"
#include "connectors/sql_text.h"
#include "connectors/value_text.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

constexpr unsigned int kBinaryCharset = 63;

DataType MysqlFieldType(const MYSQL_FIELD& f) {
  bool is_unsigned = (f.flags & UNSIGNED_FLAG) != 0;
  switch (f.type) {
    case MYSQL_TYPE_TINY: return f.length == 1 ? DataType::Bool() : DataType::Int32();
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_YEAR: return DataType::Int32();
    case MYSQL_TYPE_LONG: return is_unsigned ? DataType::Int64() : DataType::Int32();
    case MYSQL_TYPE_LONGLONG: return DataType::Int64();
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE: return DataType::Float64();
    case MYSQL_TYPE_NEWDECIMAL:
    case MYSQL_TYPE_DECIMAL: {
      int scale = static_cast<int>(f.decimals);
      int precision = static_cast<int>(f.length) - (scale > 0 ? 1 : 0) - (is_unsigned ? 0 : 1);
      if (precision >= 1 && precision <= 38) return DataType::Decimal(precision, scale);
      return DataType::String();
    }
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: return DataType::Date();
    case MYSQL_TYPE_DATETIME: return DataType::Timestamp();
    case MYSQL_TYPE_TIMESTAMP: return DataType::Timestamp("UTC");  // the session runs in UTC
    case MYSQL_TYPE_BIT: return DataType::Int64();
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VARCHAR:
      return f.charsetnr == kBinaryCharset ? DataType::Binary() : DataType::String();
    default: return DataType::String();
  }
}

struct StmtCloser {
  void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
};
using StmtPtr = std::unique_ptr<MYSQL_STMT, StmtCloser>;

// Prepares `sql` and binds `values` as string parameters (they must outlive execution).
Result<StmtPtr> PrepareBound(MysqlConnection& conn, const BoundQuery& q, std::vector<MYSQL_BIND>& binds,
                             std::vector<unsigned long>& lengths) {
  StmtPtr stmt(mysql_stmt_init(conn.get()));
  if (!stmt) return conn.Error("mysql_stmt_init");
  if (mysql_stmt_prepare(stmt.get(), q.sql.data(), q.sql.size()) != 0) return conn.StmtError(stmt.get(), "cannot prepare SQL");
  if (mysql_stmt_param_count(stmt.get()) != q.values.size()) {
    return Status::InvalidArgument("the query has " + std::to_string(mysql_stmt_param_count(stmt.get())) +
                                   " placeholders; use named :parameters only");
  }
  binds.assign(q.values.size(), MYSQL_BIND{});
  lengths.resize(q.values.size());
  for (size_t i = 0; i < q.values.size(); ++i) {
    lengths[i] = q.values[i].size();
    binds[i].buffer_type = MYSQL_TYPE_STRING;
    binds[i].buffer = const_cast<char*>(q.values[i].data());
    binds[i].buffer_length = lengths[i];
    binds[i].length = &lengths[i];
  }
  if (!binds.empty() && mysql_stmt_bind_param(stmt.get(), binds.data()) != 0) {
    return conn.StmtError(stmt.get(), "binding parameters");
  }
  return stmt;
}

class MysqlExtractOperator final : public Operator {
 public:
  MysqlExtractOperator(std::string connection, std::string sql, SchemaPtr schema, int64_t batch_rows)
      : connection_(std::move(connection)), sql_(std::move(sql)), batch_rows_(batch_rows) {
    output_schemas_.push_back(std::move(schema));
  }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    if (output_schemas_[0]->num_fields() == 0) return Status::InvalidArgument("extract.mysql was bound without the server");
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, connection_, {"mysql", "mariadb"}));
    LD_ASSIGN_OR_RETURN(conn_, MysqlConnection::Connect(config));
    conn_->CancelWhen(ctx.cancelled);
    LD_ASSIGN_OR_RETURN(query_, BindNamedParameters(SqlDialect::kMysql, sql_, ctx.params));
    LD_ASSIGN_OR_RETURN(stmt_, PrepareBound(*conn_, query_, param_binds_, param_lengths_));
    const int ncols = output_schemas_[0]->num_fields();
    if (static_cast<int>(mysql_stmt_field_count(stmt_.get())) != ncols) {
      return Status::Conflict("extract.mysql: the query's columns changed since the pipeline was validated");
    }
    if (mysql_stmt_execute(stmt_.get()) != 0) return conn_->StmtError(stmt_.get(), "extract.mysql");
    // Result buffers: integers and doubles as such, everything else as text.
    cells_.resize(static_cast<size_t>(ncols));
    result_binds_.assign(static_cast<size_t>(ncols), MYSQL_BIND{});
    for (int c = 0; c < ncols; ++c) {
      Cell& cell = cells_[static_cast<size_t>(c)];
      MYSQL_BIND& b = result_binds_[static_cast<size_t>(c)];
      TypeId id = output_schemas_[0]->field(c).type.id;
      if (id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kBool) {
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &cell.i;
      } else if (id == TypeId::kFloat64) {
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &cell.d;
      } else {
        cell.text.resize(256);
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = cell.text.data();
        b.buffer_length = cell.text.size();
      }
      b.length = &cell.length;
      b.is_null = &cell.is_null;
      b.error = &cell.error;
    }
    if (mysql_stmt_bind_result(stmt_.get(), result_binds_.data()) != 0) return conn_->StmtError(stmt_.get(), "extract.mysql");
    return Status::OK();
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (done_) return false;
    LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
    const Schema& schema = *output_schemas_[0];
    std::vector<ColumnBuilder> builders = MakeBuilders(schema, batch_rows_);
    int64_t rows = 0;
    while (rows < batch_rows_) {
      int rc = mysql_stmt_fetch(stmt_.get());
      if (rc == MYSQL_NO_DATA) {
        done_ = true;
        break;
      }
      if (rc == 1) {
        return conn_->StmtError(stmt_.get(), "extract.mysql: stream broken after " + std::to_string(total_ + rows) + " rows");
      }
      LD_RETURN_IF_ERROR(AppendRow(schema, builders, "extract.mysql", total_ + rows + 1,
                                   [this](int c, ColumnBuilder& b) { return AppendCell(c, b); }));
      ++rows;
    }
    total_ += rows;
    LD_RETURN_IF_ERROR(EmitRows(output_schemas_[0], builders, rows, &emitted_, out));
    if (done_) {
      stmt_.reset();
      conn_.reset();
    }
    return !done_;
  }

  void Abort() override {
    stmt_.reset();
    conn_.reset();
  }

 private:
  struct Cell {
    long long i = 0;
    double d = 0;
    std::string text;
    unsigned long length = 0;
    my_bool is_null = 0;
    my_bool error = 0;
  };

  Status AppendCell(int c, ColumnBuilder& b) {
    Cell& cell = cells_[static_cast<size_t>(c)];
    if (cell.is_null) {
      b.AppendNull();
      return Status::OK();
    }
    switch (b.type().id) {
      case TypeId::kBool: b.AppendBool(cell.i != 0); return Status::OK();
      case TypeId::kInt32: b.AppendInt32(static_cast<int32_t>(cell.i)); return Status::OK();
      case TypeId::kInt64: b.AppendInt64(cell.i); return Status::OK();
      case TypeId::kFloat64: b.AppendDouble(cell.d); return Status::OK();
      default: break;
    }
    std::string_view text;
    std::string big;
    if (cell.length > cell.text.size()) {
      // Longer than the bound buffer: fetch this column again into one of the right size.
      big.resize(cell.length);
      MYSQL_BIND bind{};
      unsigned long len = 0;
      bind.buffer_type = MYSQL_TYPE_STRING;
      bind.buffer = big.data();
      bind.buffer_length = big.size();
      bind.length = &len;
      if (mysql_stmt_fetch_column(stmt_.get(), &bind, static_cast<unsigned int>(c), 0) != 0) {
        return conn_->StmtError(stmt_.get(), "fetching a long value");
      }
      text = std::string_view(big.data(), len);
    } else {
      text = std::string_view(cell.text.data(), cell.length);
    }
    return AppendParsedText(text, b);
  }

  std::string connection_, sql_;
  int64_t batch_rows_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<MysqlConnection> conn_;
  BoundQuery query_;
  std::vector<MYSQL_BIND> param_binds_, result_binds_;
  std::vector<unsigned long> param_lengths_;
  std::vector<Cell> cells_;
  StmtPtr stmt_;
  bool done_ = false, emitted_ = false;
  int64_t total_ = 0;
};

Result<std::unique_ptr<Operator>> BindMysqlExtract(const BindContext& ctx) {
  const auto& cfg = ctx.cfg();
  LD_ASSIGN_OR_RETURN(SqlSource source, ReadSqlSource(cfg, SqlDialect::kMysql));
  const std::string& connection = source.connection;
  const std::string& sql = source.sql;
  int64_t batch_rows = cfg.value("batch_rows", kTargetBatchRows);
  if (ctx.connections == nullptr || !ctx.can_touch_data) {
    return std::unique_ptr<Operator>(new MysqlExtractOperator(connection, sql, MakeSchema({}), batch_rows));
  }
  LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, connection, {"mysql", "mariadb"}));
  LD_ASSIGN_OR_RETURN(auto conn, MysqlConnection::Connect(config));
  auto bound = BindNamedParameters(SqlDialect::kMysql, sql, ctx.params);
  if (!bound.ok()) return ConfigError("/query", bound.status().message());
  std::vector<MYSQL_BIND> binds;
  std::vector<unsigned long> lengths;
  auto stmt = PrepareBound(*conn, *bound, binds, lengths);
  if (!stmt.ok()) return ConfigError(source.pointer(), stmt.status().message());
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt->get());
  if (meta == nullptr) return ConfigError("/query", "the statement returns no rows");
  std::vector<Field> fields;
  unsigned int n = mysql_num_fields(meta);
  MYSQL_FIELD* f = mysql_fetch_fields(meta);
  for (unsigned int i = 0; i < n; ++i) fields.push_back({f[i].name, MysqlFieldType(f[i]), true});
  mysql_free_result(meta);
  return std::unique_ptr<Operator>(new MysqlExtractOperator(connection, sql, MakeSchema(std::move(fields)), batch_rows));
}

}  // namespace

constexpr const char* kMysqlExtractDetails = R"md(A prepared statement is executed with the parameters bound (`:name` becomes `?`) and fetched without buffering the result, so rows stream from the server. Table and column names are always quoted (`` `…` ``, the quote doubled).

**Types:** TINYINT(1) → bool, other integers → int32/int64, FLOAT/DOUBLE → float64, DECIMAL(p≤38) → decimal, DATE → date, DATETIME → timestamp, TIMESTAMP → timestamp(UTC) (session time zone `+00:00`), BLOB/BINARY → binary, everything else → string.

**Connection** (type `mysql`, also `mariadb`): `host`, `port`, `database`, `user`, the password as secret; options `ssl_mode` (disable, require, verify), `connect_timeout`, `read_timeout`, `write_timeout`. In a CLI connections file:

```json
{"connections": {"shop": {"type": "mysql", "host": "10.0.0.5", "database": "shop", "user": "etl",
  "secret_encrypted": "enc:v1:…"}}}
```)md";

ModuleDescriptor MysqlExtractModule() {
  nlohmann::json properties = SqlSourceProperties("MySQL/MariaDB", false);
  properties["batch_rows"] = {{"type", "integer"}, {"title", "Rows per batch"}, {"default", kTargetBatchRows},
                              {"minimum", 1}, {"description", "Rows per output batch."}};
  ModuleDescriptor d = SqlExtractDescriptor(
      "mysql", "Reads a table or a query from MySQL or MariaDB.",
      "Streams rows from the server without buffering the whole result. Queries may use run parameters as "
      "`:name`; they are bound as statement parameters, never spliced into the SQL. The session runs in UTC.",
      std::move(properties), BindMysqlExtract);
  d.connection_types = {"mysql", "mariadb"};  // what LookupConnection accepts
  d.description += "\n\n";
  d.description += kMysqlExtractDetails;
  return d;
}

}  // namespace logidata
