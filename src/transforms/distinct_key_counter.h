// DistinctKeyCounter: the exact number of distinct encoded keys (key_encoder.h) in a stream, in
// bounded memory. Keys collect in a KeyTable; when the table outgrows the budget, its keys go to
// spill files by hash partition and it starts again. Finish() then counts every partition on its
// own (a key lands in one partition only), splitting a partition again by the next hash bits
// while its distinct keys do not fit; distinct keys always split, and copies of one key collapse
// in the table, so no input can defeat the bound.
// Not thread-safe: one counter per thread, folded together with Merge() before Finish().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "transforms/key_table.h"
#include "transforms/spill_file.h"

namespace logidata {

class DistinctKeyCounter {
 public:
  // Without EnableSpill the counter holds every distinct key in memory.
  DistinctKeyCounter() = default;
  // Spills into `dir` (shared with other counters; it outlives them) once the table holds more
  // than `budget_bytes`.
  void EnableSpill(SpillDirectory* dir, int64_t budget_bytes);

  Status Add(std::string_view key, uint64_t hash);
  // Folds `other` into this counter; `other` is left empty.
  Status Merge(DistinctKeyCounter& other);
  // The number of distinct keys added. Call once, after the last Add and Merge.
  Result<int64_t> Finish();

  int64_t MemoryBytes() const { return table_.MemoryBytes(); }

 private:
  Status SpillTable();
  Result<int64_t> CountPartition(SpillPartitionId id, const std::vector<std::string>& paths);
  int64_t SplitLimit() const { return std::max(budget_, kMinSplitBytes); }

  KeyTable table_;
  SpillDirectory* dir_ = nullptr;
  int64_t budget_ = -1;
  std::unique_ptr<SpillPartitions> spill_;
  std::vector<std::vector<std::string>> closed_;  // spill files of merged counters, by partition
};

}  // namespace logidata
