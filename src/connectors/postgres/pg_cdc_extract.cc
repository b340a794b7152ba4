#include "connectors/postgres/pg_cdc_extract.h"

#include <algorithm>
#include <map>

#include "connectors/connection_lookup.h"
#include "connectors/postgres/pg_connection.h"
#include "connectors/postgres/pg_copy_decoder.h"
#include "connectors/postgres/pg_test_decoding.h"
#include "connectors/value_text.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

constexpr char kContext[] = "extract.postgres (cdc)";

// bytea prints as '\x0a1b…' (bytea_output = hex, the default since PostgreSQL 9.0).
Status AppendHexBytea(std::string_view text, ColumnBuilder& builder) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) {
    return Status::DataError("bytea value is not in hex format (set bytea_output = hex)");
  }
  std::string bytes;
  for (size_t i = 2; i < text.size(); i += 2) {
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return Status::DataError("bad hex digit in a bytea value");
    bytes += static_cast<char>(hi * 16 + lo);
  }
  builder.AppendString(bytes);
  return Status::OK();
}

SchemaPtr WithChangeColumns(const Schema& table) {
  std::vector<Field> fields = table.fields();
  fields.push_back({kCdcOpColumn, DataType::String(), false});
  fields.push_back({kCdcLsnColumn, DataType::String(), true});
  return MakeSchema(std::move(fields));
}

class PgCdcExtractOperator final : public Operator {
 public:
  PgCdcExtractOperator(PgCdcPlan plan, SchemaPtr table_schema)
      : plan_(std::move(plan)), table_schema_(std::move(table_schema)) {
    output_schemas_.push_back(WithChangeColumns(*table_schema_));
    for (int i = 0; i < table_schema_->num_fields(); ++i) column_index_[table_schema_->field(i).name] = i;
  }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    if (table_schema_->num_fields() == 0) {
      return Status::InvalidArgument("extract.postgres was bound without reaching the database; validate with data");
    }
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, plan_.connection, {"postgres", "postgresql"}));
    LD_ASSIGN_OR_RETURN(conn_, PgConnection::Connect(config));
    conn_->CancelWhen(ctx.cancelled);
    LD_ASSIGN_OR_RETURN(bool created, EnsureSlot());
    // The snapshot is taken after the slot exists, so every change it misses is still in the
    // slot; changes it already contains are replayed on top (see the module docs on overlap).
    bool snapshot = created;
    if (ctx.state != nullptr) {
      LD_ASSIGN_OR_RETURN(auto done, ctx.state->Get(SnapshotKey()));
      snapshot = !done.has_value() || *done != plan_.slot;
    }
    ResetBuilders();
    if (snapshot) {
      ctx.Log(LogLevel::kInfo, "initial snapshot of " + plan_.table + ", then changes from slot " + plan_.slot +
                                   " (at " + slot_lsn_ + ")");
      std::string sql = "COPY (SELECT ";
      for (size_t i = 0; i < plan_.select_list.size(); ++i) sql += (i ? ", " : "") + plan_.select_list[i];
      sql += " FROM " + plan_.table + ") TO STDOUT WITH (FORMAT binary)";
      decoder_ = std::make_unique<PgCopyDecoder>(&plan_.decode_oids, table_schema_.get(), kContext);
      PgResultPtr r(PQexec(conn_->get(), sql.c_str()));
      if (!r || PQresultStatus(r.get()) != PGRES_COPY_OUT) return conn_->ErrorFrom(r.get(), kContext);
      snapshotting_ = true;
    }
    return Status::OK();
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
    if (snapshotting_) {
      LD_ASSIGN_OR_RETURN(bool more, decoder_->ReadRows(*conn_, builders_, plan_.fetch_rows, rows_out_));
      int64_t n = builders_[0].length() - op_builder_.length();
      for (int64_t i = 0; i < n; ++i) {
        op_builder_.AppendString("snapshot");
        lsn_builder_.AppendString(slot_lsn_);
      }
      if (!more) {
        snapshotting_ = false;
        if (ctx_->state != nullptr) LD_RETURN_IF_ERROR(ctx_->state->Put(SnapshotKey(), plan_.slot));
      }
      if (op_builder_.length() >= plan_.fetch_rows) LD_RETURN_IF_ERROR(EmitBuilders(out));
      return true;
    }
    if (!changes_read_) {
      changes_read_ = true;
      LD_RETURN_IF_ERROR(ReadChanges(out));
    }
    if (op_builder_.length() > 0 || !emitted_any_) LD_RETURN_IF_ERROR(EmitBuilders(out));
    return false;
  }

  Status AfterCommit() override {
    if (conn_ == nullptr) return Status::OK();
    if (ctx_->state != nullptr) {
      // A retry (same run id) whose load was skipped by the ledger got back the state that load
      // committed with: confirm what that load carried, not what this attempt read since.
      auto staged = ctx_->state->Staged();
      auto it = staged.find(ConfirmKey());
      if (it != staged.end()) confirm_lsn_ = it->second;
    }
    if (confirm_lsn_.empty()) return Status::OK();
    // greatest(): never ask to move backwards (an error), e.g. after another run confirmed more.
    auto r = conn_->Query("SELECT pg_replication_slot_advance(slot_name, greatest($2::pg_lsn, confirmed_flush_lsn)) "
                          "FROM pg_replication_slots WHERE slot_name = $1",
                          {plan_.slot, confirm_lsn_});
    if (!r.ok()) return r.status().WithContext("confirming slot " + plan_.slot + " at " + confirm_lsn_);
    ctx_->Log(LogLevel::kInfo, "confirmed slot " + plan_.slot + " up to " + confirm_lsn_);
    conn_.reset();
    return Status::OK();
  }

  void Abort() override { conn_.reset(); }

 private:
  std::string SnapshotKey() const { return ctx_->node_id + "/cdc_snapshot"; }
  std::string ConfirmKey() const { return ctx_->node_id + "/cdc_confirm_lsn"; }

  void ResetBuilders() {
    builders_.clear();
    for (const auto& f : table_schema_->fields()) builders_.emplace_back(f.type, kTargetBatchRows);
    op_builder_ = ColumnBuilder(DataType::String(), kTargetBatchRows);
    lsn_builder_ = ColumnBuilder(DataType::String(), kTargetBatchRows);
  }

  // Finds the slot, or creates it when allowed; true when this call created it.
  Result<bool> EnsureSlot() {
    LD_ASSIGN_OR_RETURN(PgResultPtr found,
                        conn_->Query("SELECT plugin, confirmed_flush_lsn::text FROM pg_replication_slots "
                                     "WHERE slot_name = $1 AND database = current_database()",
                                     {plan_.slot}));
    if (PQntuples(found.get()) == 1) {
      std::string plugin = PQgetvalue(found.get(), 0, 0);
      if (plugin != "test_decoding") {
        return Status::InvalidArgument(std::string(kContext) + ": slot " + plan_.slot + " uses plugin " + plugin +
                                       "; cdc reads slots created with test_decoding");
      }
      slot_lsn_ = PQgetvalue(found.get(), 0, 1);
      return false;
    }
    if (!plan_.create_slot) {
      return Status::NotFound(std::string(kContext) + ": replication slot " + plan_.slot +
                              " does not exist in this database (enable create_slot to create it)");
    }
    auto created = conn_->Query("SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'test_decoding')", {plan_.slot});
    if (!created.ok()) return created.status().WithContext(std::string(kContext) + ": creating slot " + plan_.slot);
    slot_lsn_ = PQgetvalue(created->get(), 0, 0);
    ctx_->Log(LogLevel::kInfo, "created logical replication slot " + plan_.slot + " at " + slot_lsn_);
    return true;
  }

  // Peeks up to max_changes (whole transactions) and turns this table's row changes into rows.
  // Remembers the end of the last transaction seen, to confirm after the loads commit.
  Status ReadChanges(Emitter& out) {
    LD_ASSIGN_OR_RETURN(PgResultPtr r,
                        conn_->Query("SELECT lsn::text, data FROM pg_logical_slot_peek_changes($1, NULL, $2::int, "
                                     "'include-xids', '0', 'skip-empty-xacts', '1')",
                                     {plan_.slot, std::to_string(plan_.max_changes)}));
    int64_t changes = 0, transactions = 0;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      std::string lsn = PQgetvalue(r.get(), i, 0);
      std::string_view data(PQgetvalue(r.get(), i, 1), static_cast<size_t>(PQgetlength(r.get(), i, 1)));
      LD_ASSIGN_OR_RETURN(DecodedChange change, ParseTestDecodingLine(data));
      if (change.kind == DecodedChange::Kind::kCommit) {
        // The commit row's LSN is the end of the commit record: advancing there skips exactly
        // the transactions read so far.
        confirm_lsn_ = lsn;
        ++transactions;
        continue;
      }
      if (change.schema != plan_.schema_name || change.table != plan_.table_name) continue;
      LD_RETURN_IF_ERROR(AppendChange(change, lsn).WithContext(std::string(kContext) + ": change at " + lsn));
      ++changes;
      if (op_builder_.length() >= plan_.fetch_rows) LD_RETURN_IF_ERROR(EmitBuilders(out));
    }
    // Staged with the run's state, hence recorded in the load ledger with the rows it produced.
    if (ctx_->state != nullptr && !confirm_lsn_.empty()) LD_RETURN_IF_ERROR(ctx_->state->Put(ConfirmKey(), confirm_lsn_));
    ctx_->Log(LogLevel::kInfo, "read " + std::to_string(changes) + " changes of " + plan_.table + " in " +
                                   std::to_string(transactions) + " transactions from slot " + plan_.slot +
                                   (confirm_lsn_.empty() ? "" : " (up to " + confirm_lsn_ + ")"));
    return Status::OK();
  }

  Status AppendChange(const DecodedChange& change, const std::string& lsn) {
    using Kind = DecodedChange::Kind;
    if (change.kind == Kind::kTruncate) {
      return Status::Unsupported("TRUNCATE of the table cannot be replicated as rows; re-create the slot and "
                                 "its snapshot (drop the slot and clear the pipeline state)");
    }
    if (change.missing_tuple) {
      return Status::DataError("the change carries no row (the table needs a primary key or REPLICA IDENTITY FULL)");
    }
    if (change.kind == Kind::kInsert) return AppendRow(change.new_tuple, nullptr, "insert", lsn);
    if (change.kind == Kind::kDelete) return AppendRow(change.old_key, nullptr, "delete", lsn);
    if (change.kind != Kind::kUpdate) return Status::OK();
    // An update that moves the key deletes the old key first; with REPLICA IDENTITY FULL the
    // old tuple is printed for every update, so compare the key instead of trusting its presence.
    bool key_moved = false;
    for (const auto& old_col : change.old_key) {
      const auto& keys = plan_.key_columns;
      if (!keys.empty() && std::find(keys.begin(), keys.end(), old_col.name) == keys.end()) continue;
      for (const auto& new_col : change.new_tuple) {
        if (new_col.name == old_col.name && !new_col.unchanged_toast && new_col.value != old_col.value) key_moved = true;
      }
    }
    if (key_moved) LD_RETURN_IF_ERROR(AppendRow(change.old_key, nullptr, "delete", lsn));
    return AppendRow(change.new_tuple, &change.old_key, "update", lsn);
  }

  // One output row from `tuple`; columns it lacks are null. An unchanged TOAST value is taken
  // from `old_tuple` (present with REPLICA IDENTITY FULL), else the change is incomplete.
  Status AppendRow(const std::vector<DecodedColumn>& tuple, const std::vector<DecodedColumn>* old_tuple,
                   const char* op, const std::string& lsn) {
    std::vector<const DecodedColumn*> cells(builders_.size(), nullptr);
    for (const auto& col : tuple) {
      auto it = column_index_.find(col.name);
      if (it == column_index_.end()) {
        return Status::DataError("column '" + col.name + "' is not in the output schema (the table changed since "
                                 "the pipeline was bound; validate it again)");
      }
      const DecodedColumn* cell = &col;
      if (col.unchanged_toast) {
        cell = nullptr;
        if (old_tuple != nullptr) {
          for (const auto& o : *old_tuple) {
            if (o.name == col.name && !o.unchanged_toast) cell = &o;
          }
        }
        if (cell == nullptr) {
          return Status::DataError("column '" + col.name + "' holds a large (TOASTed) value the update did not "
                                   "change, and the change omits it; set REPLICA IDENTITY FULL on the table");
        }
      }
      cells[static_cast<size_t>(it->second)] = cell;
    }
    // Validate every cell before appending any, so the builders stay rectangular on error.
    std::vector<ColumnBuilder> row;
    for (size_t c = 0; c < builders_.size(); ++c) {
      row.emplace_back(builders_[c].type(), 1);
      if (cells[c] == nullptr || !cells[c]->value) {
        row.back().AppendNull();
        continue;
      }
      const std::string& text = *cells[c]->value;
      Status s = row.back().type().id == TypeId::kBinary ? AppendHexBytea(text, row.back()) : AppendParsedText(text, row.back());
      if (!s.ok()) return s.WithContext("column '" + table_schema_->field(static_cast<int>(c)).name + "'");
    }
    for (size_t c = 0; c < builders_.size(); ++c) {
      ColumnPtr one = row[c].Finish();
      builders_[c].AppendFrom(*one, 0);
    }
    op_builder_.AppendString(op);
    lsn_builder_.AppendString(lsn);
    return Status::OK();
  }

  Status EmitBuilders(Emitter& out) {
    std::vector<ColumnPtr> columns;
    int64_t rows = op_builder_.length();
    for (auto& b : builders_) columns.push_back(b.Finish());
    columns.push_back(op_builder_.Finish());
    columns.push_back(lsn_builder_.Finish());
    ResetBuilders();
    rows_out_ += rows;
    emitted_any_ = true;
    return out.Emit(Batch::Make(output_schemas_[0], std::move(columns), rows));
  }

  PgCdcPlan plan_;
  SchemaPtr table_schema_;
  std::map<std::string, int> column_index_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<PgConnection> conn_;  // kept open until AfterCommit confirms the slot
  std::unique_ptr<PgCopyDecoder> decoder_;
  std::vector<ColumnBuilder> builders_;  // the table's columns
  ColumnBuilder op_builder_{DataType::String(), 1};
  ColumnBuilder lsn_builder_{DataType::String(), 1};
  std::string slot_lsn_;     // the slot's confirmed position when the run started
  std::string confirm_lsn_;  // end of the last transaction read; empty when none
  bool snapshotting_ = false;
  bool changes_read_ = false;
  bool emitted_any_ = false;
  int64_t rows_out_ = 0;
};

}  // namespace

bool IsValidSlotName(const std::string& slot) {
  if (slot.empty() || slot.size() > 63) return false;
  for (char c : slot) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::unique_ptr<Operator> MakePgCdcExtract(PgCdcPlan plan, SchemaPtr table_schema) {
  return std::unique_ptr<Operator>(new PgCdcExtractOperator(std::move(plan), std::move(table_schema)));
}

}  // namespace logidata
