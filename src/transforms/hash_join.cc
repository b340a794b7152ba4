#include "transforms/hash_join.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

#include "transforms/blocking_config.h"
#include "transforms/gather.h"
#include "transforms/key_encoder.h"
#include "transforms/key_table.h"
#include "transforms/spill_file.h"
#include "transforms/spilling_operator.h"

namespace logidata {

namespace {

using blocking::Pointer;

enum class JoinType { kInner, kLeft, kRight, kFull, kSemi, kAnti };

const std::vector<std::string>& JoinTypeNames() {
  static const std::vector<std::string> kNames = {"inner", "left", "right", "full", "semi", "anti"};
  return kNames;
}

constexpr uint32_t kNoGroup = 0xffffffffu;

// The build side, ready for probing: all rows in one batch, a key table and, per key, the list
// of its rows (CSR layout).
struct BuildSide {
  BatchPtr rows;
  KeyTable table;
  std::vector<uint32_t> group_start;  // size groups + 1
  std::vector<uint32_t> group_rows;
  std::unique_ptr<std::atomic<uint8_t>[]> matched;
  bool unique = false;  // every key has exactly one row
};

// What a build side costs in memory once built, beyond its batches: the batches again while they
// are concatenated, and per row the hash table (16-byte slots at most half full, so 32 to 64
// bytes a key), the key bytes in the table's arena and the row lists (row_group, group_rows,
// group_start). Deciding to stay in memory on the batches' bytes alone let a 1M-row build side
// of a 21 MB budget peak at 85 MB.
constexpr int64_t kBuildBytesPerRow = 80;
int64_t BuildCost(int64_t bytes, int64_t rows) { return 2 * bytes + kBuildBytesPerRow * rows; }
// The same for a spilled partition, known only by its file bytes: narrow rows cost most per
// byte (an int64 key: 8 bytes of values, about 100 bytes built), so assume rows of 16 bytes.
int64_t SpilledBuildCost(int64_t bytes) { return BuildCost(bytes, bytes / 16); }

struct JoinState final : OperatorState {
  std::vector<BatchPtr> build_batches;
  int64_t build_bytes = 0;
  std::unique_ptr<SpillPartitions> build_spill;
  std::unique_ptr<SpillPartitions> probe_spill;
  EncodedKeys keys;
  std::vector<int32_t> groups;
  std::vector<int32_t> left_idx, right_idx;
};

class HashJoinOperator final : public SpillingOperator<JoinState> {
 public:
  HashJoinOperator(JoinType type, SchemaPtr left, SchemaPtr right, std::vector<int> left_keys,
                   std::vector<int> right_keys, std::vector<DataType> key_types, SchemaPtr output)
      : SpillingOperator("join"),
        type_(type),
        left_(std::move(left)),
        right_(std::move(right)),
        left_keys_(std::move(left_keys)),
        right_keys_(std::move(right_keys)),
        encoder_(std::move(key_types)) {
    output_schemas_ = {std::move(output)};
    required_.assign(static_cast<size_t>(output_schemas_[0]->num_fields()), true);
  }

  void SetRequiredColumns(const std::vector<int>& columns) override {
    required_.assign(required_.size(), false);
    for (int c : columns) {
      if (c >= 0 && static_cast<size_t>(c) < required_.size()) required_[static_cast<size_t>(c)] = true;
    }
  }

  std::optional<std::vector<int>> InputColumnsNeeded(int port, const std::vector<int>& needed) const override {
    const int left_width = left_->num_fields();
    std::vector<int> cols = port == 0 ? left_keys_ : right_keys_;
    for (int c : needed) {
      if (port == 0 && c < left_width) cols.push_back(c);
      if (port == 1 && c >= left_width) cols.push_back(c - left_width);
    }
    return blocking::SortedUnique(std::move(cols));
  }

  std::vector<int> PortsRequiredBefore(int port) const override {
    return port == 0 ? std::vector<int>{1} : std::vector<int>{};
  }
  bool EmitsOnConsume(int port) const override { return port == 0; }

  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    auto& s = *static_cast<JoinState*>(state);
    if (batch->num_rows() == 0) return Status::OK();
    if (port == 1) return ConsumeBuild(s, batch);
    if (spilled_) return SpillProbe(s, batch, out);
    return Probe(s, *batch, *build_, out);
  }

  Status FinishPort(int port, const std::vector<OperatorState*>&) override {
    if (port == 0) {
      if (!spilled_) return Status::OK();
      for (JoinState* s : thread_states_) {
        if (s->probe_spill != nullptr) LD_RETURN_IF_ERROR(s->probe_spill->Close(&probe_paths_));
      }
      return Status::OK();
    }
    std::vector<BatchPtr> batches;
    for (JoinState* s : thread_states_) {
      batches.insert(batches.end(), s->build_batches.begin(), s->build_batches.end());
      s->build_batches.clear();
    }
    // Deterministic build order (matches come out in build input order).
    std::sort(batches.begin(), batches.end(),
              [](const BatchPtr& a, const BatchPtr& b) { return a->sequence() < b->sequence(); });
    if (spilling_.load()) {
      spilled_ = true;
      JoinState& first = *thread_states_.front();
      for (const auto& b : batches) LD_RETURN_IF_ERROR(SpillBuild(first, *b));
      for (JoinState* s : thread_states_) {
        if (s->build_spill != nullptr) LD_RETURN_IF_ERROR(s->build_spill->Close(&build_paths_));
      }
      build_paths_.resize(kSpillPartitions);
      probe_paths_.resize(kSpillPartitions);
      build_bytes_.store(0);  // everything is on disk now
      return Status::OK();
    }
    LD_ASSIGN_OR_RETURN(build_, Build(batches));
    build_side_bytes_.store(build_->rows->ByteSize() + build_->table.MemoryBytes());
    build_bytes_.store(0);  // the buffered batches now live in build_
    return Status::OK();
  }

  // One produce thread (the default MaxProduceParallelism): partition_ and produced_ are plain.

  Result<bool> Produce(OperatorState* state, Emitter& out) override {
    auto& s = *static_cast<JoinState*>(state);
    const bool unmatched = type_ == JoinType::kRight || type_ == JoinType::kFull;
    if (!spilled_) {
      if (unmatched && !produced_) LD_RETURN_IF_ERROR(EmitUnmatched(*build_, out));
      produced_ = true;
      return false;
    }
    if (partition_ >= kSpillPartitions) return false;
    const int p = partition_++;
    LD_RETURN_IF_ERROR(JoinPartition(s, SpillPartitionId{}.Child(p), build_paths_[static_cast<size_t>(p)],
                                     probe_paths_[static_cast<size_t>(p)], /*splittable=*/true, out));
    return partition_ < kSpillPartitions;
  }

  // Counters only: called from the monitoring thread while FinishPort or Produce builds a side.
  int64_t MemoryUsage() const override { return build_bytes_.load() + build_side_bytes_.load(); }

 private:
  // Joins one spilled partition: its build side in memory, its probe side streamed. A build side
  // over the budget is first split, with its probe side, by the next hash bits (recursive
  // partitioning). A child that keeps nearly all of its parent's build rows holds one heavy key,
  // which no hash can split: it is joined in chunks (JoinInChunks) without splitting again.
  Status JoinPartition(JoinState& s, SpillPartitionId id, const std::vector<std::string>& build_paths,
                       const std::vector<std::string>& probe_paths, bool splittable, Emitter& out) {
    const bool unmatched = type_ == JoinType::kRight || type_ == JoinType::kFull;
    if (probe_paths.empty() && !unmatched) return RemoveFiles(build_paths);  // nothing can come out
    LD_ASSIGN_OR_RETURN(const int64_t bytes, SpillFilesBytes(*fs_, build_paths));
    if (splittable && SpilledBuildCost(bytes) > std::max(budget_, kMinSplitBytes) && id.CanSplit()) {
      LD_ASSIGN_OR_RETURN(auto build_children, RepartitionSpillFiles(spill_dir_.get(), build_paths, right_, id, KeyHasher(right_keys_)));
      LD_ASSIGN_OR_RETURN(auto probe_children, RepartitionSpillFiles(spill_dir_.get(), probe_paths, left_, id, KeyHasher(left_keys_)));
      build_children.resize(kSpillPartitions);
      probe_children.resize(kSpillPartitions);
      for (int c = 0; c < kSpillPartitions; ++c) {
        LD_ASSIGN_OR_RETURN(const int64_t child_bytes, SpillFilesBytes(*fs_, build_children[static_cast<size_t>(c)]));
        LD_RETURN_IF_ERROR(JoinPartition(s, id.Child(c), build_children[static_cast<size_t>(c)],
                                         probe_children[static_cast<size_t>(c)], child_bytes < bytes / 10 * 9, out));
      }
      return Status::OK();
    }
    if (SpilledBuildCost(bytes) > std::max(budget_, kMinSplitBytes)) {
      // Chunks of file bytes whose built cost fits the budget.
      const int64_t limit = std::max(budget_, kMinSplitBytes) * 16 / (2 * 16 + kBuildBytesPerRow);
      return JoinInChunks(s, build_paths, probe_paths, std::max<int64_t>(limit, 1), out);
    }
    LD_ASSIGN_OR_RETURN(auto build_batches, ReadSpillFiles(*fs_, build_paths, right_));
    LD_ASSIGN_OR_RETURN(auto part, Build(build_batches));
    build_batches.clear();
    build_side_bytes_.store(part->rows->ByteSize() + part->table.MemoryBytes());
    SpillFileStream probe(*fs_, probe_paths, left_);
    while (true) {
      LD_ASSIGN_OR_RETURN(BatchPtr b, probe.Next());
      if (b == nullptr) break;
      LD_RETURN_IF_ERROR(Probe(s, *b, *part, out));
    }
    if (unmatched) LD_RETURN_IF_ERROR(EmitUnmatched(*part, out));
    build_side_bytes_.store(0);
    LD_RETURN_IF_ERROR(RemoveFiles(build_paths));
    return RemoveFiles(probe_paths);
  }

  // A partition whose build side is over the budget and cannot be split (one heavy key, or the
  // deepest level): the build side is read in chunks of at most `limit` bytes, and each chunk is
  // joined against the whole probe side, streamed again (a block nested loop over hash tables).
  // What a probe row matched in any chunk is kept in a bit per probe row of the partition, so
  // left, full and anti rows without a match, and semi rows, come out exactly once, after (or,
  // for semi, at) their first match; a chunk's build rows that nothing matched (right, full) are
  // final after its pass, since every probe row has been seen by then.
  Status JoinInChunks(JoinState& s, const std::vector<std::string>& build_paths,
                      const std::vector<std::string>& probe_paths, int64_t limit, Emitter& out) {
    const bool unmatched_build = type_ == JoinType::kRight || type_ == JoinType::kFull;
    const bool unmatched_probe = type_ == JoinType::kLeft || type_ == JoinType::kFull || type_ == JoinType::kAnti;
    std::vector<bool> probe_matched;
    SpillFileStream build(*fs_, build_paths, right_);
    std::vector<BatchPtr> chunk;
    int64_t chunk_bytes = 0;
    bool build_done = false;
    while (!build_done) {
      LD_ASSIGN_OR_RETURN(BatchPtr b, build.Next());
      if (b != nullptr) {
        chunk_bytes += b->ByteSize();
        chunk.push_back(std::move(b));
        if (chunk_bytes < limit) continue;
      } else {
        build_done = true;
        if (chunk.empty()) break;
      }
      LD_ASSIGN_OR_RETURN(auto part, Build(chunk));
      chunk.clear();
      chunk_bytes = 0;
      build_side_bytes_.store(part->rows->ByteSize() + part->table.MemoryBytes());
      SpillFileStream probe(*fs_, probe_paths, left_);
      for (int64_t ordinal = 0;;) {
        LD_ASSIGN_OR_RETURN(BatchPtr p, probe.Next());
        if (p == nullptr) break;
        LD_RETURN_IF_ERROR(ProbeChunk(s, *p, *part, ordinal, &probe_matched, out));
        ordinal += p->num_rows();
      }
      if (unmatched_build) LD_RETURN_IF_ERROR(EmitUnmatched(*part, out));
      build_side_bytes_.store(0);
    }
    if (unmatched_probe) {
      SpillFileStream probe(*fs_, probe_paths, left_);
      for (int64_t ordinal = 0;;) {
        LD_ASSIGN_OR_RETURN(BatchPtr p, probe.Next());
        if (p == nullptr) break;
        s.left_idx.clear();
        for (int64_t i = 0; i < p->num_rows(); ++i) {
          const size_t o = static_cast<size_t>(ordinal + i);
          if (o >= probe_matched.size() || !probe_matched[o]) s.left_idx.push_back(static_cast<int32_t>(i));
        }
        ordinal += p->num_rows();
        if (s.left_idx.empty()) continue;
        if (type_ == JoinType::kAnti) {
          LD_RETURN_IF_ERROR(out.Emit(TakeBatch(*p, s.left_idx)));
        } else {
          s.right_idx.assign(s.left_idx.size(), -1);
          LD_RETURN_IF_ERROR(EmitPairs(s, *p, nullptr, out));
        }
      }
    }
    LD_RETURN_IF_ERROR(RemoveFiles(build_paths));
    return RemoveFiles(probe_paths);
  }

  // One probe batch (rows `ordinal`… of the partition) against one build chunk. Rows without a
  // match are left to JoinInChunks' last pass; semi rows are emitted at their first match only.
  Status ProbeChunk(JoinState& s, const Batch& batch, const BuildSide& build, int64_t ordinal,
                    std::vector<bool>* probe_matched, Emitter& out) {
    const int64_t n = batch.num_rows();
    LD_RETURN_IF_ERROR(FindGroups(s, batch, build));
    if (probe_matched->size() < static_cast<size_t>(ordinal + n)) probe_matched->resize(static_cast<size_t>(ordinal + n));
    s.left_idx.clear();
    for (int64_t i = 0; i < n; ++i) {
      if (s.groups[static_cast<size_t>(i)] < 0) continue;
      auto seen = (*probe_matched)[static_cast<size_t>(ordinal + i)];
      if (type_ == JoinType::kSemi && !seen) s.left_idx.push_back(static_cast<int32_t>(i));
      seen = true;
    }
    if (type_ == JoinType::kSemi) return s.left_idx.empty() ? Status::OK() : out.Emit(TakeBatch(batch, s.left_idx));
    if (type_ == JoinType::kAnti) return Status::OK();
    return EmitMatches(s, batch, build, /*keep_unmatched_left=*/false, out);
  }

  // The partitioning hash of spilled rows, by the given key columns (as SpillBuild/SpillProbe).
  RowHasher KeyHasher(std::vector<int> key_columns) const {
    return [this, key_columns = std::move(key_columns)](const Batch& b, std::vector<uint64_t>* hashes) {
      LD_ASSIGN_OR_RETURN(auto keys, KeyColumns(b, key_columns));
      EncodedKeys encoded;
      encoder_.Encode(keys, 0, b.num_rows(), &encoded);
      *hashes = std::move(encoded.hashes);
      return Status::OK();
    };
  }

  Status RemoveFiles(const std::vector<std::string>& paths) const {
    // Best effort: a partition's files are read once; their disk space is not needed afterwards.
    for (const auto& path : paths) (void)fs_->RemoveAll(path);
    return Status::OK();
  }

  Result<std::vector<ColumnPtr>> KeyColumns(const Batch& batch, const std::vector<int>& keys) const {
    std::vector<ColumnPtr> cols;
    for (size_t k = 0; k < keys.size(); ++k) {
      LD_ASSIGN_OR_RETURN(ColumnPtr c, CastKeyColumn(batch.column(keys[k]), encoder_.types()[k]));
      cols.push_back(std::move(c));
    }
    return cols;
  }

  Status ConsumeBuild(JoinState& s, const BatchPtr& batch) {
    if (spilling_.load(std::memory_order_relaxed)) return SpillBuild(s, *batch);
    s.build_batches.push_back(batch);
    const int64_t bytes = batch->ByteSize();
    s.build_bytes += bytes;
    build_bytes_.fetch_add(bytes);
    const int64_t cost = BuildCost(bytes, batch->num_rows());
    if (build_cost_.fetch_add(cost) + cost > budget_) spilling_.store(true);
    return Status::OK();
  }

  Status SpillBuild(JoinState& s, const Batch& batch) {
    if (s.build_spill == nullptr) s.build_spill = std::make_unique<SpillPartitions>(spill_dir_.get());
    LD_ASSIGN_OR_RETURN(auto keys, KeyColumns(batch, right_keys_));
    encoder_.Encode(keys, 0, batch.num_rows(), &s.keys);
    // Null keys never match; they only matter as unmatched rows, so any partition will do.
    return s.build_spill->WritePartitioned(batch, s.keys.hashes.data());
  }

  Status SpillProbe(JoinState& s, const BatchPtr& batch, Emitter& out) {
    if (s.probe_spill == nullptr) s.probe_spill = std::make_unique<SpillPartitions>(spill_dir_.get());
    LD_ASSIGN_OR_RETURN(auto keys, KeyColumns(*batch, left_keys_));
    encoder_.Encode(keys, 0, batch->num_rows(), &s.keys);
    std::vector<int32_t> rows, null_rows;
    std::vector<uint64_t> hashes;
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      if (s.keys.all_valid[static_cast<size_t>(i)]) {
        rows.push_back(static_cast<int32_t>(i));
        hashes.push_back(s.keys.hashes[static_cast<size_t>(i)]);
      } else {
        null_rows.push_back(static_cast<int32_t>(i));
      }
    }
    if (!rows.empty()) LD_RETURN_IF_ERROR(s.probe_spill->WritePartitioned(*batch, hashes.data(), rows));
    // Rows with a null key cannot match anything: settle them now.
    if (null_rows.empty()) return Status::OK();
    if (type_ == JoinType::kAnti) return out.Emit(TakeBatch(*batch, null_rows));
    if (type_ == JoinType::kLeft || type_ == JoinType::kFull) {
      s.left_idx = null_rows;
      s.right_idx.assign(null_rows.size(), -1);
      return EmitPairs(s, *batch, nullptr, out);
    }
    return Status::OK();
  }

  Result<std::unique_ptr<BuildSide>> Build(const std::vector<BatchPtr>& batches) const {
    auto side = std::make_unique<BuildSide>();
    side->rows = batches.empty() ? Batch::Empty(right_) : blocking::ConcatAll(right_, batches);
    const int64_t n = side->rows->num_rows();
    LD_ASSIGN_OR_RETURN(auto keys, KeyColumns(*side->rows, right_keys_));
    std::vector<uint32_t> row_group(static_cast<size_t>(n), kNoGroup);
    EncodedKeys enc;
    std::vector<uint32_t> ids;
    for (int64_t b = 0; b < n; b += kTargetBatchRows) {
      const int64_t e = std::min(n, b + kTargetBatchRows);
      encoder_.Encode(keys, b, e, &enc);
      ids.resize(static_cast<size_t>(e - b));
      for (int64_t i = 0; i < e - b; ++i) {
        if (!enc.all_valid[static_cast<size_t>(i)]) continue;
        row_group[static_cast<size_t>(b + i)] = side->table.FindOrInsert(enc.key(i), enc.hashes[static_cast<size_t>(i)]);
      }
    }
    const int64_t groups = side->table.size();
    side->group_start.assign(static_cast<size_t>(groups) + 1, 0);
    for (uint32_t g : row_group) {
      if (g != kNoGroup) ++side->group_start[g + 1];
    }
    for (int64_t g = 0; g < groups; ++g) side->group_start[static_cast<size_t>(g) + 1] += side->group_start[static_cast<size_t>(g)];
    side->group_rows.resize(side->group_start.back());
    side->unique = static_cast<int64_t>(side->group_rows.size()) == groups;
    std::vector<uint32_t> fill(side->group_start.begin(), side->group_start.end() - 1);
    for (int64_t r = 0; r < n; ++r) {
      uint32_t g = row_group[static_cast<size_t>(r)];
      if (g != kNoGroup) side->group_rows[fill[g]++] = static_cast<uint32_t>(r);
    }
    if (type_ == JoinType::kRight || type_ == JoinType::kFull) {
      side->matched = std::make_unique<std::atomic<uint8_t>[]>(static_cast<size_t>(n));
      for (int64_t r = 0; r < n; ++r) side->matched[static_cast<size_t>(r)].store(0, std::memory_order_relaxed);
    }
    return side;
  }

  // s.groups[i] = the build key group probe row i matches, or -1.
  Status FindGroups(JoinState& s, const Batch& batch, const BuildSide& build) const {
    const int64_t n = batch.num_rows();
    LD_ASSIGN_OR_RETURN(auto keys, KeyColumns(batch, left_keys_));
    encoder_.Encode(keys, 0, n, &s.keys);
    s.groups.resize(static_cast<size_t>(n));
    build.table.Find(s.keys, s.groups.data());
    for (int64_t i = 0; i < n; ++i) {
      if (!s.keys.all_valid[static_cast<size_t>(i)]) s.groups[static_cast<size_t>(i)] = -1;
    }
    return Status::OK();
  }

  Status Probe(JoinState& s, const Batch& batch, const BuildSide& build, Emitter& out) {
    const int64_t n = batch.num_rows();
    LD_RETURN_IF_ERROR(FindGroups(s, batch, build));
    if (type_ == JoinType::kSemi || type_ == JoinType::kAnti) {
      const bool want = type_ == JoinType::kSemi;
      s.left_idx.clear();
      for (int64_t i = 0; i < n; ++i) {
        if ((s.groups[static_cast<size_t>(i)] >= 0) == want) s.left_idx.push_back(static_cast<int32_t>(i));
      }
      if (s.left_idx.empty()) return Status::OK();
      if (static_cast<int64_t>(s.left_idx.size()) == n) {
        return out.Emit(blocking::WithSchema(output_schemas_[0], batch.columns(), n));
      }
      return out.Emit(TakeBatch(batch, s.left_idx));
    }
    return EmitMatches(s, batch, build, /*keep_unmatched_left=*/type_ == JoinType::kLeft || type_ == JoinType::kFull, out);
  }

  // Emits probe rows joined with their matches (s.groups, from FindGroups), and, when
  // keep_unmatched_left, probe rows without one padded with nulls. Marks matched build rows.
  Status EmitMatches(JoinState& s, const Batch& batch, const BuildSide& build, bool keep_unmatched_left, Emitter& out) {
    const int64_t n = batch.num_rows();
    s.left_idx.clear();
    s.right_idx.clear();
    if (build.unique) {
      // Each key has one build row (a dimension table): at most one output row per probe row.
      s.left_idx.resize(static_cast<size_t>(n));
      s.right_idx.resize(static_cast<size_t>(n));
      int32_t* li = s.left_idx.data();
      int32_t* ri = s.right_idx.data();
      const int32_t* groups = s.groups.data();
      const uint32_t* rows = build.group_rows.data();
      int64_t m = 0;
      for (int64_t i = 0; i < n; ++i) {
        const int32_t g = groups[i];
        if (g < 0 && !keep_unmatched_left) continue;
        li[m] = static_cast<int32_t>(i);
        ri[m] = g < 0 ? -1 : static_cast<int32_t>(rows[g]);
        ++m;
      }
      s.left_idx.resize(static_cast<size_t>(m));
      s.right_idx.resize(static_cast<size_t>(m));
      if (build.matched) {
        for (int64_t k = 0; k < m; ++k) {
          if (ri[k] >= 0) build.matched[static_cast<size_t>(ri[k])].store(1, std::memory_order_relaxed);
        }
      }
      if (m == 0) return Status::OK();
      return EmitPairs(s, batch, &build, out);
    }
    for (int64_t i = 0; i < n; ++i) {
      const int32_t g = s.groups[static_cast<size_t>(i)];
      if (g < 0) {
        if (keep_unmatched_left) {
          s.left_idx.push_back(static_cast<int32_t>(i));
          s.right_idx.push_back(-1);
        }
        continue;
      }
      for (uint32_t k = build.group_start[static_cast<size_t>(g)]; k < build.group_start[static_cast<size_t>(g) + 1]; ++k) {
        const uint32_t r = build.group_rows[k];
        s.left_idx.push_back(static_cast<int32_t>(i));
        s.right_idx.push_back(static_cast<int32_t>(r));
        if (build.matched) build.matched[r].store(1, std::memory_order_relaxed);
      }
      if (static_cast<int64_t>(s.left_idx.size()) >= kTargetBatchRows) {
        LD_RETURN_IF_ERROR(EmitPairs(s, batch, &build, out));
        s.left_idx.clear();
        s.right_idx.clear();
      }
    }
    if (s.left_idx.empty()) return Status::OK();
    return EmitPairs(s, batch, &build, out);
  }

  // Emits rows left[left_idx[k]] ++ right[right_idx[k]] (-1: nulls). `build` null: right all null.
  Status EmitPairs(JoinState& s, const Batch& left, const BuildSide* build, Emitter& out) {
    const int64_t m = static_cast<int64_t>(s.left_idx.size());
    bool identity = m == left.num_rows();
    for (int64_t k = 0; identity && k < m; ++k) identity = s.left_idx[static_cast<size_t>(k)] == k;
    std::vector<ColumnPtr> cols;
    const SchemaPtr& schema = output_schemas_[0];
    for (int c = 0; c < left_->num_fields(); ++c) {
      if (!required_[static_cast<size_t>(c)]) cols.push_back(Column::MakeNull(schema->field(c).type, m));
      else if (identity) cols.push_back(left.column(c));
      else cols.push_back(GatherRows(*left.column(c), s.left_idx));
    }
    for (int c = 0; c < right_->num_fields(); ++c) {
      const int oc = left_->num_fields() + c;
      if (build == nullptr || !required_[static_cast<size_t>(oc)]) {
        cols.push_back(Column::MakeNull(schema->field(oc).type, m));
      } else {
        cols.push_back(GatherRows(*build->rows->column(c), s.right_idx));
      }
    }
    return out.Emit(Batch::Make(schema, std::move(cols), m));
  }

  Status EmitUnmatched(const BuildSide& build, Emitter& out) {
    const int64_t n = build.rows->num_rows();
    std::vector<int32_t> rows;
    auto flush = [&]() -> Status {
      const int64_t m = static_cast<int64_t>(rows.size());
      std::vector<ColumnPtr> cols;
      const SchemaPtr& schema = output_schemas_[0];
      for (int c = 0; c < left_->num_fields(); ++c) cols.push_back(Column::MakeNull(schema->field(c).type, m));
      for (int c = 0; c < right_->num_fields(); ++c) {
        const int oc = left_->num_fields() + c;
        if (!required_[static_cast<size_t>(oc)]) cols.push_back(Column::MakeNull(schema->field(oc).type, m));
        else cols.push_back(GatherRows(*build.rows->column(c), rows));
      }
      rows.clear();
      return out.Emit(Batch::Make(schema, std::move(cols), m));
    };
    for (int64_t r = 0; r < n; ++r) {
      if (build.matched[static_cast<size_t>(r)].load(std::memory_order_relaxed)) continue;
      rows.push_back(static_cast<int32_t>(r));
      if (static_cast<int64_t>(rows.size()) == kTargetBatchRows) LD_RETURN_IF_ERROR(flush());
    }
    if (!rows.empty()) LD_RETURN_IF_ERROR(flush());
    return Status::OK();
  }

  JoinType type_;
  SchemaPtr left_, right_;
  std::vector<int> left_keys_, right_keys_;
  KeyEncoder encoder_;
  std::vector<bool> required_;

  std::atomic<int64_t> build_bytes_{0};       // build batches buffered by the thread states
  std::atomic<int64_t> build_cost_{0};        // what building them would cost (BuildCost)
  std::atomic<int64_t> build_side_bytes_{0};  // the hashed build side (or spill partition)
  std::atomic<bool> spilling_{false};

  std::unique_ptr<BuildSide> build_;
  bool spilled_ = false;
  bool produced_ = false;
  int partition_ = 0;
  std::vector<std::vector<std::string>> build_paths_, probe_paths_;
};

Result<std::unique_ptr<Operator>> BindJoin(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 2 || ctx.input_schemas[0] == nullptr || ctx.input_schemas[1] == nullptr) {
    return Status::InvalidArgument("join needs two inputs: left (port 0) and right (port 1)");
  }
  const nlohmann::json& cfg = ctx.cfg();
  const SchemaPtr& left = ctx.input_schemas[0];
  const SchemaPtr& right = ctx.input_schemas[1];
  LD_ASSIGN_OR_RETURN(std::string type_name, blocking::StringMember(cfg, "type", "", "inner", JoinTypeNames()));
  const auto type = static_cast<JoinType>(
      std::find(JoinTypeNames().begin(), JoinTypeNames().end(), type_name) - JoinTypeNames().begin());
  LD_ASSIGN_OR_RETURN(std::string suffix, blocking::StringMember(cfg, "right_suffix", "", "_right"));
  LD_ASSIGN_OR_RETURN(auto on, blocking::ArrayMember(cfg, "on", ""));
  if (on.empty()) return ConfigError("/on", "give at least one key pair {left, right}");
  std::vector<int> left_keys, right_keys;
  std::vector<DataType> key_types;
  for (size_t i = 0; i < on.size(); ++i) {
    const std::string p = Pointer("/on", i);
    if (!on[i].is_object()) return ConfigError(p, "must be an object {left, right}");
    LD_ASSIGN_OR_RETURN(std::string l, blocking::StringMember(on[i], "left", p, ""));
    LD_ASSIGN_OR_RETURN(std::string r, blocking::StringMember(on[i], "right", p, ""));
    if (l.empty()) return ConfigError(Pointer(p, "left"), "name the left key column");
    if (r.empty()) return ConfigError(Pointer(p, "right"), "name the right key column");
    LD_ASSIGN_OR_RETURN(int li, blocking::ResolveColumn(*left, l, Pointer(p, "left")));
    LD_ASSIGN_OR_RETURN(int ri, blocking::ResolveColumn(*right, r, Pointer(p, "right")));
    auto common = CommonSuperType(left->field(li).type, right->field(ri).type);
    if (!common.ok()) {
      return ConfigError(p, "cannot compare left '" + l + "' (" + left->field(li).type.ToString() + ") with right '" +
                                r + "' (" + right->field(ri).type.ToString() + ")");
    }
    left_keys.push_back(li);
    right_keys.push_back(ri);
    key_types.push_back(*common);
  }
  std::vector<Field> fields;
  const bool left_nullable = type == JoinType::kRight || type == JoinType::kFull;
  const bool right_nullable = type == JoinType::kLeft || type == JoinType::kFull;
  std::set<std::string> names;
  for (const auto& f : left->fields()) {
    fields.push_back({f.name, f.type, f.nullable || left_nullable});
    names.insert(f.name);
  }
  if (type != JoinType::kSemi && type != JoinType::kAnti) {
    for (const auto& f : right->fields()) {
      std::string name = f.name;
      if (names.count(name)) name += suffix;
      if (!names.insert(name).second) {
        return ConfigError("/right_suffix", "right column '" + f.name + "' renamed to '" + name +
                                                "' still clashes with another column; choose another suffix");
      }
      fields.push_back({name, f.type, f.nullable || right_nullable});
    }
  }
  return std::unique_ptr<Operator>(std::make_unique<HashJoinOperator>(type, left, right, std::move(left_keys),
                                                                      std::move(right_keys), std::move(key_types),
                                                                      MakeSchema(std::move(fields))));
}

}  // namespace

ModuleDescriptor JoinModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kTransform;
  d.name = "join";
  d.summary = "Joins two inputs on key columns with a hash join.";
  d.description =
      "Matches rows of `left` with rows of `right` whose key columns are equal (null keys never "
      "match). `inner` keeps matches; `left`, `right` and `full` also keep unmatched rows of that "
      "side, padded with nulls; `semi` keeps left rows that have a match and `anti` those that do "
      "not (left columns only). Output columns: left, then right; right names that clash get "
      "`right_suffix`. The right input is held in memory (or spilled to disk past the memory "
      "budget), so make it the smaller one.";
  d.category = "combine";
  d.icon = "join";
  d.inputs = {{"left", "Probe side, streamed.", false}, {"right", "Build side, read first and hashed.", false}};
  d.outputs = {{"out", "Joined rows.", false}};
  d.config_schema = {
      {"type", "object"},
      {"title", "Join"},
      {"additionalProperties", false},
      {"required", {"on"}},
      {"properties",
       {{"type",
         {{"type", "string"},
          {"title", "Join type"},
          {"description", "Which rows to keep."},
          {"enum", JoinTypeNames()},
          {"default", "inner"}}},
        {"on",
         {{"type", "array"},
          {"title", "Keys"},
          {"description", "Pairs of columns that must be equal."},
          {"minItems", 1},
          {"items",
           {{"type", "object"},
            {"title", "Key pair"},
            {"required", {"left", "right"}},
            {"additionalProperties", false},
            {"properties",
             {{"left", {{"type", "string"}, {"title", "Left column"}, {"format", "column"}}},
              {"right", {{"type", "string"}, {"title", "Right column"}, {"format", "column"}}}}}}}}},
        {"right_suffix",
         {{"type", "string"},
          {"title", "Suffix for clashing right columns"},
          {"description", "Appended to a right column's name when the left input has one of that name."},
          {"default", "_right"}}}}},
  };
  d.factory = BindJoin;
  return d;
}

}  // namespace logidata
