#include "transforms/dedupe.h"

#include <algorithm>

#include "transforms/blocking_config.h"
#include "transforms/spill_file.h"
#include "transforms/transform_descriptor.h"

namespace logidata {

namespace {

std::vector<int> AllColumns(const Schema& schema) {
  std::vector<int> out;
  for (int i = 0; i < schema.num_fields(); ++i) out.push_back(i);
  return out;
}

std::vector<DataType> KeyTypes(const Schema& schema, const std::vector<int>& cols) {
  std::vector<DataType> out;
  for (int c : cols) out.push_back(schema.field(c).type);
  return out;
}

const SchemaPtr& SeenSchema() {
  static const SchemaPtr kSchema = MakeSchema({{"__key", DataType::Binary(), false}});
  return kSchema;
}

}  // namespace

DedupeCore::DedupeCore(SchemaPtr schema, std::vector<int> key_columns, DedupeKeep keep)
    : schema_(std::move(schema)),
      key_columns_(key_columns.empty() ? AllColumns(*schema_) : std::move(key_columns)),
      keep_(keep),
      encoder_(KeyTypes(*schema_, key_columns_)) {}

DedupeCore::~DedupeCore() = default;

void DedupeCore::EnableSpill(FileSystem* fs, std::filesystem::path spill_dir, std::string name, int64_t budget_bytes) {
  fs_ = fs;
  budget_ = budget_bytes;
  spill_dir_ = std::make_unique<SpillDirectory>(fs, std::move(spill_dir), "dedupe-" + name);
}

int64_t DedupeCore::HeldBytes() const {
  return table_.MemoryBytes() + buffered_bytes_ + static_cast<int64_t>(last_.capacity() * 8);
}

std::vector<ColumnPtr> DedupeCore::Keys(const Batch& batch) const {
  std::vector<ColumnPtr> keys;
  for (int c : key_columns_) keys.push_back(batch.column(c));
  return keys;
}

Result<BatchPtr> DedupeCore::Add(const BatchPtr& batch) {
  const int64_t n = batch->num_rows();
  if (n == 0) return BatchPtr();
  if (spilled_) {
    LD_RETURN_IF_ERROR(SpillRows(*batch));
    return BatchPtr();
  }
  encoder_.Encode(Keys(*batch), 0, n, &keys_);
  BatchPtr result;
  if (keep_ == DedupeKeep::kFirst) {
    FirstOccurrences(n);
    if (static_cast<int64_t>(kept_.size()) == n) result = batch;
    else if (!kept_.empty()) result = TakeBatch(*batch, kept_);
  } else {
    std::vector<uint32_t> groups(static_cast<size_t>(n));
    table_.FindOrInsert(keys_, groups.data());
    last_.resize(static_cast<size_t>(table_.size()));
    const uint64_t base = static_cast<uint64_t>(batches_.size()) << 32;
    for (int64_t i = 0; i < n; ++i) last_[groups[static_cast<size_t>(i)]] = base | static_cast<uint64_t>(i);
    batches_.push_back(batch);
    batch_groups_.push_back(std::move(groups));
    buffered_bytes_ += batch->ByteSize() + n * 4;
  }
  const int64_t held = HeldBytes();
  if (budget_ >= 0 && held > budget_) LD_RETURN_IF_ERROR(EnterSpill());
  reported_bytes_.store(spilled_ ? HeldBytes() : held, std::memory_order_relaxed);
  return result;
}

void DedupeCore::FirstOccurrences(int64_t n) {
  // Group ids are handed out in row order, so row i holds a new key exactly when its id is the
  // next unused one.
  const uint32_t before = static_cast<uint32_t>(table_.size());
  groups_.resize(static_cast<size_t>(n));
  table_.FindOrInsert(keys_, groups_.data());
  kept_.clear();
  uint32_t next = before;
  for (int64_t i = 0; i < n; ++i) {
    if (groups_[static_cast<size_t>(i)] == next) {
      kept_.push_back(static_cast<int32_t>(i));
      ++next;
    }
  }
}

Status DedupeCore::EnterSpill() {
  spilled_ = true;
  rows_spill_ = std::make_unique<SpillPartitions>(spill_dir_.get());
  if (keep_ == DedupeKeep::kFirst) {
    // Keys already returned must keep suppressing later rows: park them per partition.
    seen_spill_ = std::make_unique<SpillPartitions>(spill_dir_.get());
    std::vector<std::string_view> keys;
    std::vector<uint64_t> hashes;
    for (int64_t g = 0; g < table_.size(); ++g) {
      keys.push_back(table_.key(g));
      hashes.push_back(table_.hash(g));
    }
    LD_RETURN_IF_ERROR(WriteSeenKeys(*seen_spill_, keys, hashes));
  } else {
    for (const auto& b : batches_) LD_RETURN_IF_ERROR(SpillRows(*b));
    batches_.clear();
    batch_groups_.clear();
    last_ = {};
    buffered_bytes_ = 0;
  }
  table_.Clear();
  return Status::OK();
}

Status DedupeCore::WriteSeenKeys(SpillPartitions& out, const std::vector<std::string_view>& keys,
                                 const std::vector<uint64_t>& hashes) {
  for (size_t b = 0; b < keys.size(); b += kTargetBatchRows) {
    const size_t e = std::min(keys.size(), b + kTargetBatchRows);
    // Keys are opaque bytes here: store them as a binary column.
    auto offsets = std::make_shared<Buffer>();
    auto data = std::make_shared<Buffer>();
    offsets->Resize((e - b + 1) * 4);
    int32_t* o = offsets->mutable_data_as<int32_t>();
    o[0] = 0;
    for (size_t k = b; k < e; ++k) {
      data->Append(keys[k].data(), keys[k].size());
      o[k - b + 1] = static_cast<int32_t>(data->size());
    }
    auto col = std::make_shared<const Column>(DataType::Binary(), static_cast<int64_t>(e - b), nullptr, offsets, data);
    LD_RETURN_IF_ERROR(out.WritePartitioned(Batch(SeenSchema(), {col}, static_cast<int64_t>(e - b)), hashes.data() + b));
  }
  return Status::OK();
}

Status DedupeCore::SpillRows(const Batch& batch) {
  encoder_.Encode(Keys(batch), 0, batch.num_rows(), &keys_);
  return rows_spill_->WritePartitioned(batch, keys_.hashes.data());
}

RowHasher DedupeCore::KeyHasher() {
  return [this](const Batch& batch, std::vector<uint64_t>* hashes) {
    encoder_.Encode(Keys(batch), 0, batch.num_rows(), &keys_);
    *hashes = keys_.hashes;
    return Status::OK();
  };
}

bool DedupeCore::OverBudget() const {
  // One key cannot be split further, so a single key is never "over": its rows stream.
  return budget_ >= 0 && table_.size() > 1 &&
         table_.MemoryBytes() + static_cast<int64_t>(last_.capacity() * 8) > std::max(budget_, kMinSplitBytes);
}

Status DedupeCore::PartitionTooBig(const SpilledPartition& part) const {
  return Status::ResourceExhausted("dedupe: the distinct keys of spill partition " + part.id.Name() + " need " +
                                   std::to_string(table_.MemoryBytes()) + " bytes, over the node's memory budget of " +
                                   std::to_string(budget_) + " bytes, and the partition cannot be split further; "
                                   "raise --memory");
}

void DedupeCore::RemoveFiles(const SpilledPartition& part) const {
  // Best effort: a partition's files are read once; their disk space is not needed afterwards.
  for (const auto& path : part.seen) (void)fs_->RemoveAll(path);
  for (const auto& path : part.rows) (void)fs_->RemoveAll(path);
}

Status DedupeCore::Finish(const std::function<Status(BatchPtr)>& emit) {
  if (!spilled_) {
    if (keep_ == DedupeKeep::kFirst) return Status::OK();
    for (size_t k = 0; k < batches_.size(); ++k) {
      const auto& groups = batch_groups_[k];
      kept_.clear();
      const uint64_t base = static_cast<uint64_t>(k) << 32;
      for (size_t i = 0; i < groups.size(); ++i) {
        if (last_[groups[i]] == (base | i)) kept_.push_back(static_cast<int32_t>(i));
      }
      if (kept_.size() == groups.size()) LD_RETURN_IF_ERROR(emit(batches_[k]));
      else if (!kept_.empty()) LD_RETURN_IF_ERROR(emit(TakeBatch(*batches_[k], kept_)));
      batches_[k].reset();
    }
    return Status::OK();
  }
  std::vector<std::vector<std::string>> rows_paths, seen_paths;
  LD_RETURN_IF_ERROR(rows_spill_->Close(&rows_paths));
  if (seen_spill_ != nullptr) LD_RETURN_IF_ERROR(seen_spill_->Close(&seen_paths));
  rows_paths.resize(kSpillPartitions);
  seen_paths.resize(kSpillPartitions);
  for (int p = 0; p < kSpillPartitions; ++p) {
    SpilledPartition part{SpillPartitionId{}.Child(p), std::move(seen_paths[static_cast<size_t>(p)]),
                          std::move(rows_paths[static_cast<size_t>(p)])};
    LD_RETURN_IF_ERROR(keep_ == DedupeKeep::kFirst ? FinishFirst(part, emit) : FinishLast(part, emit));
  }
  table_.Clear();
  last_ = {};
  reported_bytes_.store(0, std::memory_order_relaxed);
  return Status::OK();
}

Status DedupeCore::FinishFirst(const SpilledPartition& part, const EmitFn& emit) {
  if (part.rows.empty()) {
    RemoveFiles(part);
    return Status::OK();
  }
  table_.Clear();
  SpillFileStream seen(*fs_, part.seen, SeenSchema());
  while (true) {
    LD_ASSIGN_OR_RETURN(BatchPtr b, seen.Next());
    if (b == nullptr) break;
    const Column& c = *b->column(0);
    for (int64_t i = 0; i < b->num_rows(); ++i) {
      std::string_view k = c.GetString(i);
      table_.FindOrInsert(k, HashBytes(k.data(), k.size()));
    }
    if (OverBudget()) return SplitFirst(part, &seen, nullptr, emit);
  }
  SpillFileStream rows(*fs_, part.rows, schema_);
  while (true) {
    LD_ASSIGN_OR_RETURN(BatchPtr b, rows.Next());
    if (b == nullptr) break;
    const int64_t n = b->num_rows();
    encoder_.Encode(Keys(*b), 0, n, &keys_);
    FirstOccurrences(n);
    reported_bytes_.store(table_.MemoryBytes() + b->ByteSize(), std::memory_order_relaxed);
    // Copied out of the mapped spill file: downstream may hold the rows after the file is gone.
    if (!kept_.empty()) LD_RETURN_IF_ERROR(emit(TakeBatch(*b, kept_)));
    if (OverBudget()) return SplitFirst(part, nullptr, &rows, emit);
  }
  RemoveFiles(part);
  return Status::OK();
}

Status DedupeCore::SplitFirst(const SpilledPartition& part, SpillFileStream* seen_rest, SpillFileStream* rows_rest,
                              const EmitFn& emit) {
  if (!part.id.CanSplit()) return PartitionTooBig(part);
  SpillPartitions seen_out(spill_dir_.get(), part.id);
  {
    std::vector<std::string_view> keys;
    std::vector<uint64_t> hashes;
    for (int64_t g = 0; g < table_.size(); ++g) {
      keys.push_back(table_.key(g));
      hashes.push_back(table_.hash(g));
    }
    LD_RETURN_IF_ERROR(WriteSeenKeys(seen_out, keys, hashes));
  }
  table_.Clear();
  std::vector<uint64_t> hashes;
  if (seen_rest != nullptr) {
    while (true) {
      LD_ASSIGN_OR_RETURN(BatchPtr b, seen_rest->Next());
      if (b == nullptr) break;
      const Column& c = *b->column(0);
      hashes.resize(static_cast<size_t>(b->num_rows()));
      for (int64_t i = 0; i < b->num_rows(); ++i) {
        std::string_view k = c.GetString(i);
        hashes[static_cast<size_t>(i)] = HashBytes(k.data(), k.size());
      }
      LD_RETURN_IF_ERROR(seen_out.WritePartitioned(*b, hashes.data()));
    }
  }
  std::vector<std::vector<std::string>> seen_paths, rows_paths;
  LD_RETURN_IF_ERROR(seen_out.Close(&seen_paths));
  if (rows_rest != nullptr) {
    SpillPartitions rows_out(spill_dir_.get(), part.id);
    while (true) {
      LD_ASSIGN_OR_RETURN(BatchPtr b, rows_rest->Next());
      if (b == nullptr) break;
      encoder_.Encode(Keys(*b), 0, b->num_rows(), &keys_);
      LD_RETURN_IF_ERROR(rows_out.WritePartitioned(*b, keys_.hashes.data()));
    }
    LD_RETURN_IF_ERROR(rows_out.Close(&rows_paths));
  } else {
    LD_ASSIGN_OR_RETURN(rows_paths, RepartitionSpillFiles(spill_dir_.get(), part.rows, schema_, part.id, KeyHasher()));
  }
  RemoveFiles(part);
  seen_paths.resize(kSpillPartitions);
  rows_paths.resize(kSpillPartitions);
  for (int c = 0; c < kSpillPartitions; ++c) {
    SpilledPartition child{part.id.Child(c), std::move(seen_paths[static_cast<size_t>(c)]),
                           std::move(rows_paths[static_cast<size_t>(c)])};
    LD_RETURN_IF_ERROR(FinishFirst(child, emit));
  }
  return Status::OK();
}

Status DedupeCore::FinishLast(const SpilledPartition& part, const EmitFn& emit) {
  if (part.rows.empty()) return Status::OK();
  // Pass 1: each key's last row, as (batch << 32 | row) in stream order.
  table_.Clear();
  last_.clear();
  {
    SpillFileStream rows(*fs_, part.rows, schema_);
    uint64_t batch_index = 0;
    while (true) {
      LD_ASSIGN_OR_RETURN(BatchPtr b, rows.Next());
      if (b == nullptr) break;
      const int64_t n = b->num_rows();
      encoder_.Encode(Keys(*b), 0, n, &keys_);
      groups_.resize(static_cast<size_t>(n));
      table_.FindOrInsert(keys_, groups_.data());
      last_.resize(static_cast<size_t>(table_.size()));
      for (int64_t i = 0; i < n; ++i) last_[groups_[static_cast<size_t>(i)]] = batch_index << 32 | static_cast<uint64_t>(i);
      ++batch_index;
      reported_bytes_.store(HeldBytes() + b->ByteSize(), std::memory_order_relaxed);
      if (!OverBudget()) continue;
      // Nothing of this partition was returned yet: split all of it and finish the children.
      if (!part.id.CanSplit()) return PartitionTooBig(part);
      table_.Clear();
      last_ = {};
      LD_ASSIGN_OR_RETURN(auto children, RepartitionSpillFiles(spill_dir_.get(), part.rows, schema_, part.id, KeyHasher()));
      children.resize(kSpillPartitions);
      for (int c = 0; c < kSpillPartitions; ++c) {
        LD_RETURN_IF_ERROR(FinishLast({part.id.Child(c), {}, std::move(children[static_cast<size_t>(c)])}, emit));
      }
      return Status::OK();
    }
  }
  // Pass 2: the rows that are their key's last, in stream order.
  SpillFileStream rows(*fs_, part.rows, schema_);
  std::vector<int32_t> groups;
  uint64_t batch_index = 0;
  while (true) {
    LD_ASSIGN_OR_RETURN(BatchPtr b, rows.Next());
    if (b == nullptr) break;
    const int64_t n = b->num_rows();
    encoder_.Encode(Keys(*b), 0, n, &keys_);
    groups.resize(static_cast<size_t>(n));
    table_.Find(keys_, groups.data());
    kept_.clear();
    for (int64_t i = 0; i < n; ++i) {
      if (last_[static_cast<size_t>(groups[static_cast<size_t>(i)])] == (batch_index << 32 | static_cast<uint64_t>(i))) {
        kept_.push_back(static_cast<int32_t>(i));
      }
    }
    ++batch_index;
    if (!kept_.empty()) LD_RETURN_IF_ERROR(emit(TakeBatch(*b, kept_)));
  }
  RemoveFiles(part);
  return Status::OK();
}

namespace {

class DedupeOperator final : public Operator {
 public:
  DedupeOperator(SchemaPtr schema, std::vector<int> keys, DedupeKeep keep)
      : keep_(keep), keys_(keys), core_(schema, std::move(keys), keep) {
    output_schemas_ = {std::move(schema)};
  }

  std::optional<std::vector<int>> InputColumnsNeeded(int, const std::vector<int>& needed) const override {
    if (keys_.empty()) return std::nullopt;  // whole-row keys read everything
    std::vector<int> cols = needed;
    cols.insert(cols.end(), keys_.begin(), keys_.end());
    return blocking::SortedUnique(std::move(cols));
  }

  bool UsesMemoryBudget() const override { return true; }
  Status Open(ExecContext& ctx) override {
    core_.EnableSpill(ctx.fs, ctx.spill_dir, ctx.node_id, ctx.memory_budget_bytes);
    return Status::OK();
  }
  bool RequiresOrderedInput(int) const override { return true; }
  bool EmitsOnConsume(int) const override { return keep_ == DedupeKeep::kFirst; }

  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter& out) override {
    LD_ASSIGN_OR_RETURN(BatchPtr kept, core_.Add(batch));
    if (kept == nullptr) return Status::OK();
    return out.Emit(blocking::WithSchema(output_schemas_[0], kept->columns(), kept->num_rows()));
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (finished_) return false;
    finished_ = true;
    LD_RETURN_IF_ERROR(core_.Finish([&](BatchPtr b) { return out.Emit(std::move(b)); }));
    return false;
  }

  int64_t MemoryUsage() const override { return core_.MemoryUsage(); }

 private:
  DedupeKeep keep_;
  std::vector<int> keys_;
  DedupeCore core_;
  bool finished_ = false;
};

Result<std::unique_ptr<Operator>> BindDedupe(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::InvalidArgument("dedupe needs exactly one input");
  }
  const nlohmann::json& cfg = ctx.cfg();
  const SchemaPtr& in = ctx.input_schemas[0];
  LD_ASSIGN_OR_RETURN(std::vector<int> keys, blocking::ColumnList(cfg, "keys", *in));
  LD_ASSIGN_OR_RETURN(std::string keep, blocking::StringMember(cfg, "keep", "", "first", {"first", "last"}));
  return std::unique_ptr<Operator>(
      std::make_unique<DedupeOperator>(in, std::move(keys), keep == "first" ? DedupeKeep::kFirst : DedupeKeep::kLast));
}

}  // namespace

ModuleDescriptor DedupeModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "dedupe", "rows", "copy-x", "Removes duplicate rows, keeping the first or last row per key.",
      "Rows with duplicates.", "One row per key.");
  d.description =
      "Keeps one row per distinct combination of the `keys` columns (all columns when empty): the "
      "first or the last in input order. Whole rows are kept. Nulls compare equal to each other. "
      "Keep first streams; keep last holds rows until the input ends. Spills to disk past the "
      "memory budget.";
  d.config_schema = {
      {"type", "object"},
      {"title", "Dedupe"},
      {"additionalProperties", false},
      {"properties",
       {{"keys",
         {{"type", "array"},
          {"title", "Key columns"},
          {"description", "Rows with equal values in these columns are duplicates. Empty: compare whole rows."},
          {"items", {{"type", "string"}, {"title", "Column"}, {"format", "column"}}},
          {"default", nlohmann::json::array()}}},
        {"keep",
         {{"type", "string"},
          {"title", "Keep"},
          {"description", "Which row of each key to keep, in input order."},
          {"enum", {"first", "last"}},
          {"default", "first"}}}}},
  };
  d.factory = BindDedupe;
  return d;
}

}  // namespace logidata
