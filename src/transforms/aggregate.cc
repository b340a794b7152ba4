#include "transforms/aggregate.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

#include "transforms/aggregate_function.h"
#include "transforms/blocking_config.h"
#include "transforms/key_encoder.h"
#include "transforms/key_table.h"
#include "transforms/spill_file.h"
#include "transforms/spilling_operator.h"
#include "transforms/transform_descriptor.h"

namespace logidata {

namespace {

using blocking::Pointer;

struct AggSpec {
  AggFunction fn;
  int input = -1;      // column in the input schema; -1 = count(*)
  int spill_pos = -1;  // column in the spill schema
  std::string column_name;
  DataType result;
};

struct AggState final : OperatorState {
  KeyTable table;
  std::vector<std::unique_ptr<Accumulator>> accs;
  EncodedKeys keys;
  std::vector<uint32_t> groups;
  std::unique_ptr<SpillPartitions> spill;
  int64_t reported_bytes = 0;

  int64_t MemoryBytes() const {
    int64_t b = table.MemoryBytes();
    for (const auto& a : accs) b += a->MemoryBytes();
    return b;
  }
};

class AggregateOperator final : public SpillingOperator<AggState> {
 public:
  AggregateOperator(SchemaPtr input, std::vector<int> group_cols, std::vector<AggSpec> aggs, SchemaPtr output)
      : SpillingOperator("aggregate"), input_(std::move(input)), group_cols_(std::move(group_cols)), aggs_(std::move(aggs)) {
    output_schemas_ = {std::move(output)};
    std::vector<DataType> key_types;
    std::vector<Field> spill_fields;
    for (int c : group_cols_) {
      key_types.push_back(input_->field(c).type);
      spill_fields.push_back(input_->field(c));
      spill_cols_.push_back(c);
    }
    for (auto& a : aggs_) {
      if (a.input < 0) continue;
      auto it = std::find(spill_cols_.begin(), spill_cols_.end(), a.input);
      if (it == spill_cols_.end() || it - spill_cols_.begin() < static_cast<long>(group_cols_.size())) {
        // Group columns may also be aggregated; give inputs their own slot for simplicity.
        spill_cols_.push_back(a.input);
        spill_fields.push_back(input_->field(a.input));
        a.spill_pos = static_cast<int>(spill_cols_.size()) - 1;
      } else {
        a.spill_pos = static_cast<int>(it - spill_cols_.begin());
      }
    }
    spill_fields.push_back({"__stamp", DataType::Int64(), false});
    spill_schema_ = MakeSchema(std::move(spill_fields));
    encoder_ = std::make_unique<KeyEncoder>(std::move(key_types));
  }

  std::optional<std::vector<int>> InputColumnsNeeded(int, const std::vector<int>&) const override {
    std::vector<int> cols = group_cols_;
    for (const auto& a : aggs_) {
      if (a.input >= 0) cols.push_back(a.input);
    }
    return blocking::SortedUnique(std::move(cols));
  }

  bool EmitsOnConsume(int) const override { return false; }

  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter&) override {
    auto& s = *static_cast<AggState*>(state);
    const int64_t n = batch->num_rows();
    if (n == 0) return Status::OK();
    std::vector<ColumnPtr> keys;
    for (int c : group_cols_) keys.push_back(batch->column(c));
    encoder_->Encode(keys, 0, n, &s.keys);
    if (spilling_.load(std::memory_order_relaxed)) return SpillRows(s, *batch);
    std::vector<const Column*> inputs;
    for (const auto& a : aggs_) inputs.push_back(a.input >= 0 ? batch->column(a.input).get() : nullptr);
    LD_RETURN_IF_ERROR(UpdateState(s, inputs, n, batch->sequence() << 32, nullptr));
    const int64_t bytes = s.MemoryBytes();
    const int64_t total = total_bytes_.fetch_add(bytes - s.reported_bytes) + bytes - s.reported_bytes;
    s.reported_bytes = bytes;
    if (total > budget_) spilling_.store(true);
    return Status::OK();
  }

  Status FinishPort(int, const std::vector<OperatorState*>&) override {
    // The largest thread state becomes the merged one and the others fold into it: building a new
    // table from all of them held every group twice at the end of the input (the memory peak of
    // an aggregate that stays in memory).
    global_ = NewState();
    AggState* largest = nullptr;
    for (AggState* s : thread_states_) {
      if (s != nullptr && (largest == nullptr || s->table.size() > largest->table.size())) largest = s;
    }
    if (largest != nullptr) {
      global_->table = std::move(largest->table);
      global_->accs = std::move(largest->accs);
    }
    for (AggState* s : thread_states_) {
      if (s != largest) LD_RETURN_IF_ERROR(MergeInto(*global_, *s, nullptr));
      if (s->spill != nullptr) {
        LD_RETURN_IF_ERROR(s->spill->Close(&spill_paths_));
        spilled_ = true;
      }
      // Thread states are no longer needed: free them now.
      s->table.Clear();
      s->accs.clear();
    }
    total_bytes_.store(0);
    if (group_cols_.empty() && global_->table.size() == 0 && !spilled_) {
      // A global aggregate over no rows still yields one row (count 0, others null).
      global_->table.FindOrInsert(std::string_view(), HashBytes("", 0));
      for (auto& a : global_->accs) a->Resize(1);
    }
    global_bytes_.store(global_->MemoryBytes());
    return Status::OK();
  }

  // One produce thread (the default MaxProduceParallelism): partition_ and produced_ are plain.

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (!spilled_) {
      if (produced_) return false;
      produced_ = true;
      LD_RETURN_IF_ERROR(EmitGroups(*global_, out));
      return false;
    }
    if (partition_ >= kSpillPartitions) return false;
    const int p = partition_++;
    LD_RETURN_IF_ERROR(AggregatePartition(SpillPartitionId{}.Child(p), spill_paths_[static_cast<size_t>(p)], out));
    return partition_ < kSpillPartitions;
  }

  // Counters only: called from the monitoring thread while Produce may be changing the tables.
  int64_t MemoryUsage() const override { return total_bytes_.load() + global_bytes_.load() + part_bytes_.load(); }

 private:
  std::unique_ptr<AggState> NewThreadState() const override { return NewState(); }

  // Aggregates the spilled rows of one partition, streaming its files, merges the in-memory
  // groups of that partition and emits the result. When the partition's groups outgrow what the
  // budget leaves, they are dropped and the partition is split by the next hash bits (its rows
  // are raw input, so the children aggregate from scratch); one group alone is never split.
  Status AggregatePartition(SpillPartitionId id, const std::vector<std::string>& paths, Emitter& out) {
    const int64_t room = std::max({budget_ - global_bytes_.load(), budget_ / 4, kMinSplitBytes});
    auto part = NewState();
    SpillFileStream rows(*fs_, paths, spill_schema_);
    while (true) {
      LD_ASSIGN_OR_RETURN(BatchPtr b, rows.Next());
      if (b == nullptr) break;
      std::vector<ColumnPtr> keys(b->columns().begin(), b->columns().begin() + static_cast<long>(group_cols_.size()));
      encoder_->Encode(keys, 0, b->num_rows(), &part->keys);
      std::vector<const Column*> inputs;
      for (const auto& a : aggs_) inputs.push_back(a.spill_pos >= 0 ? b->column(a.spill_pos).get() : nullptr);
      const int64_t* stamps = b->column(spill_schema_->num_fields() - 1)->values<int64_t>();
      LD_RETURN_IF_ERROR(UpdateState(*part, inputs, b->num_rows(), 0, stamps));
      const int64_t bytes = part->MemoryBytes();
      part_bytes_.store(bytes);
      if (bytes <= room || part->table.size() <= 1) continue;
      if (!id.CanSplit()) {
        return Status::ResourceExhausted("aggregate: the groups of spill partition " + id.Name() + " need " +
                                         std::to_string(bytes) + " bytes, over the node's memory budget of " +
                                         std::to_string(budget_) + " bytes, and cannot be split further; raise --memory");
      }
      part.reset();
      part_bytes_.store(0);
      LD_ASSIGN_OR_RETURN(auto children, RepartitionSpillFiles(spill_dir_.get(), paths, spill_schema_, id,
                                                               [&](const Batch& batch, std::vector<uint64_t>* hashes) {
                                                                 HashGroupKeys(batch, hashes);
                                                                 return Status::OK();
                                                               }));
      children.resize(kSpillPartitions);
      for (int c = 0; c < kSpillPartitions; ++c) {
        LD_RETURN_IF_ERROR(AggregatePartition(id.Child(c), children[static_cast<size_t>(c)], out));
      }
      return Status::OK();
    }
    LD_RETURN_IF_ERROR(MergeInto(*part, *global_, &id));
    part_bytes_.store(part->MemoryBytes());
    LD_RETURN_IF_ERROR(EmitGroups(*part, out));
    part_bytes_.store(0);
    for (const auto& path : paths) (void)fs_->RemoveAll(path);  // read once; free the disk now
    return Status::OK();
  }

  // The partitioning hashes of a spilled batch's rows (its first columns are the group keys).
  void HashGroupKeys(const Batch& b, std::vector<uint64_t>* hashes) {
    EncodedKeys encoded;
    std::vector<ColumnPtr> keys(b.columns().begin(), b.columns().begin() + static_cast<long>(group_cols_.size()));
    encoder_->Encode(keys, 0, b.num_rows(), &encoded);
    *hashes = std::move(encoded.hashes);
  }

  std::unique_ptr<AggState> NewState() const {
    auto s = std::make_unique<AggState>();
    for (const auto& a : aggs_) {
      const DataType* in = a.input >= 0 ? &input_->field(a.input).type : nullptr;
      s->accs.push_back(MakeAccumulator(a.fn, in, a.result, a.column_name));
    }
    return s;
  }

  // s.keys already holds the encoded keys of the n rows.
  Status UpdateState(AggState& s, const std::vector<const Column*>& inputs, int64_t n, uint64_t stamp_base,
                     const int64_t* stamps) {
    s.groups.resize(static_cast<size_t>(n));
    if (group_cols_.empty()) {
      if (s.table.size() == 0) s.table.FindOrInsert(std::string_view(), HashBytes("", 0));
      std::fill(s.groups.begin(), s.groups.end(), 0);
    } else {
      s.table.FindOrInsert(s.keys, s.groups.data());
    }
    for (size_t a = 0; a < aggs_.size(); ++a) {
      s.accs[a]->Resize(s.table.size());
      LD_RETURN_IF_ERROR(s.accs[a]->Update(inputs[a], s.groups.data(), n, stamp_base, stamps));
    }
    return Status::OK();
  }

  // Folds the groups of `from` (only those of spill partition `partition` when given) into `into`.
  Status MergeInto(AggState& into, AggState& from, const SpillPartitionId* partition) {
    std::vector<uint32_t> src, dst;
    for (int64_t g = 0; g < from.table.size(); ++g) {
      if (partition != nullptr && !partition->Contains(from.table.hash(g))) continue;
      src.push_back(static_cast<uint32_t>(g));
      dst.push_back(into.table.FindOrInsert(from.table.key(g), from.table.hash(g)));
    }
    if (src.empty()) return Status::OK();
    for (size_t a = 0; a < aggs_.size(); ++a) {
      into.accs[a]->Resize(into.table.size());
      LD_RETURN_IF_ERROR(into.accs[a]->Merge(*from.accs[a], src, dst));
    }
    return Status::OK();
  }

  Status EmitGroups(AggState& s, Emitter& out) {
    const int64_t groups = s.table.size();
    for (int64_t b = 0; b < groups; b += kTargetBatchRows) {
      const int64_t e = std::min(groups, b + kTargetBatchRows);
      std::vector<std::string_view> keys;
      for (int64_t g = b; g < e; ++g) keys.push_back(s.table.key(g));
      std::vector<ColumnPtr> columns = encoder_->Decode(keys);
      for (auto& a : s.accs) {
        a->Resize(groups);
        columns.push_back(a->Finish(b, e));
      }
      LD_RETURN_IF_ERROR(out.Emit(Batch::Make(output_schemas_[0], std::move(columns), e - b)));
    }
    return Status::OK();
  }

  Status SpillRows(AggState& s, const Batch& batch) {
    if (s.spill == nullptr) s.spill = std::make_unique<SpillPartitions>(spill_dir_.get());
    std::vector<ColumnPtr> cols;
    for (int c : spill_cols_) cols.push_back(batch.column(c));
    const int64_t n = batch.num_rows();
    auto stamps = std::make_shared<Buffer>();
    stamps->Resize(static_cast<size_t>(n) * 8);
    int64_t* st = stamps->mutable_data_as<int64_t>();
    const int64_t base = static_cast<int64_t>(batch.sequence() << 32);
    for (int64_t i = 0; i < n; ++i) st[i] = base + i;
    cols.push_back(std::make_shared<const Column>(DataType::Int64(), n, nullptr, stamps));
    Batch rows(spill_schema_, std::move(cols), n);
    return s.spill->WritePartitioned(rows, s.keys.hashes.data());
  }

  SchemaPtr input_;
  std::vector<int> group_cols_;
  std::vector<AggSpec> aggs_;
  std::vector<int> spill_cols_;
  SchemaPtr spill_schema_;
  std::unique_ptr<KeyEncoder> encoder_;

  std::atomic<int64_t> total_bytes_{0};   // held by thread states while consuming
  std::atomic<int64_t> global_bytes_{0};  // the merged in-memory groups
  std::atomic<int64_t> part_bytes_{0};    // the spill partition being aggregated
  std::atomic<bool> spilling_{false};

  std::unique_ptr<AggState> global_;
  bool spilled_ = false;
  bool produced_ = false;
  int partition_ = 0;
  std::vector<std::vector<std::string>> spill_paths_;
};

Result<std::unique_ptr<Operator>> BindAggregate(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::InvalidArgument("aggregate needs exactly one input");
  }
  const nlohmann::json& cfg = ctx.cfg();
  const SchemaPtr& in = ctx.input_schemas[0];
  LD_ASSIGN_OR_RETURN(std::vector<int> group_cols, blocking::ColumnList(cfg, "group_by", *in));
  LD_ASSIGN_OR_RETURN(auto items, blocking::ArrayMember(cfg, "aggregates", ""));
  if (group_cols.empty() && items.empty()) {
    return ConfigError("/aggregates", "give at least one aggregate or one group_by column");
  }
  std::vector<Field> fields;
  std::set<std::string> names;
  for (int c : group_cols) {
    fields.push_back(in->field(c));
    names.insert(in->field(c).name);
  }
  std::vector<AggSpec> aggs;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string p = Pointer("/aggregates", i);
    const auto& item = items[i];
    if (!item.is_object()) return ConfigError(p, "must be an object {function, column, as}");
    LD_ASSIGN_OR_RETURN(std::string fn_name, blocking::StringMember(item, "function", p, "", AggFunctionNames()));
    AggSpec spec;
    spec.fn = *ParseAggFunction(fn_name);
    LD_ASSIGN_OR_RETURN(std::string column, blocking::StringMember(item, "column", p, ""));
    if (!column.empty()) {
      LD_ASSIGN_OR_RETURN(spec.input, blocking::ResolveColumn(*in, column, Pointer(p, "column")));
      spec.column_name = column;
    } else if (spec.fn != AggFunction::kCount) {
      return ConfigError(Pointer(p, "column"), fn_name + " needs a column");
    }
    const DataType* in_type = spec.input >= 0 ? &in->field(spec.input).type : nullptr;
    auto result = AggResultType(spec.fn, in_type);
    if (!result.ok()) return ConfigError(Pointer(p, "column"), result.status().message());
    spec.result = *result;
    std::string default_name = column.empty() ? fn_name : fn_name + "_" + column;
    LD_ASSIGN_OR_RETURN(std::string as, blocking::StringMember(item, "as", p, default_name));
    if (as.empty()) return ConfigError(Pointer(p, "as"), "output column name must not be empty");
    if (!names.insert(as).second) {
      return ConfigError(Pointer(p, "as"), "output column '" + as + "' already exists; choose another name with 'as'");
    }
    fields.push_back({as, spec.result, true});
    aggs.push_back(std::move(spec));
  }
  return std::unique_ptr<Operator>(
      std::make_unique<AggregateOperator>(in, std::move(group_cols), std::move(aggs), MakeSchema(std::move(fields))));
}

}  // namespace

ModuleDescriptor AggregateModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "aggregate", "aggregate", "sigma", "Groups rows by key columns and computes aggregates per group.",
      "Rows to group.", "One row per group.");
  d.description =
      "Groups the input by the `group_by` columns (none: one row for the whole input) and computes "
      "each aggregate per group: `count` (rows, or non-null values of a column), `count_distinct`, "
      "`sum`, `avg`, `min`, `max`, `first` and `last` (in input order, nulls included) and `stddev` "
      "(sample). Nulls are skipped by every function except `count` without a column, `first` and "
      "`last`. Sums of integers are int64 and fail on overflow; sums of decimals are decimal(38,s); "
      "`avg` and `stddev` are float64. Output: the group columns, then the aggregates. Runs in "
      "parallel and spills to disk when over the memory budget. Right after a PostgreSQL, MySQL or "
      "SQLite extractor (and its filters), count, sum, avg, min and max run inside the database's "
      "query instead, cast to these same types, when they compute exactly the same there (see "
      "`logidata validate --explain`).";
  d.config_schema = {
      {"type", "object"},
      {"title", "Aggregate"},
      {"additionalProperties", false},
      {"properties",
       {{"group_by",
         {{"type", "array"},
          {"title", "Group by"},
          {"description", "Columns whose values form a group. Empty: aggregate the whole input into one row."},
          {"items", {{"type", "string"}, {"title", "Column"}, {"format", "column"}}},
          {"default", nlohmann::json::array()}}},
        {"aggregates",
         {{"type", "array"},
          {"title", "Aggregates"},
          {"description", "Values computed per group, in output order."},
          {"default", nlohmann::json::array()},
          {"items",
           {{"type", "object"},
            {"title", "Aggregate"},
            {"required", {"function"}},
            {"additionalProperties", false},
            {"properties",
             {{"function",
               {{"type", "string"},
                {"title", "Function"},
                {"description", "What to compute. count without a column counts rows."},
                {"enum", AggFunctionNames()},
                {"default", "count"}}},
              {"column",
               {{"type", "string"},
                {"title", "Column"},
                {"description", "Input column (optional for count)."},
                {"format", "column"}}},
              {"as",
               {{"type", "string"},
                {"title", "Output name"},
                {"description", "Name of the result column. Default: <function>_<column>, or count."}}}}}}}}}}},
  };
  d.factory = BindAggregate;
  return d;
}

}  // namespace logidata
