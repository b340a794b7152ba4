#include "transforms/pivot.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <unordered_map>

#include "transforms/aggregate.h"
#include "transforms/aggregate_function.h"
#include "transforms/blocking_config.h"
#include "transforms/key_encoder.h"
#include "transforms/key_table.h"
#include "transforms/spill_file.h"
#include "transforms/transform_descriptor.h"

namespace logidata {

namespace {

using blocking::Pointer;

// The most values one pivot may list: each becomes one output column per aggregate.
constexpr size_t kMaxPivotValues = 1000;

// A pivot value as text, the way the matching column cell renders (Value::ToString), so 7, "7"
// and 7.0 all select the int64 value 7.
Result<std::string> ValueText(const nlohmann::json& v, const std::string& pointer) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return std::to_string(static_cast<int64_t>(d));
    return FormatDouble(d);
  }
  return ConfigError(pointer, "must be a string, number or boolean");
}

class PivotOperator final : public Operator {
 public:
  // `inner` aggregates the input grouped by index + column; its output is index columns, the
  // pivot column, then one column per aggregate.
  PivotOperator(SchemaPtr in, int column, int num_index, std::vector<std::string> values, int num_aggs,
                std::vector<bool> is_count, std::unique_ptr<Operator> inner, SchemaPtr output)
      : in_(std::move(in)),
        column_(column),
        num_index_(num_index),
        values_(std::move(values)),
        num_aggs_(num_aggs),
        is_count_(std::move(is_count)),
        inner_(std::move(inner)) {
    for (size_t v = 0; v < values_.size(); ++v) value_index_.emplace(values_[v], static_cast<int>(v));
    output_schemas_ = {std::move(output)};
  }

  bool UsesMemoryBudget() const override { return true; }
  Status Open(ExecContext& ctx) override {
    budget_ = ctx.memory_budget_bytes;
    fs_ = ctx.fs;
    spill_dir_ = std::make_unique<SpillDirectory>(ctx.fs, ctx.spill_dir, "pivot-" + ctx.node_id);
    return inner_->Open(ctx);
  }
  std::unique_ptr<OperatorState> MakeThreadState() override { return inner_->MakeThreadState(); }
  bool EmitsOnConsume(int) const override { return false; }
  int64_t MemoryUsage() const override { return inner_->MemoryUsage() + reshape_bytes_.load(std::memory_order_relaxed); }
  void Abort() override { inner_->Abort(); }

  // Every row feeds the aggregate, even with a value that is not listed: its index group still gets
  // an output row (with null cells), as SQL PIVOT gives it.
  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    return inner_->Consume(port, batch, state, out);
  }

  Status FinishPort(int port, const std::vector<OperatorState*>& states) override {
    return inner_->FinishPort(port, states);
  }

  // The aggregated rows (one per index group and pivot value) are reshaped in memory while they
  // fit a third of the budget: the reshape holds them, its cell index and the output at once.
  // Past that they go to spill files by hash of the index columns, so all rows of an index group
  // land in one partition, and each partition is reshaped on its own (split again by the next
  // hash bits while too big, as the other blocking operators do).
  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (produced_) return false;
    produced_ = true;
    AggregatedRows collected(this);
    std::unique_ptr<OperatorState> state = inner_->MakeThreadState();
    while (true) {
      LD_ASSIGN_OR_RETURN(bool more, inner_->Produce(state.get(), collected));
      if (!more) break;
    }
    if (collected.spill == nullptr) {
      std::stable_sort(collected.batches.begin(), collected.batches.end(),
                       [](const BatchPtr& a, const BatchPtr& b) { return a->sequence() < b->sequence(); });
      LD_RETURN_IF_ERROR(Reshape(std::move(collected.batches), out));
      return false;
    }
    std::vector<std::vector<std::string>> paths;
    LD_RETURN_IF_ERROR(collected.spill->Close(&paths));
    paths.resize(kSpillPartitions);
    for (int p = 0; p < kSpillPartitions; ++p) {
      if (paths[static_cast<size_t>(p)].empty()) continue;
      LD_RETURN_IF_ERROR(ReshapeSpilled(SpillPartitionId{}.Child(p), paths[static_cast<size_t>(p)], out));
    }
    return false;
  }

 private:
  int64_t ReshapeLimit() const { return std::max(budget_ / 3, kMinSplitBytes); }

  // Collects the inner aggregate's output: in memory, then, past ReshapeLimit(), in spill files
  // partitioned by the index columns' hash. Without index columns there is one output row, and
  // rows whose value is not listed add nothing to it but its existence: one of them is kept.
  class AggregatedRows final : public Emitter {
   public:
    explicit AggregatedRows(PivotOperator* pivot) : pivot_(pivot) {}
    Status Emit(int, BatchPtr batch) override {
      if (batch->num_rows() == 0) return Status::OK();
      if (pivot_->num_index_ == 0) {
        batch = KeepListedValues(batch);
        if (batch == nullptr) return Status::OK();
      }
      if (spill != nullptr) return Spill(*batch);
      bytes_ += batch->ByteSize();
      batches.push_back(std::move(batch));
      if (bytes_ <= pivot_->ReshapeLimit() || pivot_->num_index_ == 0) return Status::OK();
      spill = std::make_unique<SpillPartitions>(pivot_->spill_dir_.get());
      for (const auto& b : batches) LD_RETURN_IF_ERROR(Spill(*b));
      batches.clear();
      pivot_->reshape_bytes_.store(0, std::memory_order_relaxed);
      return Status::OK();
    }

    std::vector<BatchPtr> batches;
    std::unique_ptr<SpillPartitions> spill;

   private:
    Status Spill(const Batch& batch) {
      LD_ASSIGN_OR_RETURN(auto hashes, pivot_->IndexHashes(batch));
      return spill->WritePartitioned(batch, hashes.data());
    }
    BatchPtr KeepListedValues(const BatchPtr& batch) {
      const Column& values = *batch->column(0);
      std::vector<int32_t> keep;
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        if (pivot_->ValueOf(values, r) >= 0 || !kept_unlisted_) {
          kept_unlisted_ |= pivot_->ValueOf(values, r) < 0;
          keep.push_back(static_cast<int32_t>(r));
        }
      }
      if (keep.empty()) return nullptr;
      return static_cast<int64_t>(keep.size()) == batch->num_rows() ? batch : TakeBatch(*batch, keep);
    }

    PivotOperator* pivot_;
    int64_t bytes_ = 0;
    bool kept_unlisted_ = false;
  };

  Result<std::vector<uint64_t>> IndexHashes(const Batch& batch) const {
    std::vector<DataType> types;
    std::vector<ColumnPtr> keys;
    for (int c = 0; c < num_index_; ++c) {
      types.push_back(batch.schema()->field(c).type);
      keys.push_back(batch.column(c));
    }
    KeyEncoder encoder(std::move(types));
    EncodedKeys encoded;
    encoder.Encode(keys, 0, batch.num_rows(), &encoded);
    return std::move(encoded.hashes);
  }

  // One partition of spilled aggregated rows, split by the index columns' next hash bits while
  // too big; a piece that keeps one index group's rows (at most one per listed value plus one) is
  // reshaped whole.
  Status ReshapeSpilled(SpillPartitionId id, const std::vector<std::string>& paths, Emitter& out) {
    const SchemaPtr& schema = inner_->output_schemas()[0];
    auto index_hashes = [this](const Batch& b, std::vector<uint64_t>* hashes) {
      LD_ASSIGN_OR_RETURN(*hashes, IndexHashes(b));
      return Status::OK();
    };
    return ForEachSpilledPiece(spill_dir_.get(), id, paths, schema, ReshapeLimit(), index_hashes,
                               [&](const std::vector<std::string>& piece, int64_t) -> Status {
                                 LD_ASSIGN_OR_RETURN(auto batches, ReadSpillFiles(*fs_, piece, schema));
                                 for (const auto& path : piece) (void)fs_->RemoveAll(path);  // best effort: read once
                                 return Reshape(std::move(batches), out);
                               });
  }

  // Reshapes aggregated rows into output rows, one per index group (groups numbered in order of
  // appearance) and emits them.
  Status Reshape(std::vector<BatchPtr> batches, Emitter& out) {
    if (batches.empty()) return Status::OK();
    // One extra row at the end, the source of every empty cell: null, or 0 for counts (SQL's
    // count of no rows).
    const SchemaPtr& agg_schema = inner_->output_schemas()[0];
    std::vector<ColumnPtr> null_row;
    for (int c = 0; c < agg_schema->num_fields(); ++c) {
      const int a = c - num_index_ - 1;
      null_row.push_back(a >= 0 && is_count_[static_cast<size_t>(a)] ? Column::MakeConstant(Value::Int64(0), 1)
                                                                     : Column::MakeNull(agg_schema->field(c).type, 1));
    }
    batches.push_back(Batch::Make(agg_schema, std::move(null_row), 1));
    BatchPtr agg = blocking::ConcatAll(agg_schema, batches);
    batches.clear();
    const int64_t n = agg->num_rows() - 1;
    const int32_t null_row_index = static_cast<int32_t>(n);

    // Output row of each aggregated row: its index group, numbered in order of appearance.
    std::vector<uint32_t> group(static_cast<size_t>(n), 0);
    int64_t groups = n > 0 ? 1 : 0;
    if (num_index_ > 0) {
      std::vector<DataType> types;
      std::vector<ColumnPtr> keys;
      for (int c = 0; c < num_index_; ++c) {
        types.push_back(agg_schema->field(c).type);
        keys.push_back(agg->column(c));
      }
      KeyEncoder encoder(std::move(types));
      EncodedKeys encoded;
      encoder.Encode(keys, 0, n, &encoded);
      KeyTable table;
      table.FindOrInsert(encoded, group.data());
      groups = table.size();
    }
    const size_t nv = values_.size();
    const size_t cells = nv * static_cast<size_t>(num_aggs_);
    // first_row[g]: an aggregated row of group g (for the index columns); source[c][g]: the row
    // holding cell c of group g.
    std::vector<int32_t> first_row(static_cast<size_t>(groups), -1);
    std::vector<std::vector<int32_t>> source(cells, std::vector<int32_t>(static_cast<size_t>(groups), null_row_index));
    const Column& pivot_col = *agg->column(num_index_);
    for (int64_t r = 0; r < n; ++r) {
      const uint32_t g = group[static_cast<size_t>(r)];
      if (first_row[g] < 0) first_row[g] = static_cast<int32_t>(r);
      const int v = ValueOf(pivot_col, r);
      if (v < 0) continue;  // null or not listed: the group's row, no cell
      for (int a = 0; a < num_aggs_; ++a) {
        source[static_cast<size_t>(v) * static_cast<size_t>(num_aggs_) + static_cast<size_t>(a)][g] = static_cast<int32_t>(r);
      }
    }
    std::vector<ColumnPtr> columns;
    for (int c = 0; c < num_index_; ++c) columns.push_back(TakeColumn(*agg->column(c), first_row));
    for (size_t v = 0; v < nv; ++v) {
      for (int a = 0; a < num_aggs_; ++a) {
        columns.push_back(TakeColumn(*agg->column(num_index_ + 1 + a), source[v * static_cast<size_t>(num_aggs_) + static_cast<size_t>(a)]));
      }
    }
    // The reshape holds the aggregated rows and its output at once: counted so the node's memory
    // shows it.
    int64_t reshape_bytes = agg->ByteSize() + static_cast<int64_t>(cells) * groups * 4;
    for (const auto& c : columns) reshape_bytes += c->ByteSize();
    reshape_bytes_.store(reshape_bytes, std::memory_order_relaxed);
    for (int64_t at = 0; at < groups; at += kTargetBatchRows) {
      const int64_t len = std::min<int64_t>(kTargetBatchRows, groups - at);
      std::vector<ColumnPtr> chunk;
      for (const auto& c : columns) chunk.push_back(len == groups ? c : SliceColumn(*c, at, len));
      LD_RETURN_IF_ERROR(out.Emit(Batch::Make(output_schemas_[0], std::move(chunk), len)));
    }
    reshape_bytes_.store(0, std::memory_order_relaxed);
    return Status::OK();
  }

  // Index of row i's value in values_, or -1 (null or not listed).
  int ValueOf(const Column& col, int64_t i) const {
    if (col.IsNull(i)) return -1;
    auto it = col.type().id == TypeId::kString ? value_index_.find(std::string(col.GetString(i)))
                                                 : value_index_.find(col.GetValue(i).ToString());
    return it == value_index_.end() ? -1 : it->second;
  }

  SchemaPtr in_;
  int column_;
  int num_index_;
  std::vector<std::string> values_;
  std::unordered_map<std::string, int> value_index_;
  int num_aggs_;
  std::vector<bool> is_count_;  // per aggregate: empty cells are 0, not null
  std::unique_ptr<Operator> inner_;
  bool produced_ = false;
  std::atomic<int64_t> reshape_bytes_{0};
  int64_t budget_ = 0;
  FileSystem* fs_ = nullptr;
  std::unique_ptr<SpillDirectory> spill_dir_;
};

Result<std::unique_ptr<Operator>> BindPivot(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::InvalidArgument("pivot needs exactly one input");
  }
  const nlohmann::json& cfg = ctx.cfg();
  const SchemaPtr& in = ctx.input_schemas[0];
  LD_ASSIGN_OR_RETURN(std::vector<int> index, blocking::ColumnList(cfg, "index", *in));
  LD_ASSIGN_OR_RETURN(std::string column_name, blocking::StringMember(cfg, "column", "", ""));
  if (column_name.empty()) return ConfigError("/column", "name the column whose values become columns");
  LD_ASSIGN_OR_RETURN(int column, blocking::ResolveColumn(*in, column_name, "/column"));
  for (size_t i = 0; i < index.size(); ++i) {
    if (index[i] == column) {
      return ConfigError(Pointer("/index", i), "'" + column_name + "' is the pivot column; it cannot also be an index column");
    }
  }
  const nlohmann::json* values_json = cfg.contains("values") ? &cfg["values"] : nullptr;
  const bool listed = values_json != nullptr && !values_json->is_null();
  const bool discover = PivotDiscoversValues(cfg);
  if (listed && discover) {
    return ConfigError("/discover_values", "list the `values` or discover them, not both");
  }
  if (cfg.contains("max_values") && (!cfg["max_values"].is_number_integer() || cfg["max_values"].get<int64_t>() < 1 ||
                                     cfg["max_values"].get<int64_t>() > static_cast<int64_t>(kMaxPivotValues))) {
    return ConfigError("/max_values", "must be an integer from 1 to " + std::to_string(kMaxPivotValues));
  }
  static const nlohmann::json kNoValues = nlohmann::json::array();
  if (discover) {
    values_json = &kNoValues;  // bound without value columns; the run discovers them first
  } else if (!listed) {
    return ConfigError("/values", "list the values of '" + column_name +
                                      "' that become columns, or set discover_values to find them in a first pass over the input");
  } else if (!values_json->is_array() || values_json->empty()) {
    return ConfigError("/values", "must be a non-empty array of values");
  }
  if (values_json->size() > kMaxPivotValues) {
    return ConfigError("/values", "lists " + std::to_string(values_json->size()) + " values; at most " +
                                      std::to_string(kMaxPivotValues) + " are allowed");
  }
  LD_ASSIGN_OR_RETURN(auto agg_items, blocking::ArrayMember(cfg, "aggregates", ""));
  if (agg_items.empty()) return ConfigError("/aggregates", "give at least one aggregate for the cells");

  struct CellAgg {
    std::string function, column, suffix;
    DataType type;
  };
  std::vector<CellAgg> aggs;
  std::set<std::string> suffixes;
  static const std::vector<std::string> kFunctions = {"sum", "count", "min", "max", "avg", "first"};
  for (size_t i = 0; i < agg_items.size(); ++i) {
    const std::string p = Pointer("/aggregates", i);
    if (!agg_items[i].is_object()) return ConfigError(p, "must be an object {function, column, as}");
    CellAgg a;
    LD_ASSIGN_OR_RETURN(a.function, blocking::StringMember(agg_items[i], "function", p, "", kFunctions));
    if (a.function.empty()) return ConfigError(Pointer(p, "function"), "is required");
    LD_ASSIGN_OR_RETURN(a.column, blocking::StringMember(agg_items[i], "column", p, ""));
    const DataType* input_type = nullptr;
    if (!a.column.empty()) {
      LD_ASSIGN_OR_RETURN(int c, blocking::ResolveColumn(*in, a.column, Pointer(p, "column")));
      input_type = &in->field(c).type;
    } else if (a.function != "count") {
      return ConfigError(Pointer(p, "column"), a.function + " needs a column");
    }
    auto type = AggResultType(*ParseAggFunction(a.function), input_type);
    if (!type.ok()) return ConfigError(Pointer(p, "column"), type.status().message());
    a.type = *type;
    LD_ASSIGN_OR_RETURN(a.suffix, blocking::StringMember(agg_items[i], "as", p, a.function));
    if (a.suffix.empty()) return ConfigError(Pointer(p, "as"), "must not be empty");
    if (!suffixes.insert(a.suffix).second) {
      return ConfigError(Pointer(p, "as"), "two aggregates are both named '" + a.suffix + "'; set a different `as`");
    }
    aggs.push_back(std::move(a));
  }

  // Output: index columns, then per value one column per aggregate.
  std::vector<Field> fields;
  std::set<std::string> names;
  for (int c : index) {
    fields.push_back(in->field(c));
    names.insert(in->field(c).name);
  }
  std::vector<std::string> values;
  std::set<std::string> seen_values;
  for (size_t j = 0; j < values_json->size(); ++j) {
    const std::string p = Pointer("/values", j);
    LD_ASSIGN_OR_RETURN(std::string text, ValueText((*values_json)[j], p));
    if (!seen_values.insert(text).second) return ConfigError(p, "value '" + text + "' is listed twice");
    for (const auto& a : aggs) {
      const std::string name = aggs.size() == 1 ? text : text + "_" + a.suffix;
      if (name.empty()) return ConfigError(p, "an empty value cannot name a column");
      if (!names.insert(name).second) {
        return ConfigError(p, "value '" + text + "' would make column '" + name +
                                  "', which already exists (an index column or another value)");
      }
      fields.push_back({name, a.type, true});
    }
    values.push_back(std::move(text));
  }

  // The inner aggregate: group by index + column; aggregates named so they cannot collide.
  nlohmann::json inner_cfg = {{"group_by", nlohmann::json::array()}, {"aggregates", nlohmann::json::array()}};
  for (int c : index) inner_cfg["group_by"].push_back(in->field(c).name);
  inner_cfg["group_by"].push_back(column_name);
  std::vector<bool> is_count;
  for (size_t i = 0; i < aggs.size(); ++i) {
    is_count.push_back(aggs[i].function == "count");
    nlohmann::json item = {{"function", aggs[i].function}, {"as", "\x01pivot_cell_" + std::to_string(i)}};
    if (!aggs[i].column.empty()) item["column"] = aggs[i].column;
    inner_cfg["aggregates"].push_back(std::move(item));
  }
  BindContext inner_ctx = ctx;
  inner_ctx.config = &inner_cfg;
  LD_ASSIGN_OR_RETURN(std::unique_ptr<Operator> inner, AggregateModule().factory(inner_ctx));
  return std::unique_ptr<Operator>(std::make_unique<PivotOperator>(in, column, static_cast<int>(index.size()),
                                                                   std::move(values), static_cast<int>(aggs.size()),
                                                                   std::move(is_count), std::move(inner), MakeSchema(std::move(fields))));
}

}  // namespace

bool PivotDiscoversValues(const nlohmann::json& config) {
  return config.is_object() && config.contains("discover_values") && config["discover_values"].is_boolean() &&
         config["discover_values"].get<bool>();
}

int64_t PivotMaxDiscoveredValues(const nlohmann::json& config) {
  if (config.is_object() && config.contains("max_values") && config["max_values"].is_number_integer()) {
    return config["max_values"].get<int64_t>();
  }
  return static_cast<int64_t>(kMaxPivotValues);
}

ModuleDescriptor PivotModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "pivot", "aggregate", "pivot_table_chart", "Turns the values of a column into columns, one row per index group.",
      "Rows in long form.", "One row per index group, one column per value and aggregate.");
  d.description =
      "Long to wide, like SQL `PIVOT`: one output row per distinct combination of the `index` "
      "columns (none: a single row), and for each of the listed `values` of `column` one column "
      "per aggregate — named `<value>` with one aggregate, `<value>_<as>` with several (`as` "
      "defaults to the function name). A cell aggregates the group's rows holding that value: "
      "`sum`, `count` (rows, or non-null values of a column), `min`, `max`, `avg` or `first`; "
      "without such rows it is null (count: 0). Rows whose value is not listed (or null) add no cell, but their "
      "index group still gets a row, as in SQL `PIVOT`; other columns are dropped.\n\n"
      "Values are matched by their text (`7` matches the integer 7, `\"2024-05-01\"` the date). "
      "List them (at most 1000), or set `discover_values`: the output columns have to be known "
      "before the run, so the run then starts with a first pass over the input — the upstream "
      "nodes run twice — that finds the distinct non-null values of `column` (an aggregate that "
      "spills past the memory budget, so it is exact at any budget) and uses them sorted (numbers "
      "and dates in their order, text by bytes). More than `max_values` (default and at most 1000) "
      "distinct values fail the run with an error naming the node. `logidata validate` then warns "
      "that the nodes after the pivot are checked when the run starts; previews of the pivot and "
      "of the nodes after it make the first pass too. A value whose column name is already taken (an index column, or another value) is a "
      "config error at `/values/<j>`.\n\n"
      "Blocking: runs as a parallel aggregate that spills past the memory budget, then reshapes "
      "its rows into output rows: in memory while they fit a third of the budget, past that "
      "from spill files partitioned (and split again while too big) by the index columns, so "
      "each index group is reshaped whole and the memory stays bounded. "
      "Output rows come in no particular order; add a sort if it matters.";
  nlohmann::json scalar = {{"type", {"string", "number", "boolean"}}, {"title", "Value"}};
  d.config_schema = {
      {"type", "object"},
      {"title", "Pivot"},
      {"additionalProperties", false},
      {"required", {"column", "aggregates"}},
      {"properties",
       {{"index",
         {{"type", "array"},
          {"title", "Index (group by)"},
          {"description", "One output row per distinct combination of these columns. Empty: one row."},
          {"items", {{"type", "string"}, {"title", "Column"}, {"format", "column"}}},
          {"default", nlohmann::json::array()}}},
        {"column",
         {{"type", "string"},
          {"title", "Pivot column"},
          {"description", "The column whose values become output columns."},
          {"format", "column"}}},
        {"values",
         {{"type", "array"},
          {"title", "Values"},
          {"description", "The values of the pivot column that become columns, in output order (at most 1000)."},
          {"minItems", 1},
          {"maxItems", kMaxPivotValues},
          {"items", scalar}}},
        {"discover_values",
         {{"type", "boolean"},
          {"title", "Discover values"},
          {"description", "Instead of listing the values, find them in a first pass over the input (sorted)."},
          {"default", false}}},
        {"max_values",
         {{"type", "integer"},
          {"title", "Most discovered values"},
          {"description", "With discover_values: more distinct values than this fail the run."},
          {"minimum", 1},
          {"maximum", kMaxPivotValues},
          {"default", kMaxPivotValues}}},
        {"aggregates",
         {{"type", "array"},
          {"title", "Cell aggregates"},
          {"minItems", 1},
          {"items",
           {{"type", "object"},
            {"title", "Aggregate"},
            {"required", {"function"}},
            {"additionalProperties", false},
            {"properties",
             {{"function",
               {{"type", "string"}, {"title", "Function"}, {"enum", {"sum", "count", "min", "max", "avg", "first"}}}},
              {"column",
               {{"type", "string"},
                {"title", "Column"},
                {"format", "column"},
                {"description", "The aggregated column; count without one counts rows."}}},
              {"as",
               {{"type", "string"},
                {"title", "Suffix"},
                {"description", "With several aggregates, columns are named <value>_<suffix>; default: the function."}}}}}}}}}}},
  };
  d.factory = BindPivot;
  return d;
}

}  // namespace logidata
