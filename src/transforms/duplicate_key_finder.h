// DuplicateKeyFinder: which rows of an input hold a key that occurs more than once in the whole
// input, for one or more key column lists at once (validate's `unique` rules). Keys with a null
// part are never duplicates.
//
// Memory: rows and their encoded keys are held until they pass the memory budget; then every row
// goes to a spill file and each key list's (key, row stamp) entries to 16 hash partitions. Finish
// counts one partition at a time; a partition whose distinct keys outgrow
// max(budget, kMinSplitBytes) is split again on the next 4 hash bits, so the answer is exact
// at any budget. What stays in memory is one bit per row and key list (the duplicate marks) and
// one 16-byte entry per input batch (its sequence and row count).
//
// Thread-safety: Add may run on several threads at once (an internal lock orders the writes);
// Finish runs once, after every Add returned. MemoryUsage is thread-safe.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/file_system.h"
#include "transforms/key_encoder.h"
#include "transforms/spill_file.h"
#include "types/batch.h"

namespace logidata {

class DuplicateKeyFinder {
 public:
  // `key_lists`: the key columns (indices into `schema`) of each key list.
  DuplicateKeyFinder(SchemaPtr schema, std::vector<std::vector<int>> key_lists);
  ~DuplicateKeyFinder();

  // Spills to a private folder "<spill_dir>/unique-<name>-…" once more than `budget_bytes` are
  // held (a negative budget: never).
  void EnableSpill(FileSystem* fs, std::filesystem::path spill_dir, std::string name, int64_t budget_bytes);

  // Takes one input batch (its sequence gives its place in the input). Thread-safe.
  Status Add(const BatchPtr& batch);

  // Per key list, whether each row of a batch has a duplicated key (1) or not (0).
  using Marks = std::vector<std::vector<uint8_t>>;
  // Calls `visit` for every batch added, in sequence order, with its duplicate marks.
  // REQUIRES: every Add returned; called once.
  Status Finish(const std::function<Status(const BatchPtr&, const Marks&)>& visit);

  bool spilled() const { return spilled_; }
  int64_t MemoryUsage() const { return held_bytes_.load(std::memory_order_relaxed); }

 private:
  Status EnterSpill();
  Status SpillBatch(const Batch& batch, const std::vector<EncodedKeys>& keys);
  void EncodeAll(const Batch& batch, std::vector<EncodedKeys>* keys) const;
  Status FinishInMemory(const std::function<Status(const BatchPtr&, const Marks&)>& visit);
  Status FinishSpilled(const std::function<Status(const BatchPtr&, const Marks&)>& visit);
  // Sets the mark of every entry in `paths` (partition `id`) whose key occurs twice.
  Status MarkPartition(SpillPartitionId id, const std::vector<std::string>& paths, std::vector<uint64_t>* marks);

  SchemaPtr schema_;
  std::vector<std::vector<int>> key_lists_;
  std::vector<KeyEncoder> encoders_;

  FileSystem* fs_ = nullptr;
  int64_t budget_ = -1;
  std::unique_ptr<SpillDirectory> spill_dir_;

  std::mutex mu_;  // guards everything below during Add
  bool spilled_ = false;
  std::vector<BatchPtr> held_;                              // not spilled: the batches
  std::vector<std::pair<uint64_t, int64_t>> batch_rows_;    // every batch: sequence, rows
  std::unique_ptr<SpillWriter> rows_;                       // spilled: every row
  std::vector<uint64_t> rows_sequences_;                    // sequence of each batch in rows_
  std::vector<std::unique_ptr<SpillPartitions>> entries_;   // spilled: per key list
  std::atomic<int64_t> held_bytes_{0};
  std::unordered_map<uint64_t, int64_t> first_row_;  // spilled, in Finish: sequence → first row number
};

}  // namespace logidata
