#include "transforms/distinct_key_counter.h"

#include <algorithm>

#include "types/column_builder.h"

namespace logidata {

namespace {

// A spilled key: its encoded bytes and its hash (kept, so partitions split without decoding).
const SchemaPtr& KeySchema() {
  static const SchemaPtr kSchema = MakeSchema({{"__key", DataType::Binary(), false}, {"__hash", DataType::Int64(), false}});
  return kSchema;
}

Status HashesOf(const Batch& batch, std::vector<uint64_t>* hashes) {
  const int64_t* h = batch.column(1)->values<int64_t>();
  hashes->assign(h, h + batch.num_rows());
  return Status::OK();
}

}  // namespace

void DistinctKeyCounter::EnableSpill(SpillDirectory* dir, int64_t budget_bytes) {
  dir_ = dir;
  budget_ = budget_bytes;
}

Status DistinctKeyCounter::Add(std::string_view key, uint64_t hash) {
  table_.FindOrInsert(key, hash);
  if (dir_ != nullptr && budget_ >= 0 && table_.MemoryBytes() > SplitLimit()) return SpillTable();
  return Status::OK();
}

Status DistinctKeyCounter::SpillTable() {
  if (spill_ == nullptr) spill_ = std::make_unique<SpillPartitions>(dir_);
  constexpr int64_t kChunk = 64 * 1024;
  for (int64_t from = 0; from < table_.size(); from += kChunk) {
    const int64_t to = std::min(table_.size(), from + kChunk);
    ColumnBuilder keys(DataType::Binary(), to - from), hashes(DataType::Int64(), to - from);
    std::vector<uint64_t> h;
    for (int64_t g = from; g < to; ++g) {
      keys.AppendString(table_.key(g));
      hashes.AppendInt64(static_cast<int64_t>(table_.hash(g)));
      h.push_back(table_.hash(g));
    }
    LD_RETURN_IF_ERROR(spill_->WritePartitioned(Batch(KeySchema(), {keys.Finish(), hashes.Finish()}, to - from), h.data()));
  }
  table_.Clear();
  return Status::OK();
}

Status DistinctKeyCounter::Merge(DistinctKeyCounter& other) {
  for (int64_t g = 0; g < other.table_.size(); ++g) LD_RETURN_IF_ERROR(Add(other.table_.key(g), other.table_.hash(g)));
  other.table_.Clear();
  std::vector<std::vector<std::string>> paths;
  if (other.spill_ != nullptr) {
    LD_RETURN_IF_ERROR(other.spill_->Close(&paths));
    other.spill_.reset();
  }
  for (auto* source : {&paths, &other.closed_}) {
    if (closed_.size() < source->size()) closed_.resize(source->size());
    for (size_t p = 0; p < source->size(); ++p) {
      for (auto& path : (*source)[p]) closed_[p].push_back(std::move(path));
    }
    source->clear();
  }
  return Status::OK();
}

Result<int64_t> DistinctKeyCounter::Finish() {
  if (spill_ == nullptr && closed_.empty()) return table_.size();
  if (table_.size() > 0) LD_RETURN_IF_ERROR(SpillTable());
  std::vector<std::vector<std::string>> paths;
  if (spill_ != nullptr) {
    LD_RETURN_IF_ERROR(spill_->Close(&paths));
    spill_.reset();
  }
  paths.resize(kSpillPartitions);
  closed_.resize(kSpillPartitions);
  int64_t distinct = 0;
  for (int p = 0; p < kSpillPartitions; ++p) {
    auto& files = paths[static_cast<size_t>(p)];
    for (auto& path : closed_[static_cast<size_t>(p)]) files.push_back(std::move(path));
    if (files.empty()) continue;
    LD_ASSIGN_OR_RETURN(int64_t n, CountPartition(SpillPartitionId{}.Child(p), files));
    distinct += n;
  }
  closed_.clear();
  return distinct;
}

Result<int64_t> DistinctKeyCounter::CountPartition(SpillPartitionId id, const std::vector<std::string>& paths) {
  KeyTable table;
  SpillFileStream keys(*dir_->fs(), paths, KeySchema());
  while (true) {
    LD_ASSIGN_OR_RETURN(BatchPtr b, keys.Next());
    if (b == nullptr) break;
    const Column& key = *b->column(0);
    const int64_t* hash = b->column(1)->values<int64_t>();
    for (int64_t i = 0; i < b->num_rows(); ++i) table.FindOrInsert(key.GetString(i), static_cast<uint64_t>(hash[i]));
    if (table.MemoryBytes() <= SplitLimit() || !id.CanSplit()) continue;
    table.Clear();
    LD_ASSIGN_OR_RETURN(auto children, RepartitionSpillFiles(dir_, paths, KeySchema(), id, HashesOf));
    int64_t distinct = 0;
    for (size_t c = 0; c < children.size(); ++c) {
      if (children[c].empty()) continue;
      LD_ASSIGN_OR_RETURN(int64_t n, CountPartition(id.Child(static_cast<int>(c)), children[c]));
      distinct += n;
    }
    return distinct;
  }
  for (const auto& path : paths) (void)dir_->fs()->RemoveAll(path);  // best effort: read once
  return table.size();
}

}  // namespace logidata
