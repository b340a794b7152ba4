// Dedupe: keeps one row per distinct value of the key columns — the first or the last in input
// order — with the full rows. DedupeCore is the reusable engine (transform.dedupe and the
// cleaner's dedupe step both use it); DedupeModule() is the transform.
//
// DedupeCore streams for keep = first (a batch's new keys are returned at once) and buffers for
// keep = last (rows are known to be last only at the end). Past the memory budget it switches to
// hash-partitioned spill files and finishes partition by partition, streaming each partition's
// files one batch at a time. What a partition holds is its distinct keys; when they outgrow the
// budget the partition is split by the next hash bits (recursive partitioning), so many distinct
// keys in one partition never break the budget and duplicates of one key cost nothing. Rows
// returned after a spill are in input order within a partition only.
// Thread-compatible: REQUIRES batches in input order, one call at a time (operators using it
// declare RequiresOrderedInput).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "module/module_descriptor.h"
#include "transforms/key_encoder.h"
#include "transforms/key_table.h"
#include "transforms/spill_file.h"

namespace logidata {

enum class DedupeKeep { kFirst, kLast };

class DedupeCore {
 public:
  // `key_columns` index `schema`; an empty list means "all columns".
  DedupeCore(SchemaPtr schema, std::vector<int> key_columns, DedupeKeep keep);
  ~DedupeCore();

  // Enables spilling to a private folder under `spill_dir` once MemoryUsage() > budget_bytes.
  // Without it the core never spills.
  void EnableSpill(FileSystem* fs, std::filesystem::path spill_dir, std::string name, int64_t budget_bytes);

  // keep = first: the rows of `batch` whose key was not seen before (nullptr when none); the
  // batch itself when all rows survive. keep = last (or after a spill): nullptr; rows come from
  // Finish.
  Result<BatchPtr> Add(const BatchPtr& batch);
  // After the last Add: every surviving row not returned by Add yet.
  Status Finish(const std::function<Status(BatchPtr)>& emit);

  // Bytes held, as of the last Add or Finish step. Thread-safe (a monitoring thread reads it).
  int64_t MemoryUsage() const { return reported_bytes_.load(std::memory_order_relaxed); }
  bool spilled() const { return spilled_; }

 private:
  // Fills kept_ with the rows of keys_ (n rows) whose key is new to table_, inserting them.
  void FirstOccurrences(int64_t n);
  Status EnterSpill();
  Status SpillRows(const Batch& batch);
  // A partition of spilled input: the keys already returned (keep = first) and the rows.
  struct SpilledPartition {
    SpillPartitionId id;
    std::vector<std::string> seen, rows;
  };
  using EmitFn = std::function<Status(BatchPtr)>;
  Status FinishFirst(const SpilledPartition& part, const EmitFn& emit);
  // keep = first, part-way through `part` with its keys over the budget: the keys in the table
  // (seen or returned) become the children's seen keys and what is not read yet (`seen_rest`,
  // then the rows; or `rows_rest`) their input.
  Status SplitFirst(const SpilledPartition& part, SpillFileStream* seen_rest, SpillFileStream* rows_rest,
                    const EmitFn& emit);
  Status FinishLast(const SpilledPartition& part, const EmitFn& emit);
  // Writes `keys` (with their hashes) to the seen-key files of `out`'s children.
  Status WriteSeenKeys(SpillPartitions& out, const std::vector<std::string_view>& keys, const std::vector<uint64_t>& hashes);
  // The partitioning hash of rows: their encoded keys' hash, as SpillRows wrote them.
  RowHasher KeyHasher();
  bool OverBudget() const;
  Status PartitionTooBig(const SpilledPartition& part) const;
  void RemoveFiles(const SpilledPartition& part) const;
  std::vector<ColumnPtr> Keys(const Batch& batch) const;
  int64_t HeldBytes() const;

  SchemaPtr schema_;
  std::vector<int> key_columns_;
  DedupeKeep keep_;
  KeyEncoder encoder_;
  KeyTable table_;
  EncodedKeys keys_;
  std::vector<int32_t> kept_;
  std::vector<uint32_t> groups_;

  // keep = last, in memory: the buffered batches, their rows' group ids, and each group's last
  // (batch << 32 | row).
  std::vector<BatchPtr> batches_;
  std::vector<std::vector<uint32_t>> batch_groups_;
  std::vector<uint64_t> last_;
  int64_t buffered_bytes_ = 0;

  FileSystem* fs_ = nullptr;
  int64_t budget_ = -1;
  std::unique_ptr<SpillDirectory> spill_dir_;
  std::unique_ptr<SpillPartitions> rows_spill_, seen_spill_;
  bool spilled_ = false;
  std::atomic<int64_t> reported_bytes_{0};  // HeldBytes() for MemoryUsage()
};

ModuleDescriptor DedupeModule();

}  // namespace logidata
