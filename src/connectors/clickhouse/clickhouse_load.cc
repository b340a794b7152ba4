#include "connectors/clickhouse/clickhouse_load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>

#include "connectors/clickhouse/clickhouse_client.h"
#include "connectors/clickhouse/clickhouse_types.h"
#include "connectors/connection_lookup.h"
#include "connectors/load_ledger.h"
#include "connectors/sql_module_parts.h"

namespace logidata {

namespace {

constexpr char kVersionColumn[] = "_logidata_version";
// Upsert with op_column: 1 marks a deleted key. ClickHouse 18.16's ReplacingMergeTree has no
// is_deleted parameter, so the delete is a row of its own that wins by version, and readers
// filter it: SELECT … FROM t FINAL WHERE _logidata_deleted = 0.
constexpr char kDeletedColumn[] = "_logidata_deleted";
constexpr size_t kRequestBytes = size_t{16} << 20;

struct EncodeState final : OperatorState {
  std::string body;
};

// Rows of a small TabSeparated answer, fields unescaped.
std::vector<std::vector<std::string>> TsvRows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  size_t start = 0;
  std::string field;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + start, nl - start);
    std::vector<std::string> row;
    size_t f = 0;
    while (true) {
      size_t tab = line.find('\t', f);
      UnescapeTsvField(line.substr(f, tab == std::string_view::npos ? std::string_view::npos : tab - f), &field);
      row.push_back(field);
      if (tab == std::string_view::npos) break;
      f = tab + 1;
    }
    rows.push_back(std::move(row));
    start = nl + 1;
  }
  return rows;
}

class ClickhouseLoadOperator final : public Operator {
 public:
  ClickhouseLoadOperator(DatabaseLoadOptions options, SchemaPtr input) : options_(std::move(options)), input_(std::move(input)) {}

  bool EmitsOnConsume(int) const override { return false; }
  // Changes (op_column) get increasing versions in input order: the later change of a key wins.
  bool RequiresOrderedInput(int) const override { return !options_.op_column.empty(); }
  std::unique_ptr<OperatorState> MakeThreadState() override { return std::make_unique<EncodeState>(); }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, options_.connection, {"clickhouse"}));
    for (int c = 0; c < input_->num_fields(); ++c) {
      const Field& f = input_->field(c);
      if (f.name != options_.op_column) {
        loaded_columns_.push_back(c);
      } else if (f.type.id != TypeId::kString) {
        return ConfigError("/op_column", "column '" + f.name + "' must be a string column");
      } else {
        op_index_ = c;  // says what to do with the row, is not data
      }
    }
    LD_ASSIGN_OR_RETURN(ClickhouseClient client, ClickhouseClient::Make(config, ctx.cancelled));
    client_ = std::make_unique<ClickhouseClient>(std::move(client));
    LD_ASSIGN_OR_RETURN(target_, QuoteClickhouseIdentifier(options_.table, "table name"));
    LD_ASSIGN_OR_RETURN(stage_, QuoteClickhouseIdentifier(options_.table + "__logidata_new"));
    LD_ASSIGN_OR_RETURN(old_, QuoteClickhouseIdentifier(options_.table + "__logidata_old"));
    ledger_key_ = {ctx.pipeline_id, ctx.run_id, ctx.node_id};
    if (options_.ledger && !ctx.run_id.empty()) {
      LD_RETURN_IF_ERROR(Exec("CREATE TABLE IF NOT EXISTS " + std::string(kLoadLedgerTable) +
                              " (pipeline_id String, run_id String, node_id String, target String, rows Int64, "
                              "state String, loaded_at DateTime('UTC')) ENGINE = MergeTree "
                              "ORDER BY (pipeline_id, run_id, node_id)"));
      LD_ASSIGN_OR_RETURN(std::string found, client_->Execute(
          "SELECT rows, state FROM " + std::string(kLoadLedgerTable) + " WHERE pipeline_id = " +
          ClickhouseStringLiteral(ledger_key_.pipeline_id) + " AND run_id = " + ClickhouseStringLiteral(ledger_key_.run_id) +
          " AND node_id = " + ClickhouseStringLiteral(ledger_key_.node_id) + " LIMIT 1 FORMAT TSV"));
      auto rows = TsvRows(found);
      if (!rows.empty() && rows[0].size() == 2) {
        already_loaded_ = std::strtoll(rows[0][0].c_str(), nullptr, 10);  // an Int64 column: digits
        recorded_state_ = rows[0][1];
        ctx.Log(LogLevel::kInfo, LoadLedger::SkipMessage(ledger_key_, target_, already_loaded_));
        return Status::OK();
      }
      use_ledger_ = true;
    }
    LD_ASSIGN_OR_RETURN(std::string tz, client_->Execute("SELECT timezone() FORMAT TSV"));
    static const std::set<std::string> kUtcNames = {"UTC", "Etc/UTC", "UCT", "Etc/UCT", "GMT", "Etc/GMT", "Zulu",
                                                     "Etc/Zulu", "Universal", "Etc/Universal"};
    naive_utc_ = kUtcNames.count(tz.substr(0, tz.find('\n'))) > 0;
    LD_ASSIGN_OR_RETURN(std::string engine, client_->Execute(
        "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = " +
        ClickhouseStringLiteral(options_.table) + " FORMAT TSV"));
    const bool exists = !engine.empty();
    while (!engine.empty() && engine.back() == '\n') engine.pop_back();
    // Tables we create are MergeTrees; an existing Log/Memory/… table has no partitions to attach.
    merge_tree_ = !exists || engine.find("MergeTree") != std::string::npos;
    if (!exists && !options_.create_table) {
      return Status::NotFound("load.clickhouse: table " + target_ + " does not exist (enable create_table to create it)");
    }
    if (exists && options_.mode == LoadMode::kUpsert && engine.rfind("ReplacingMergeTree", 0) != 0) {
      return ConfigError("/mode", "upsert needs a ReplacingMergeTree table with a " + std::string(kVersionColumn) +
                                      " column; " + target_ + " is " + engine);
    }
    if (exists && op_index_ >= 0) LD_RETURN_IF_ERROR(AddDeletedColumn());
    // A staging table left by a killed run is stale.
    LD_RETURN_IF_ERROR(Exec("DROP TABLE IF EXISTS " + stage_));
    target_existed_ = exists;
    const bool swap = options_.mode == LoadMode::kReplace || options_.mode == LoadMode::kTruncate;
    if (!exists && swap) {
      LD_RETURN_IF_ERROR(CreateTable(stage_));  // renamed to the target on success
    } else {
      if (!exists) {
        LD_RETURN_IF_ERROR(CreateTable(target_));
        created_target_ = true;
      }
      LD_RETURN_IF_ERROR(Exec("CREATE TABLE " + stage_ + " AS " + target_));
    }
    staged_ = true;
    // Encoders follow the staging table's columns, so an existing table's own types are honoured.
    LD_ASSIGN_OR_RETURN(std::string columns, client_->Execute(
        "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = " +
        ClickhouseStringLiteral(options_.table + "__logidata_new") + " FORMAT TSV"));
    std::map<std::string, std::string> types;
    for (auto& row : TsvRows(columns)) {
      if (row.size() == 2) types[row[0]] = row[1];
    }
    std::string list;
    for (int c : loaded_columns_) {
      const Field& f = input_->field(c);
      auto it = types.find(f.name);
      if (it == types.end()) return Status::InvalidArgument("load.clickhouse: " + target_ + " has no column '" + f.name + "'");
      auto encoder = RowBinaryEncoder::Make(it->second, f.type);
      if (!encoder.ok()) return encoder.status().WithContext("load.clickhouse: column '" + f.name + "'");
      encoders_.push_back(*encoder);
      LD_ASSIGN_OR_RETURN(std::string q, QuoteClickhouseIdentifier(f.name, "column name"));
      list += (list.empty() ? "" : ", ") + q;
    }
    if (options_.mode == LoadMode::kUpsert) {
      if (types.count(kVersionColumn) == 0 || types[kVersionColumn] != "UInt64") {
        return ConfigError("/mode", "upsert needs a UInt64 column " + std::string(kVersionColumn) + " in " + target_);
      }
      list += std::string(", ") + kVersionColumn;
      LD_ASSIGN_OR_RETURN(next_version_, FirstVersion());
      if (op_index_ >= 0) {
        if (types.count(kDeletedColumn) == 0 || types[kDeletedColumn] != "UInt8") {
          return ConfigError("/op_column", "deletes need a UInt8 column " + std::string(kDeletedColumn) + " in " + target_);
        }
        list += std::string(", ") + kDeletedColumn;
      }
    }
    insert_sql_ = "INSERT INTO " + stage_ + " (" + list + ") FORMAT RowBinary";
    return Status::OK();
  }

  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter&) override {
    if (already_loaded_ >= 0) return Status::OK();
    auto* s = static_cast<EncodeState*>(state);
    const Batch& b = *batch;
    int64_t row = 0;
    while (row < b.num_rows()) {
      LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      s->body.clear();
      const int64_t first = row;
      for (; row < b.num_rows() && s->body.size() < kRequestBytes; ++row) {
        for (size_t i = 0; i < loaded_columns_.size(); ++i) {
          const int c = loaded_columns_[i];
          Status st = encoders_[i].Append(*b.column(c), row, &s->body);
          if (!st.ok()) {
            return st.WithContext("load.clickhouse: batch " + std::to_string(b.sequence()) + " row " +
                                  std::to_string(row + 1) + ", column '" + input_->field(c).name + "'");
          }
        }
        if (options_.mode == LoadMode::kUpsert) {
          // RowBinary UInt64 and UInt8 are little-endian, as this machine.
          const uint64_t version = next_version_.fetch_add(1);
          s->body.append(reinterpret_cast<const char*>(&version), sizeof version);
          if (op_index_ >= 0) {
            const Column& ops = *b.column(op_index_);
            s->body.push_back(!ops.IsNull(row) && ops.GetString(row) == "delete" ? '\1' : '\0');
          }
        }
      }
      Status sent = client_->Insert(insert_sql_, s->body);
      if (!sent.ok()) {
        return sent.WithContext("load.clickhouse: inserting rows " + std::to_string(first + 1) + ".." +
                                std::to_string(row) + " of batch " + std::to_string(b.sequence()));
      }
      rows_ += row - first;
    }
    return Status::OK();
  }

  Status Commit() override {
    if (already_loaded_ >= 0) return LoadLedger::RestoreState(ctx_->state, recorded_state_);
    if (options_.mode == LoadMode::kReplace || options_.mode == LoadMode::kTruncate) {
      if (target_existed_) {
        LD_RETURN_IF_ERROR(Exec("DROP TABLE IF EXISTS " + old_));
        // One RENAME statement: readers see the old table or the new one, never neither.
        LD_RETURN_IF_ERROR(Exec("RENAME TABLE " + target_ + " TO " + old_ + ", " + stage_ + " TO " + target_));
        staged_ = false;
        LD_RETURN_IF_ERROR(Exec("DROP TABLE " + old_));
      } else {
        LD_RETURN_IF_ERROR(Exec("RENAME TABLE " + stage_ + " TO " + target_));
        staged_ = false;
      }
    } else if (!merge_tree_) {
      // One INSERT … SELECT: not atomic if the server dies during it, the best these engines allow.
      LD_RETURN_IF_ERROR(Exec("INSERT INTO " + target_ + " SELECT * FROM " + stage_));
    } else {
      LD_ASSIGN_OR_RETURN(std::string parts, client_->Execute(
          "SELECT DISTINCT partition_id FROM system.parts WHERE database = currentDatabase() AND table = " +
          ClickhouseStringLiteral(options_.table + "__logidata_new") + " AND active FORMAT TSV"));
      for (auto& row : TsvRows(parts)) {
        LD_RETURN_IF_ERROR(Exec("ALTER TABLE " + target_ + " ATTACH PARTITION ID " + ClickhouseStringLiteral(row[0]) +
                                " FROM " + stage_));
      }
    }
    created_target_ = false;  // published: an error below must not drop it
    if (use_ledger_) {
      LD_RETURN_IF_ERROR(Exec("INSERT INTO " + std::string(kLoadLedgerTable) +
                              " (pipeline_id, run_id, node_id, target, rows, state, loaded_at) VALUES (" +
                              ClickhouseStringLiteral(ledger_key_.pipeline_id) + ", " +
                              ClickhouseStringLiteral(ledger_key_.run_id) + ", " +
                              ClickhouseStringLiteral(ledger_key_.node_id) + ", " + ClickhouseStringLiteral(target_) + ", " +
                              std::to_string(rows_.load()) + ", " +
                              ClickhouseStringLiteral(LoadLedger::StateJson(ctx_->state)) + ", now())"));
    }
    if (staged_) (void)Exec("DROP TABLE IF EXISTS " + stage_);
    staged_ = false;
    ctx_->Log(LogLevel::kInfo, "loaded " + std::to_string(rows_.load()) + " rows into " + target_);
    return Status::OK();
  }

  void Abort() override {
    if (client_ == nullptr) return;
    // Cleanup must run even when the run was cancelled.
    auto cleanup = ClickhouseClient::Make(client_->config());
    if (!cleanup.ok()) return;
    if (staged_) (void)cleanup->Execute("DROP TABLE IF EXISTS " + stage_);
    if (created_target_) (void)cleanup->Execute("DROP TABLE IF EXISTS " + target_);
    staged_ = created_target_ = false;
  }

 private:
  Status Exec(const std::string& sql) { return client_->Execute(sql).status(); }

  // Versions only grow: the run's start in microseconds, or past the table's highest version if
  // that is later (a clock set back, or many rows in the previous run); then one per row.
  Result<uint64_t> FirstVersion() {
    const uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                   std::chrono::system_clock::now().time_since_epoch()).count());
    uint64_t highest = 0;
    if (target_existed_) {
      LD_ASSIGN_OR_RETURN(std::string max, client_->Execute("SELECT max(" + std::string(kVersionColumn) + ") FROM " + target_ +
                                                            " FORMAT TSV"));
      highest = std::strtoull(max.c_str(), nullptr, 10);  // a UInt64 column: digits
    }
    return std::max(now, highest + 1);
  }

  // Upsert tables from before deletes were supported get the marker column (0 for every row).
  Status AddDeletedColumn() {
    LD_ASSIGN_OR_RETURN(std::string found, client_->Execute(
        "SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = " +
        ClickhouseStringLiteral(options_.table) + " AND name = " + ClickhouseStringLiteral(kDeletedColumn) + " FORMAT TSV"));
    if (found.rfind("0", 0) != 0) return Status::OK();
    const std::string sql = "ALTER TABLE " + target_ + " ADD COLUMN " + kDeletedColumn + " UInt8";
    ctx_->Log(LogLevel::kInfo, "deletes need a marker column: " + sql);
    return Exec(sql);
  }

  Status CreateTable(const std::string& name) {
    std::string sql = "CREATE TABLE " + name + " (";
    for (size_t i = 0; i < loaded_columns_.size(); ++i) {
      const Field& f = input_->field(loaded_columns_[i]);
      const bool is_key = std::find(options_.keys.begin(), options_.keys.end(), f.name) != options_.keys.end();
      LD_ASSIGN_OR_RETURN(std::string q, QuoteClickhouseIdentifier(f.name, "column name"));
      std::string type = ClickhouseDdlType(f.type, naive_utc_);
      // Sorting-key columns cannot be Nullable in ClickHouse.
      if (f.nullable && !is_key) type = "Nullable(" + type + ")";
      sql += (i ? ", " : "") + q + " " + type;
    }
    std::string order = "tuple()";
    if (!options_.keys.empty()) {
      order = "(";
      for (size_t i = 0; i < options_.keys.size(); ++i) {
        LD_ASSIGN_OR_RETURN(std::string q, QuoteClickhouseIdentifier(options_.keys[i]));
        order += (i ? ", " : "") + q;
      }
      order += ")";
    }
    if (options_.mode == LoadMode::kUpsert) {
      sql += std::string(", ") + kVersionColumn + " UInt64";
      if (op_index_ >= 0) sql += std::string(", ") + kDeletedColumn + " UInt8";
      sql += std::string(") ENGINE = ReplacingMergeTree(") + kVersionColumn + ")";
    } else {
      sql += ") ENGINE = MergeTree";
    }
    sql += " ORDER BY " + order;
    return Exec(sql);
  }

  DatabaseLoadOptions options_;
  SchemaPtr input_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<ClickhouseClient> client_;
  LoadLedgerKey ledger_key_;
  bool use_ledger_ = false;
  int64_t already_loaded_ = -1;  // >= 0: an earlier attempt of this run loaded it; skip
  std::string recorded_state_;
  std::string target_, stage_, old_, insert_sql_;
  std::vector<RowBinaryEncoder> encoders_;
  bool naive_utc_ = true, target_existed_ = false, created_target_ = false, staged_ = false, merge_tree_ = true;
  std::atomic<uint64_t> next_version_{0};  // upsert: the next row's _logidata_version
  std::vector<int> loaded_columns_;        // input columns loaded (all but the op column)
  int op_index_ = -1;                      // the op_column's input index, or -1
  std::atomic<int64_t> rows_{0};
};

}  // namespace

constexpr const char* kClickhouseLoadDetails = R"md(Each batch goes to the server as `INSERT INTO … FORMAT RowBinary` requests of up to 16 MiB, every cell encoded for the target column's own type (so existing tables keep their types; a value that does not fit fails the run naming its batch, row and column). ClickHouse has no transactions, so every mode fills a staging table `<table>__logidata_new` created `AS` the target and publishes it only when the run succeeds:

- **append**: `ALTER TABLE target ATTACH PARTITION ID … FROM staging` for each partition of the staging table (one statement for an unpartitioned table); an existing table of another engine family (Log, Memory, …) gets one `INSERT INTO target SELECT * FROM staging`, which the server runs at once but not atomically;
- **replace** (and **truncate**, which is the same here): one `RENAME TABLE target TO <table>__logidata_old, staging TO target`, then the old table is dropped. ClickHouse 18.16 has no `EXCHANGE TABLES`;
- **upsert**: the table is a `ReplacingMergeTree(_logidata_version)` ordered by the key columns; each row is written with a `_logidata_version` one above the row before it, starting at the run's start time in microseconds (or above the table's highest version, if that is later), published like append. ClickHouse replaces older rows with the same key when it merges parts: read with `SELECT … FINAL` (or `OPTIMIZE TABLE … FINAL`) to see one row per key, the one of the latest version. An existing table must be a ReplacingMergeTree with a UInt64 `_logidata_version` column.
- **upsert with `op_column`** (a change stream such as extract.postgres in mode cdc writes): rows are applied in input order, so the later change of a key gets the higher version and wins. ClickHouse 18.16 has no transactions and its ReplacingMergeTree no `is_deleted` parameter (that came in 23.2), so a delete is written as a tombstone: a row with the key, `_logidata_deleted = 1` and the next version. **Read the replica with `SELECT … FROM table FINAL WHERE _logidata_deleted = 0`** (without `FINAL` a reader sees superseded versions and tombstones until the parts merge). Tombstones stay in the table (an `ALTER TABLE … DELETE WHERE _logidata_deleted = 1` after `OPTIMIZE TABLE … FINAL`, with no load running, removes them; removed earlier they would bring back the older row). A created table gets the UInt8 column `_logidata_deleted`; an existing upsert table without it gets it added (`ALTER TABLE … ADD COLUMN`, 0 for the rows there). Replaying the same changes writes them again with higher versions: the table reads the same.

A failed or cancelled run drops the staging table (and a table it created), so the target is unchanged; a staging table left by a killed process is dropped by the next run.

**Exactly once:** a `_logidata_loads` ledger table (MergeTree) in the connection's database records each published load; a retried attempt of the same run finds its row and skips the load. Without transactions the row is written right after the publishing statement, not with it: a process killed between the two (one HTTP request apart) leaves a load that a retry appends again (upsert and replace are idempotent, so only append can duplicate then). `"ledger": false` opts out.

Created tables: `MergeTree ORDER BY (keys)` (or `tuple()` without keys); key columns are not Nullable (ClickHouse forbids it), other columns are `Nullable(T)` when the input column may hold nulls. Types: bool → `Enum8('false' = 0, 'true' = 1)` (read back as bool), int32 → Int32, int64 → Int64, float64 → Float64, decimal(p,s) → Decimal(p, s), string and binary → String, date → Date, timestamp → DateTime (whole seconds; dates 1970-01-01..2105-12-31, the range ClickHouse 18.16 prints correctly; a fraction of a second fails the row; time-zone-less values use plain DateTime on a server in UTC, else DateTime('UTC')), timestamp with a zone → DateTime('UTC').

**Connection** (type `clickhouse`): as for [extract.clickhouse](extract.clickhouse.md).)md";

ModuleDescriptor ClickhouseLoadModule() {
  ModuleDescriptor d = SqlLoadDescriptor(
      "clickhouse", "Writes rows into a ClickHouse table over its HTTP interface.",
      "Loads with batched INSERT … FORMAT RowBinary requests into a staging table that is published only when the run "
      "succeeds. Modes: append (partitions attached to the target), replace (atomic RENAME swap), upsert "
      "(ReplacingMergeTree with a version column; with op_column deletes are tombstones; read with FINAL). Can create the table from the input schema.",
      false, [](DatabaseLoadOptions options, SchemaPtr input) {
        return std::unique_ptr<Operator>(new ClickhouseLoadOperator(std::move(options), std::move(input)));
      });
  d.connection_types = {"clickhouse"};
  d.config_schema["properties"]["op_column"] = OpColumnProperty();
  // ClickHouse has no transactions: say what the ledger can promise here.
  d.config_schema["properties"]["ledger"]["description"] =
      "Record each published load in the table _logidata_loads of the connection's database, right after publishing "
      "(ClickHouse has no transactions), so a retried run (same run id) skips a load that was published. Turn off "
      "only where the loader may not create tables.";
  d.description += "\n\n";
  d.description += kClickhouseLoadDetails;
  return d;
}

}  // namespace logidata
