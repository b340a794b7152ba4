#include "connectors/clickhouse/clickhouse_extract.h"

#include "connectors/clickhouse/clickhouse_client.h"
#include "connectors/clickhouse/clickhouse_types.h"
#include "connectors/connection_lookup.h"
#include "connectors/row_batches.h"
#include "connectors/sql_module_parts.h"

namespace logidata {

namespace {

constexpr const char* kTypes[] = {"clickhouse"};
// No extra settings: the query goes as an HTTP GET, which ClickHouse runs read-only (it refuses
// writes and any change of `readonly`), and an explicit readonly=1 would be refused on a GET.
constexpr const char* kSettings = "";

void SplitTabs(std::string_view line, std::vector<std::string_view>* fields) {
  fields->clear();
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      fields->push_back(line.substr(start));
      return;
    }
    fields->push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

// The user's query wrapped so it can only be a SELECT and keeps its own comments to itself.
Result<std::string> WrappedQuery(const std::string& sql) {
  std::string q = sql;
  while (!q.empty() && (std::isspace(static_cast<unsigned char>(q.back())) || q.back() == ';')) q.pop_back();
  if (q.empty()) return ConfigError("/query", "the query is empty");
  return "SELECT * FROM (\n" + q + "\n) FORMAT TSVWithNamesAndTypes";
}

struct ResultHeader {
  std::vector<std::string> names, types;
};

// Reads the two header lines of a TSVWithNamesAndTypes result.
Result<ResultHeader> ReadHeader(ClickhouseStream& stream) {
  ResultHeader h;
  std::string_view line;
  std::vector<std::string_view> fields;
  std::string text;
  for (auto* out : {&h.names, &h.types}) {
    LD_ASSIGN_OR_RETURN(bool got, stream.NextLine(&line));
    if (!got) return Status::DataError("ClickHouse sent no result header");
    SplitTabs(line, &fields);
    for (std::string_view f : fields) {
      UnescapeTsvField(f, &text);
      out->push_back(text);
    }
  }
  if (h.names.size() != h.types.size()) return Status::DataError("ClickHouse sent a malformed result header");
  return h;
}

class ClickhouseExtractOperator final : public Operator {
 public:
  ClickhouseExtractOperator(std::string connection, std::string query, SchemaPtr schema, std::vector<std::string> ch_types,
                            int64_t batch_rows)
      : connection_(std::move(connection)), query_(std::move(query)), ch_types_(std::move(ch_types)), batch_rows_(batch_rows) {
    output_schemas_.push_back(std::move(schema));
  }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    if (output_schemas_[0]->num_fields() == 0) return Status::InvalidArgument("extract.clickhouse was bound without the server");
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, connection_, {"clickhouse"}));
    LD_ASSIGN_OR_RETURN(ClickhouseClient client, ClickhouseClient::Make(config, ctx.cancelled));
    LD_ASSIGN_OR_RETURN(stream_, ClickhouseStream::Open(client, query_, kSettings));
    LD_ASSIGN_OR_RETURN(ResultHeader header, ReadHeader(*stream_));
    if (header.types != ch_types_) {
      return Status::Conflict("extract.clickhouse: the query's columns changed since the pipeline was validated");
    }
    return Status::OK();
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (done_) return false;
    LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
    const Schema& schema = *output_schemas_[0];
    std::vector<ColumnBuilder> builders = MakeBuilders(schema, batch_rows_);
    int64_t rows = 0;
    std::string_view line;
    while (rows < batch_rows_) {
      LD_ASSIGN_OR_RETURN(bool got, stream_->NextLine(&line));
      if (!got) {
        done_ = true;
        break;
      }
      SplitTabs(line, &fields_);
      const int64_t row_number = total_ + rows + 1;
      if (static_cast<int>(fields_.size()) != schema.num_fields()) {
        // The server reports an error that happens after the first bytes in the body itself.
        if (line.substr(0, 6) == "Code: ") {
          return Status::Unavailable("extract.clickhouse: the server failed after " + std::to_string(row_number - 1) +
                                     " rows: " + std::string(line.substr(0, 2000)));
        }
        return Status::DataError("extract.clickhouse: row " + std::to_string(row_number) + " has " +
                                 std::to_string(fields_.size()) + " fields, expected " + std::to_string(schema.num_fields()));
      }
      LD_RETURN_IF_ERROR(AppendRow(schema, builders, "extract.clickhouse", row_number, [this](int c, ColumnBuilder& b) {
        std::string_view f = fields_[static_cast<size_t>(c)];
        if (f == "\\N") {
          b.AppendNull();
          return Status::OK();
        }
        UnescapeTsvField(f, &text_);
        return AppendTsvCell(text_, ch_types_[static_cast<size_t>(c)], b);
      }));
      ++rows;
    }
    total_ += rows;
    LD_RETURN_IF_ERROR(EmitRows(output_schemas_[0], builders, rows, &emitted_, out));
    if (done_) stream_.reset();
    return !done_;
  }

  void Abort() override { stream_.reset(); }

  int64_t MemoryUsage() const override { return stream_ ? static_cast<int64_t>(stream_->buffered()) : 0; }

 private:
  std::string connection_, query_;
  std::vector<std::string> ch_types_;
  int64_t batch_rows_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<ClickhouseStream> stream_;
  std::vector<std::string_view> fields_;
  std::string text_;
  bool done_ = false, emitted_ = false;
  int64_t total_ = 0;
};

Result<std::unique_ptr<Operator>> BindClickhouseExtract(const BindContext& ctx) {
  const auto& cfg = ctx.cfg();
  std::string connection = cfg.value("connection", std::string());
  if (connection.empty()) return ConfigError("/connection", "a connection name is required");
  std::string table = cfg.value("table", std::string());
  std::string sql = cfg.value("query", std::string());
  if (table.empty() == sql.empty()) return ConfigError("/table", "set exactly one of 'table' and 'query'");
  const std::string pointer = table.empty() ? "/query" : "/table";
  if (!table.empty()) {
    auto quoted = QuoteClickhouseIdentifier(table, "table name");
    if (!quoted.ok()) return ConfigError("/table", quoted.status().message());
    sql = "SELECT * FROM " + *quoted;
  }
  auto query = WrappedQuery(sql);
  if (!query.ok()) return query.status();
  int64_t batch_rows = cfg.value("batch_rows", kTargetBatchRows);
  if (ctx.connections == nullptr || !ctx.can_touch_data) {
    return std::unique_ptr<Operator>(new ClickhouseExtractOperator(connection, *query, MakeSchema({}), {}, batch_rows));
  }
  LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, connection, {"clickhouse"}));
  LD_ASSIGN_OR_RETURN(ClickhouseClient client, ClickhouseClient::Make(config));
  // The result's columns without running the query: the same query with LIMIT 0.
  std::string probe = *query;
  probe.insert(probe.rfind(" FORMAT "), " LIMIT 0");
  auto stream = ClickhouseStream::Open(client, probe, kSettings);
  if (!stream.ok()) {
    if (stream.status().code() == StatusCode::kInvalidArgument) return ConfigError(pointer, stream.status().message());
    return stream.status();
  }
  auto header = ReadHeader(**stream);
  if (!header.ok()) return header.status();
  std::vector<Field> fields;
  for (size_t i = 0; i < header->names.size(); ++i) {
    bool nullable = false;
    DataType type = ClickhouseResultType(header->types[i], &nullable);
    fields.push_back({header->names[i], type, nullable});
  }
  return std::unique_ptr<Operator>(
      new ClickhouseExtractOperator(connection, *query, MakeSchema(std::move(fields)), header->types, batch_rows));
}

}  // namespace

constexpr const char* kClickhouseExtractDetails = R"md(The query is sent over the HTTP interface as `SELECT * FROM (<query>) FORMAT TSVWithNamesAndTypes` in an HTTP GET, which ClickHouse runs read-only, so it can only read; rows are parsed while the server sends them (bounded memory for any result size). ClickHouse 18.16 has no RowBinaryWithNamesAndTypes, hence the text format. Run parameters (`:name`) are not substituted: ClickHouse 18.16 has no bound query parameters and the extract never splices values into SQL. A server error after the first rows (the server writes it into the body) fails the run with the server's message.

**Types** (see [connectors](../connectors.md#clickhouse)): Int8/Int16/Int32/UInt8/UInt16 → int32, Int64/UInt32 → int64, UInt64 → decimal(20,0), Float32/Float64 → float64, Decimal(P,S) → decimal(P,S), Date → date, DateTime('UTC') → timestamp(UTC), DateTime and DateTime in another zone → timestamp (the zone's wall clock), `Enum8('false' = 0, 'true' = 1)` → bool, String/FixedString/Enum/UUID/arrays/others → string (their text form). Nullable(T) → T with nulls; other columns never hold nulls.

**Connection** (type `clickhouse`): `host` = the HTTP interface's URL (`http://clickhouse:8123`, `https://…:8443`) or a bare host name with `port` (default 8123, 8443 with option `"secure": true`); `database`; `user` (default `default`) and the password as secret, sent as HTTP basic auth. On the server the URL's resolved address must pass the organization's egress rules. In a CLI connections file:

```json
{"connections": {"warehouse": {"type": "clickhouse", "host": "http://10.0.0.7:8123", "database": "analytics",
  "user": "etl", "secret_encrypted": "enc:v1:…"}}}
```)md";

ModuleDescriptor ClickhouseExtractModule() {
  nlohmann::json properties = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1},
                      {"description", "Name of a saved ClickHouse connection."}}},
      {"table", {{"type", "string"}, {"title", "Table"}, {"description", "Table to read entirely. Set either this or a query."}}},
      {"query", {{"type", "string"}, {"title", "SQL query"}, {"format", "sql"},
                 {"description", "SELECT to run (read-only; run parameters are not substituted)."}}},
      {"batch_rows", {{"type", "integer"}, {"title", "Rows per batch"}, {"default", kTargetBatchRows}, {"minimum", 1},
                      {"description", "Rows per output batch."}}},
  };
  ModuleDescriptor d = SqlExtractDescriptor(
      "clickhouse", "Reads a table or a query from ClickHouse over its HTTP interface.",
      "Streams the result while the server sends it, with ClickHouse's types and NULLs (Nullable columns) mapped to "
      "the engine's types. The query runs read-only.",
      std::move(properties), BindClickhouseExtract);
  d.connection_types = {kTypes[0]};
  d.description += "\n\n";
  d.description += kClickhouseExtractDetails;
  return d;
}

}  // namespace logidata
