#include "transforms/duplicate_key_finder.h"

#include <algorithm>
#include <numeric>

#include "transforms/key_table.h"

namespace logidata {

namespace {

// Bytes a held row costs per key list beyond its key bytes: its key table slot, offset and hash,
// and its group id.
constexpr int64_t kKeyOverheadBytes = 36;

// Spilled key entries: the encoded key and the row's stamp (batch sequence << 32 | row).
const SchemaPtr& EntrySchema() {
  static const SchemaPtr kSchema = MakeSchema({{"__key", DataType::Binary(), false}, {"__stamp", DataType::Int64(), false}});
  return kSchema;
}

}  // namespace

DuplicateKeyFinder::DuplicateKeyFinder(SchemaPtr schema, std::vector<std::vector<int>> key_lists)
    : schema_(std::move(schema)), key_lists_(std::move(key_lists)) {
  for (const auto& cols : key_lists_) {
    std::vector<DataType> types;
    for (int c : cols) types.push_back(schema_->field(c).type);
    encoders_.emplace_back(std::move(types));
  }
}

DuplicateKeyFinder::~DuplicateKeyFinder() = default;

void DuplicateKeyFinder::EnableSpill(FileSystem* fs, std::filesystem::path spill_dir, std::string name,
                                     int64_t budget_bytes) {
  fs_ = fs;
  budget_ = budget_bytes;
  spill_dir_ = std::make_unique<SpillDirectory>(fs, std::move(spill_dir), "unique-" + name);
}

void DuplicateKeyFinder::EncodeAll(const Batch& batch, std::vector<EncodedKeys>* keys) const {
  keys->resize(key_lists_.size());
  for (size_t k = 0; k < key_lists_.size(); ++k) {
    std::vector<ColumnPtr> cols;
    for (int c : key_lists_[k]) cols.push_back(batch.column(c));
    encoders_[k].Encode(cols, 0, batch.num_rows(), &(*keys)[k]);
  }
}

Status DuplicateKeyFinder::Add(const BatchPtr& batch) {
  const int64_t n = batch->num_rows();
  if (n == 0) return Status::OK();
  // Encoded outside the lock, so several threads encode at once.
  std::vector<EncodedKeys> keys;
  EncodeAll(*batch, &keys);
  int64_t bytes = batch->ByteSize();
  for (const auto& k : keys) bytes += static_cast<int64_t>(k.data.size()) + n * kKeyOverheadBytes;
  std::lock_guard<std::mutex> lock(mu_);
  batch_rows_.emplace_back(batch->sequence(), n);
  if (spilled_) return SpillBatch(*batch, keys);
  held_.push_back(batch);
  const int64_t held = held_bytes_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  if (budget_ >= 0 && spill_dir_ != nullptr && held > budget_) return EnterSpill();
  return Status::OK();
}

Status DuplicateKeyFinder::EnterSpill() {
  spilled_ = true;
  LD_ASSIGN_OR_RETURN(std::string path, spill_dir_->NewPath());
  LD_ASSIGN_OR_RETURN(rows_, SpillWriter::Open(*fs_, std::move(path)));
  for (size_t k = 0; k < key_lists_.size(); ++k) entries_.push_back(std::make_unique<SpillPartitions>(spill_dir_.get()));
  std::vector<EncodedKeys> keys;
  for (BatchPtr& b : held_) {
    EncodeAll(*b, &keys);
    LD_RETURN_IF_ERROR(SpillBatch(*b, keys));
    b.reset();
  }
  held_.clear();
  held_bytes_.store(0, std::memory_order_relaxed);
  return Status::OK();
}

Status DuplicateKeyFinder::SpillBatch(const Batch& batch, const std::vector<EncodedKeys>& keys) {
  LD_RETURN_IF_ERROR(rows_->Write(batch));
  rows_sequences_.push_back(batch.sequence());
  const int64_t n = batch.num_rows();
  const int64_t stamp_base = static_cast<int64_t>(batch.sequence() << 32);
  for (size_t k = 0; k < keys.size(); ++k) {
    const EncodedKeys& ek = keys[k];
    auto offsets = std::make_shared<Buffer>();
    auto data = std::make_shared<Buffer>();
    auto stamps = std::make_shared<Buffer>();
    offsets->Resize(static_cast<size_t>(n + 1) * 4);
    stamps->Resize(static_cast<size_t>(n) * 8);
    int32_t* o = offsets->mutable_data_as<int32_t>();
    int64_t* st = stamps->mutable_data_as<int64_t>();
    std::vector<uint64_t> hashes;
    int64_t m = 0;
    o[0] = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (!ek.all_valid[static_cast<size_t>(i)]) continue;  // a key with a null is never a duplicate
      const std::string_view key = ek.key(i);
      data->Append(key.data(), key.size());
      o[m + 1] = static_cast<int32_t>(data->size());
      st[m] = stamp_base + i;
      hashes.push_back(ek.hashes[static_cast<size_t>(i)]);
      ++m;
    }
    if (m == 0) continue;
    auto key_col = std::make_shared<const Column>(DataType::Binary(), m, nullptr, offsets, data);
    auto stamp_col = std::make_shared<const Column>(DataType::Int64(), m, nullptr, stamps);
    LD_RETURN_IF_ERROR(entries_[k]->WritePartitioned(Batch(EntrySchema(), {key_col, stamp_col}, m), hashes.data()));
  }
  return Status::OK();
}

Status DuplicateKeyFinder::Finish(const std::function<Status(const BatchPtr&, const Marks&)>& visit) {
  return spilled_ ? FinishSpilled(visit) : FinishInMemory(visit);
}

Status DuplicateKeyFinder::FinishInMemory(const std::function<Status(const BatchPtr&, const Marks&)>& visit) {
  std::sort(held_.begin(), held_.end(), [](const BatchPtr& a, const BatchPtr& b) { return a->sequence() < b->sequence(); });
  // groups[k][b][i]: the key id of row i of batch b, or UINT32_MAX when the key has a null.
  std::vector<std::vector<std::vector<uint32_t>>> groups(key_lists_.size());
  std::vector<std::vector<int64_t>> counts(key_lists_.size());
  EncodedKeys keys;
  for (size_t k = 0; k < key_lists_.size(); ++k) {
    KeyTable table;
    for (const BatchPtr& b : held_) {
      std::vector<ColumnPtr> cols;
      for (int c : key_lists_[k]) cols.push_back(b->column(c));
      encoders_[k].Encode(cols, 0, b->num_rows(), &keys);
      std::vector<uint32_t> g(static_cast<size_t>(b->num_rows()));
      table.FindOrInsert(keys, g.data());
      counts[k].resize(static_cast<size_t>(table.size()), 0);
      for (size_t i = 0; i < g.size(); ++i) {
        if (keys.all_valid[i]) ++counts[k][g[i]];
        else g[i] = UINT32_MAX;
      }
      groups[k].push_back(std::move(g));
    }
  }
  Marks marks(key_lists_.size());
  for (size_t b = 0; b < held_.size(); ++b) {
    for (size_t k = 0; k < key_lists_.size(); ++k) {
      marks[k].clear();
      for (uint32_t g : groups[k][b]) marks[k].push_back(g != UINT32_MAX && counts[k][g] > 1);
      groups[k][b] = {};
    }
    LD_RETURN_IF_ERROR(visit(held_[b], marks));
    held_bytes_.fetch_sub(held_[b]->ByteSize(), std::memory_order_relaxed);
    held_[b].reset();
  }
  held_.clear();
  held_bytes_.store(0, std::memory_order_relaxed);
  return Status::OK();
}

Status DuplicateKeyFinder::FinishSpilled(const std::function<Status(const BatchPtr&, const Marks&)>& visit) {
  LD_RETURN_IF_ERROR(rows_->Close());
  std::vector<std::vector<std::vector<std::string>>> entry_paths(key_lists_.size());
  for (size_t k = 0; k < key_lists_.size(); ++k) LD_RETURN_IF_ERROR(entries_[k]->Close(&entry_paths[k]));

  // Row numbers follow the batches' sequence.
  std::sort(batch_rows_.begin(), batch_rows_.end());
  int64_t total = 0;
  for (const auto& [sequence, rows] : batch_rows_) {
    first_row_[sequence] = total;
    total += rows;
  }
  batch_rows_ = {};
  std::vector<std::vector<uint64_t>> marks(key_lists_.size(), std::vector<uint64_t>(static_cast<size_t>((total + 63) / 64), 0));
  const int64_t marks_bytes = static_cast<int64_t>(key_lists_.size() * marks.front().size() * 8 + first_row_.size() * 32);
  held_bytes_.store(marks_bytes, std::memory_order_relaxed);
  for (size_t k = 0; k < key_lists_.size(); ++k) {
    entry_paths[k].resize(kSpillPartitions);
    for (int p = 0; p < kSpillPartitions; ++p) {
      LD_RETURN_IF_ERROR(MarkPartition(SpillPartitionId{}.Child(p), entry_paths[k][static_cast<size_t>(p)], &marks[k]));
    }
  }

  // The rows, back in sequence order (the file is mapped: batches are views into it).
  LD_ASSIGN_OR_RETURN(auto reader, SpillReader::Open(*fs_, rows_->path(), schema_));
  std::vector<BatchPtr> batches;
  while (true) {
    LD_ASSIGN_OR_RETURN(BatchPtr b, reader->Next());
    if (b == nullptr) break;
    batches.push_back(std::move(b));
  }
  if (batches.size() != rows_sequences_.size()) return Status::Internal("unique: spilled row batches went missing");
  std::vector<size_t> order(batches.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows_sequences_[a] < rows_sequences_[b]; });
  Marks batch_marks(key_lists_.size());
  for (size_t j : order) {
    const int64_t first = first_row_.at(rows_sequences_[j]);
    const int64_t n = batches[j]->num_rows();
    for (size_t k = 0; k < key_lists_.size(); ++k) {
      batch_marks[k].resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t r = static_cast<uint64_t>(first + i);
        batch_marks[k][static_cast<size_t>(i)] = (marks[k][r >> 6] >> (r & 63)) & 1;
      }
    }
    LD_RETURN_IF_ERROR(visit(batches[j], batch_marks));
    batches[j].reset();
  }
  held_bytes_.store(0, std::memory_order_relaxed);
  return Status::OK();
}

Status DuplicateKeyFinder::MarkPartition(SpillPartitionId id, const std::vector<std::string>& paths,
                                         std::vector<uint64_t>* marks) {
  if (paths.empty()) return Status::OK();
  const int64_t base_bytes = held_bytes_.load(std::memory_order_relaxed);
  const int64_t limit = std::max(budget_, kMinSplitBytes);
  // First pass: how often each key occurs (0, 1 or "2 or more").
  KeyTable table;
  std::vector<uint8_t> counts;
  {
    SpillFileStream entries(*fs_, paths, EntrySchema());
    while (true) {
      LD_ASSIGN_OR_RETURN(BatchPtr b, entries.Next());
      if (b == nullptr) break;
      const Column& keys = *b->column(0);
      for (int64_t i = 0; i < b->num_rows(); ++i) {
        const std::string_view key = keys.GetString(i);
        const uint32_t g = table.FindOrInsert(key, HashBytes(key.data(), key.size()));
        if (g >= counts.size()) counts.push_back(0);
        counts[g] = static_cast<uint8_t>(std::min(2, counts[g] + 1));
      }
      const int64_t bytes = table.MemoryBytes() + static_cast<int64_t>(counts.capacity());
      held_bytes_.store(base_bytes + bytes, std::memory_order_relaxed);
      if (bytes <= limit || !id.CanSplit()) continue;
      // Too many distinct keys for the budget: split this partition on the next hash bits.
      table.Clear();
      counts = {};
      held_bytes_.store(base_bytes, std::memory_order_relaxed);
      LD_ASSIGN_OR_RETURN(auto children, RepartitionSpillFiles(spill_dir_.get(), paths, EntrySchema(), id,
                                                               [](const Batch& batch, std::vector<uint64_t>* hashes) {
                                                                 const Column& keys = *batch.column(0);
                                                                 hashes->resize(static_cast<size_t>(batch.num_rows()));
                                                                 for (int64_t i = 0; i < batch.num_rows(); ++i) {
                                                                   const std::string_view key = keys.GetString(i);
                                                                   (*hashes)[static_cast<size_t>(i)] = HashBytes(key.data(), key.size());
                                                                 }
                                                                 return Status::OK();
                                                               }));
      children.resize(kSpillPartitions);
      for (int c = 0; c < kSpillPartitions; ++c) {
        LD_RETURN_IF_ERROR(MarkPartition(id.Child(c), children[static_cast<size_t>(c)], marks));
      }
      return Status::OK();
    }
  }
  // Second pass: mark the rows whose key occurs twice or more.
  SpillFileStream entries(*fs_, paths, EntrySchema());
  while (true) {
    LD_ASSIGN_OR_RETURN(BatchPtr b, entries.Next());
    if (b == nullptr) break;
    const Column& keys = *b->column(0);
    const Column& stamps = *b->column(1);
    for (int64_t i = 0; i < b->num_rows(); ++i) {
      const std::string_view key = keys.GetString(i);
      const int32_t g = table.Find(key, HashBytes(key.data(), key.size()));
      if (g < 0 || counts[static_cast<size_t>(g)] < 2) continue;
      const uint64_t stamp = static_cast<uint64_t>(stamps.Get<int64_t>(i));
      const uint64_t r = static_cast<uint64_t>(first_row_.at(stamp >> 32)) + (stamp & 0xffffffffu);
      (*marks)[r >> 6] |= uint64_t{1} << (r & 63);
    }
  }
  held_bytes_.store(base_bytes, std::memory_order_relaxed);
  return Status::OK();
}

}  // namespace logidata
