#include "transforms/window.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <numeric>
#include <set>

#include "transforms/blocking_config.h"
#include "transforms/key_encoder.h"
#include "transforms/key_table.h"
#include "transforms/row_comparator.h"
#include "transforms/spill_file.h"
#include "transforms/spilling_operator.h"
#include "transforms/transform_descriptor.h"
#include "transforms/window_function.h"

namespace logidata {

namespace {

using blocking::Pointer;

// Rows are held in the batches they arrived in (each input batch is split by bucket, keeping its
// sequence number and its rows' order), so in memory a row's input position is implicit: sort a
// bucket's batches by sequence and the rows are in input order. Spill files do not keep sequence
// numbers, so spilled rows carry their position, (batch sequence << kRowBits) | rank in the batch,
// in one more int64 column: that orders rows as the input did, whichever thread saw them.
constexpr int kRowBits = 24;

struct WindowThreadState : OperatorState {
  std::array<std::vector<BatchPtr>, kSpillPartitions> buckets;
  int64_t bytes = 0;
  std::unique_ptr<SpillPartitions> spill;
  std::array<int64_t, kSpillPartitions> rows{};
  EncodedKeys keys;
};

class WindowOperator final : public SpillingOperator<WindowThreadState> {
 public:
  WindowOperator(SchemaPtr in, std::vector<int> partition_by, std::vector<SortKey> order_by,
                 std::vector<WindowFunction> functions)
      : SpillingOperator("window"),
        in_(std::move(in)),
        partition_by_(std::move(partition_by)),
        order_by_(std::move(order_by)),
        functions_(std::move(functions)),
        encoder_(KeyTypes()),
        peers_(order_by_) {
    std::vector<Field> spilled = in_->fields();
    spilled.push_back({"__window_pos", DataType::Int64(), false});
    spilled_schema_ = MakeSchema(spilled);
    std::vector<Field> out = in_->fields();
    for (const auto& f : functions_) out.push_back({f.name, f.output_type, true});
    output_schemas_ = {MakeSchema(out)};
  }

  // Projection pushdown: the input columns read downstream (outputs below the input's width are
  // the input's own columns) plus the partition and order keys and the functions' arguments. The
  // others arrive all-null and cost neither decoding nor memory while the rows are held.
  std::optional<std::vector<int>> InputColumnsNeeded(int, const std::vector<int>& needed) const override {
    std::vector<int> cols;
    for (int c : needed) {
      if (c < in_->num_fields()) cols.push_back(c);
    }
    cols.insert(cols.end(), partition_by_.begin(), partition_by_.end());
    for (const SortKey& k : order_by_) cols.push_back(k.column);
    for (const WindowFunction& f : functions_) {
      if (f.column >= 0) cols.push_back(f.column);
    }
    return blocking::SortedUnique(std::move(cols));
  }

  bool EmitsOnConsume(int) const override { return false; }

  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter&) override {
    auto* st = static_cast<WindowThreadState*>(state);
    const int64_t n = batch->num_rows();
    if (n == 0) return Status::OK();
    if (n >= (int64_t{1} << kRowBits)) return Status::Internal("window: input batch larger than 2^24 rows");

    std::array<BatchPtr, kSpillPartitions> parts;
    if (partition_by_.empty()) {
      parts[0] = batch;
    } else {
      encoder_.Encode(PartitionKeys(*batch), 0, n, &st->keys);
      std::array<std::vector<int32_t>, kSpillPartitions> idx;
      for (int64_t i = 0; i < n; ++i) {
        idx[static_cast<size_t>(SpillPartitionOf(st->keys.hashes[static_cast<size_t>(i)]))].push_back(static_cast<int32_t>(i));
      }
      for (size_t p = 0; p < parts.size(); ++p) {
        if (idx[p].size() == static_cast<size_t>(n)) {
          parts[p] = batch;
        } else if (!idx[p].empty()) {
          parts[p] = blocking::WithSchema(in_, TakeBatch(*batch, idx[p])->columns(), static_cast<int64_t>(idx[p].size()),
                                          batch->sequence());
        }
      }
    }
    int64_t added = 0;
    for (size_t p = 0; p < parts.size(); ++p) {
      if (parts[p] == nullptr) continue;
      st->rows[p] += parts[p]->num_rows();
      if (spilling_.load()) {
        LD_RETURN_IF_ERROR(SpillState(st));
        LD_RETURN_IF_ERROR(st->spill->Write(static_cast<int>(p), *Positioned(*parts[p])));
      } else {
        added += parts[p]->ByteSize();
        st->buckets[p].push_back(std::move(parts[p]));
      }
    }
    st->bytes += added;
    const int64_t total = held_.fetch_add(added) + added;
    if (budget_ >= 0 && total > budget_) spilling_.store(true);
    if (spilling_.load()) LD_RETURN_IF_ERROR(SpillState(st));
    return Status::OK();
  }

  Status FinishPort(int, const std::vector<OperatorState*>&) override {
    std::array<int64_t, kSpillPartitions> rows{};
    for (WindowThreadState* st : thread_states_) {
      if (st == nullptr) continue;
      if (spilling_.load()) LD_RETURN_IF_ERROR(SpillState(st));
      for (size_t p = 0; p < rows.size(); ++p) {
        rows[p] += st->rows[p];
        for (auto& b : st->buckets[p]) memory_[p].push_back(std::move(b));
        st->buckets[p].clear();
      }
      if (st->spill != nullptr) {
        std::vector<std::vector<std::string>> paths;
        LD_RETURN_IF_ERROR(st->spill->Close(&paths));
        paths.resize(kSpillPartitions);
        for (size_t p = 0; p < paths.size(); ++p) {
          for (auto& path : paths[p]) spilled_[p].push_back(std::move(path));
        }
        st->spill.reset();
      }
    }
    // Every bucket's batches are numbered ahead, so buckets can be emitted in any order.
    uint64_t next = 0;
    for (size_t p = 0; p < rows.size(); ++p) {
      rows_[p] = rows[p];
      first_sequence_[p] = next;
      next += static_cast<uint64_t>((rows[p] + kTargetBatchRows - 1) / kTargetBatchRows);
      if (rows[p] > 0) ++busy_buckets_;
    }
    return Status::OK();
  }

  int MaxProduceParallelism() const override { return std::max(1, busy_buckets_); }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    size_t p;
    do {
      p = next_bucket_.fetch_add(1);
      if (p >= static_cast<size_t>(kSpillPartitions)) return false;
    } while (rows_[p] == 0);
    std::vector<BatchPtr> batches = std::move(memory_[p]);
    // The bucket's rows count as being processed until they are emitted, then not at all.
    int64_t bytes = 0;
    for (const auto& b : batches) bytes += b->ByteSize();
    processing_.fetch_add(bytes);
    held_.fetch_sub(bytes);
    Status st = EmitBucket(p, std::move(batches), out);
    processing_.fetch_sub(bytes);
    LD_RETURN_IF_ERROR(st);
    return true;
  }

  Status Open(ExecContext& ctx) override {
    LD_RETURN_IF_ERROR(SpillingOperator::Open(ctx));
    threads_ = std::max(1, ctx.num_threads);
    return Status::OK();
  }

  int64_t MemoryUsage() const override {
    return held_.load(std::memory_order_relaxed) + processing_.load(std::memory_order_relaxed);
  }

 private:
  std::vector<DataType> KeyTypes() const {
    std::vector<DataType> types;
    for (int c : partition_by_) types.push_back(in_->field(c).type);
    return types;
  }
  std::vector<ColumnPtr> PartitionKeys(const Batch& b) const {
    std::vector<ColumnPtr> keys;
    for (int c : partition_by_) keys.push_back(b.column(c));
    return keys;
  }

  // Evaluates bucket `p` (`batches`: its rows still in memory; its spill files) and emits it.
  Status EmitBucket(size_t p, std::vector<BatchPtr> batches, Emitter& out) {
    ChunkedOutput chunks{first_sequence_[p], nullptr};
    if (!spilled_[p].empty() && !partition_by_.empty()) {
      // The bucket's rows still in memory join its files, so the whole bucket can be split.
      if (!batches.empty()) {
        LD_ASSIGN_OR_RETURN(std::string path, spill_dir_->NewPath());
        LD_ASSIGN_OR_RETURN(auto writer, SpillWriter::Open(*fs_, path));
        for (const auto& b : batches) LD_RETURN_IF_ERROR(writer->Write(*Positioned(*b)));
        LD_RETURN_IF_ERROR(writer->Close());
        batches.clear();
        spilled_[p].push_back(path);
      }
      LD_RETURN_IF_ERROR(ProcessSpilled(SpillPartitionId{}.Child(static_cast<int>(p)), spilled_[p], chunks, out));
      return FlushChunk(chunks, out);
    }
    if (!spilled_[p].empty()) {
      // No partition_by: the whole input is one window partition, which no hash can split.
      LD_ASSIGN_OR_RETURN(auto read, ReadSpillFiles(*fs_, spilled_[p], spilled_schema_));
      for (auto& b : batches) read.push_back(Positioned(*b));
      LD_RETURN_IF_ERROR(ProcessBucket(std::move(read), /*positioned=*/true, chunks, out));
      return FlushChunk(chunks, out);
    }
    LD_RETURN_IF_ERROR(ProcessBucket(std::move(batches), /*positioned=*/false, chunks, out));
    return FlushChunk(chunks, out);
  }

  // Moves a thread's buffered buckets into its spill files.
  Status SpillState(WindowThreadState* st) {
    if (st->spill == nullptr) st->spill = std::make_unique<SpillPartitions>(spill_dir_.get());
    for (size_t p = 0; p < st->buckets.size(); ++p) {
      for (const auto& b : st->buckets[p]) LD_RETURN_IF_ERROR(st->spill->Write(static_cast<int>(p), *Positioned(*b)));
      st->buckets[p].clear();
    }
    held_.fetch_sub(st->bytes);
    st->bytes = 0;
    return Status::OK();
  }

  // `part` (input columns, rows in input order) with its rows' positions appended, for spilling.
  BatchPtr Positioned(const Batch& part) const {
    const int64_t n = part.num_rows();
    ColumnBuilder pos(DataType::Int64(), n);
    const int64_t base = static_cast<int64_t>(part.sequence()) << kRowBits;
    for (int64_t i = 0; i < n; ++i) pos.AppendInt64(base | i);
    std::vector<ColumnPtr> cols = part.columns();
    cols.push_back(pos.Finish());
    return Batch::Make(spilled_schema_, std::move(cols), n);
  }

  // A bucket's output, cut into kTargetBatchRows chunks numbered from the bucket's first sequence
  // number. A bucket split into pieces (ProcessSpilled) emits them through one ChunkedOutput: a
  // piece's last partial chunk waits for the next piece, so the bucket still takes exactly the
  // ceil(rows / kTargetBatchRows) sequence numbers FinishPort reserved for it.
  struct ChunkedOutput {
    uint64_t next_sequence;
    BatchPtr pending;  // fewer than kTargetBatchRows rows, not yet emitted
  };

  Status FlushChunk(ChunkedOutput& chunks, Emitter& out) const {
    if (chunks.pending == nullptr) return Status::OK();
    BatchPtr last = std::move(chunks.pending);
    chunks.pending = nullptr;
    return out.Emit(blocking::WithSchema(output_schemas_[0], last->columns(), last->num_rows(), chunks.next_sequence++));
  }

  // One spilled bucket (`id`: the hash prefix of its window partitions), split by the next hash
  // bits of the partition keys while a piece is over what a produce thread may hold (recursive
  // partitioning, so skewed but distinct keys end up in pieces that fit); a piece holding one
  // heavy window partition, which no hash can split, is evaluated whole (a window function needs
  // its partition's rows together).
  Status ProcessSpilled(SpillPartitionId id, const std::vector<std::string>& paths, ChunkedOutput& chunks, Emitter& out) {
    // A piece is held about twice over while it is evaluated (its rows, their order and the
    // function results), by each produce thread at once.
    const int64_t limit = std::max(budget_ / (2 * std::min(threads_, std::max(1, busy_buckets_))), kMinSplitBytes);
    auto partition_hashes = [this](const Batch& b, std::vector<uint64_t>* hashes) {
      EncodedKeys keys;
      encoder_.Encode(PartitionKeys(b), 0, b.num_rows(), &keys);
      *hashes = std::move(keys.hashes);
      return Status::OK();
    };
    return ForEachSpilledPiece(spill_dir_.get(), id, paths, spilled_schema_, limit, partition_hashes,
                               [&](const std::vector<std::string>& piece, int64_t bytes) -> Status {
                                 LD_ASSIGN_OR_RETURN(auto batches, ReadSpillFiles(*fs_, piece, spilled_schema_));
                                 for (const auto& path : piece) (void)fs_->RemoveAll(path);  // best effort: read once
                                 processing_.fetch_add(bytes);
                                 Status st = ProcessBucket(std::move(batches), /*positioned=*/true, chunks, out);
                                 processing_.fetch_sub(bytes);
                                 return st;
                               });
  }

  // Sorts rows of one bucket into partitions (by first input row) and order-key order, evaluates
  // every function and emits the rows through `chunks`. `positioned`: the batches carry their rows'
  // positions (spilled rows); otherwise they are in-memory parts, whose sequence numbers give the
  // order. The batches are released once concatenated, so the bucket is not held twice.
  Status ProcessBucket(std::vector<BatchPtr> batches, bool positioned, ChunkedOutput& chunks, Emitter& out) const {
    if (!positioned) {
      std::sort(batches.begin(), batches.end(), [](const BatchPtr& a, const BatchPtr& b) { return a->sequence() < b->sequence(); });
    }
    BatchPtr data = blocking::ConcatAll(positioned ? spilled_schema_ : in_, batches);
    batches = {};
    const int64_t n = data->num_rows();
    // Input position of row i: its own column when spilled, else i (the rows are in input order).
    const int64_t* pos = positioned ? data->column(in_->num_fields())->values<int64_t>() : nullptr;
    auto position = [pos](int64_t i) { return pos != nullptr ? pos[i] : i; };
    std::vector<int32_t> order(static_cast<size_t>(n));
    std::vector<int64_t> bounds = {0};
    if (partition_by_.empty()) {
      std::iota(order.begin(), order.end(), 0);
      bounds.push_back(n);
    } else {
      EncodedKeys keys;
      encoder_.Encode(PartitionKeys(*data), 0, n, &keys);
      KeyTable table;
      std::vector<uint32_t> groups(static_cast<size_t>(n));
      table.FindOrInsert(keys, groups.data());
      const size_t g = static_cast<size_t>(table.size());
      std::vector<int64_t> first(g, INT64_MAX), count(g, 0);
      for (int64_t i = 0; i < n; ++i) {
        const uint32_t k = groups[static_cast<size_t>(i)];
        first[k] = std::min(first[k], position(i));
        ++count[k];
      }
      std::vector<uint32_t> by_first(g);
      std::iota(by_first.begin(), by_first.end(), 0u);
      std::sort(by_first.begin(), by_first.end(), [&](uint32_t a, uint32_t b) { return first[a] < first[b]; });
      std::vector<int64_t> start(g);
      for (uint32_t k : by_first) {
        start[k] = bounds.back();
        bounds.push_back(bounds.back() + count[k]);
      }
      for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(start[groups[static_cast<size_t>(i)]]++)] = static_cast<int32_t>(i);
    }
    const Batch& d = *data;
    for (size_t k = 0; k + 1 < bounds.size(); ++k) {
      auto b = order.begin() + bounds[k], e = order.begin() + bounds[k + 1];
      if (order_by_.empty()) {
        if (pos != nullptr) std::sort(b, e, [&](int32_t x, int32_t y) { return pos[x] < pos[y]; });
        // else: filled by increasing i, already in input order
      } else {
        std::sort(b, e, [&](int32_t x, int32_t y) {
          const int c = peers_.Compare(d, x, d, y);
          return c != 0 ? c < 0 : position(x) < position(y);
        });
      }
    }
    std::vector<ColumnBuilder> builders;
    for (const auto& f : functions_) builders.emplace_back(f.output_type, n);
    std::vector<uint8_t> peers_start;
    for (size_t k = 0; k + 1 < bounds.size(); ++k) {
      std::span<const int32_t> rows(order.data() + bounds[k], static_cast<size_t>(bounds[k + 1] - bounds[k]));
      peers_start.assign(rows.size(), 0);
      for (size_t r = 0; r < rows.size(); ++r) {
        peers_start[r] = r == 0 || (!order_by_.empty() && peers_.Compare(d, rows[r - 1], d, rows[r]) != 0);
      }
      for (size_t f = 0; f < functions_.size(); ++f) {
        LD_RETURN_IF_ERROR(functions_[f].Evaluate(d, rows, peers_start, &builders[f]));
      }
    }
    std::vector<ColumnPtr> results;
    for (auto& b : builders) results.push_back(b.Finish());
    for (int64_t at = 0; at < n;) {
      const int64_t waiting = chunks.pending != nullptr ? chunks.pending->num_rows() : 0;
      const int64_t len = std::min<int64_t>(kTargetBatchRows - waiting, n - at);
      std::span<const int32_t> idx(order.data() + at, static_cast<size_t>(len));
      std::vector<ColumnPtr> cols;
      for (int c = 0; c < in_->num_fields(); ++c) cols.push_back(TakeColumn(*d.column(c), idx));
      for (const auto& r : results) cols.push_back(len == n ? r : SliceColumn(*r, at, len));
      at += len;
      BatchPtr chunk = Batch::Make(output_schemas_[0], std::move(cols), len);
      if (chunks.pending != nullptr) {
        chunk = blocking::ConcatAll(output_schemas_[0], {chunks.pending, chunk});
        chunks.pending = nullptr;
      }
      chunks.pending = std::move(chunk);
      if (chunks.pending->num_rows() == kTargetBatchRows) LD_RETURN_IF_ERROR(FlushChunk(chunks, out));
    }
    return Status::OK();
  }

  SchemaPtr in_, spilled_schema_;  // spilled_schema_: the input's columns, then the row positions
  std::vector<int> partition_by_;
  std::vector<SortKey> order_by_;
  std::vector<WindowFunction> functions_;
  KeyEncoder encoder_;
  RowComparator peers_;  // order keys only: equal = peers (rank); ties then go by input position

  std::atomic<int64_t> held_{0};
  std::atomic<bool> spilling_{false};
  // Filled by FinishPort; Produce reads them (bucket p is touched by one thread).
  std::array<std::vector<BatchPtr>, kSpillPartitions> memory_;
  std::array<std::vector<std::string>, kSpillPartitions> spilled_;
  std::array<int64_t, kSpillPartitions> rows_{};
  std::array<uint64_t, kSpillPartitions> first_sequence_{};
  int busy_buckets_ = 0;
  int threads_ = 1;
  std::atomic<size_t> next_bucket_{0};
  std::atomic<int64_t> processing_{0};  // bytes of the spilled pieces being evaluated
};

Result<std::vector<SortKey>> OrderKeys(const nlohmann::json& cfg, const Schema& in) {
  LD_ASSIGN_OR_RETURN(auto items, blocking::ArrayMember(cfg, "order_by", ""));
  std::vector<SortKey> keys;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string p = Pointer("/order_by", i);
    SortKey key;
    if (items[i].is_string()) {
      LD_ASSIGN_OR_RETURN(key.column, blocking::ResolveColumn(in, items[i].get<std::string>(), p));
    } else if (items[i].is_object()) {
      LD_ASSIGN_OR_RETURN(std::string column, blocking::StringMember(items[i], "column", p, ""));
      if (column.empty()) return ConfigError(Pointer(p, "column"), "name the column to order by");
      LD_ASSIGN_OR_RETURN(key.column, blocking::ResolveColumn(in, column, Pointer(p, "column")));
      LD_ASSIGN_OR_RETURN(std::string order, blocking::StringMember(items[i], "order", p, "asc", {"asc", "desc"}));
      LD_ASSIGN_OR_RETURN(std::string nulls, blocking::StringMember(items[i], "nulls", p, "last", {"first", "last"}));
      key.descending = order == "desc";
      key.nulls_first = nulls == "first";
    } else {
      return ConfigError(p, "must be a column name or an object {column, order, nulls}");
    }
    keys.push_back(key);
  }
  return keys;
}

Result<std::unique_ptr<Operator>> BindWindow(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::InvalidArgument("window needs exactly one input");
  }
  const nlohmann::json& cfg = ctx.cfg();
  const SchemaPtr& in = ctx.input_schemas[0];
  LD_ASSIGN_OR_RETURN(std::vector<int> partition_by, blocking::ColumnList(cfg, "partition_by", *in));
  LD_ASSIGN_OR_RETURN(std::vector<SortKey> order_by, OrderKeys(cfg, *in));
  LD_ASSIGN_OR_RETURN(auto items, blocking::ArrayMember(cfg, "functions", ""));
  if (items.empty()) return ConfigError("/functions", "give at least one window function");
  std::vector<WindowFunction> functions;
  std::set<std::string> names;
  for (const auto& f : in->fields()) names.insert(f.name);
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string p = Pointer("/functions", i);
    LD_ASSIGN_OR_RETURN(WindowFunction f, BindWindowFunction(items[i], p, *in));
    if (!names.insert(f.name).second) {
      return ConfigError(Pointer(p, "as"), "output column '" + f.name + "' already exists; choose another name with `as`");
    }
    functions.push_back(std::move(f));
  }
  return std::unique_ptr<Operator>(
      std::make_unique<WindowOperator>(in, std::move(partition_by), std::move(order_by), std::move(functions)));
}

nlohmann::json FrameBoundSchema(const char* title, const char* description) {
  return {{"title", title},
          {"description", description},
          {"oneOf",
           {{{"type", "integer"}, {"minimum", 0}}, {{"type", "string"}, {"enum", {"unbounded"}}}}}};
}

}  // namespace

ModuleDescriptor WindowModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "window", "rows", "sigma", "Computes window functions over partitions of ordered rows.", "Rows.",
      "Every input row with one new column per function.");
  d.description =
      "Adds SQL window functions to every row, computed over the rows of its partition "
      "(`partition_by`; none = the whole input) in `order_by` order. Ties in the order keys keep "
      "their input order.\n\n"
      "- Ranking: `row_number`, `rank` and `dense_rank` (order-key peers share a rank), "
      "`ntile` (`buckets`).\n"
      "- Offsets: `lag` and `lead` take the `column` value `offset` rows (default 1) before or after "
      "the row, or `default` (null unless given) when that row is outside the partition.\n"
      "- Frame functions: `first_value`, `last_value`, and `sum`, `avg`, `min`, `max`, `count` "
      "(no column: count rows) over a ROWS `frame` of `preceding` rows before and `following` rows "
      "after the current one, each a row count or `\"unbounded\"`. The default frame is "
      "`{\"preceding\": \"unbounded\", \"following\": 0}`: a running total. Unlike SQL's default "
      "RANGE frame, peers are not included together: frames count rows.\n\n"
      "Aggregates skip nulls (a frame without values gives null; count gives 0); sums of integers "
      "are int64, of decimals decimal(38, s); avg is float64.\n\n"
      "Output: the input columns, then one column per function (named by `as`, default "
      "`<function>_<column>`). Rows come out grouped by partition, in order within each; the "
      "order of the partitions themselves is not defined. Partitions are processed in parallel; "
      "past the memory budget the rows spill to disk by partition hash, and a spilled piece too "
      "big for the budget is split again by the next hash bits until it fits. One partition is "
      "always evaluated whole, so a single partition (or no `partition_by`) larger than the "
      "budget is held in memory.";
  nlohmann::json order_key = {
      {"type", "object"},
      {"title", "Order key"},
      {"required", {"column"}},
      {"additionalProperties", false},
      {"properties",
       {{"column", {{"type", "string"}, {"title", "Column"}, {"format", "column"}}},
        {"order", {{"type", "string"}, {"title", "Order"}, {"enum", {"asc", "desc"}}, {"default", "asc"}}},
        {"nulls", {{"type", "string"}, {"title", "Nulls"}, {"enum", {"first", "last"}}, {"default", "last"}}}}}};
  nlohmann::json function = {
      {"type", "object"},
      {"title", "Window function"},
      {"required", {"function"}},
      {"additionalProperties", false},
      {"properties",
       {{"function", {{"type", "string"}, {"title", "Function"}, {"enum", WindowFunctionNames()}}},
        {"column",
         {{"type", "string"},
          {"title", "Column"},
          {"format", "column"},
          {"description", "The argument; ranking functions take none, count without one counts rows."}}},
        {"as", {{"type", "string"}, {"title", "Output column"}, {"description", "Default: <function>_<column>."}}},
        {"offset", {{"type", "integer"}, {"minimum", 0}, {"title", "Offset"}, {"description", "lag/lead only: rows away (1 when omitted)."}}},
        {"default", {{"title", "Default"}, {"description", "lag/lead: the value when the offset row is outside the partition."}}},
        {"buckets", {{"type", "integer"}, {"minimum", 1}, {"title", "Buckets"}, {"description", "ntile: number of buckets."}}},
        {"frame",
         {{"type", "object"},
          {"title", "Frame (ROWS)"},
          {"additionalProperties", false},
          {"properties",
           {{"preceding", FrameBoundSchema("Preceding", "Rows before the current row, or \"unbounded\" (default).")},
            {"following", FrameBoundSchema("Following", "Rows after the current row (default 0), or \"unbounded\".")}}}}}}}};
  d.config_schema = {
      {"type", "object"},
      {"title", "Window"},
      {"additionalProperties", false},
      {"required", {"functions"}},
      {"properties",
       {{"partition_by",
         {{"type", "array"},
          {"title", "Partition by"},
          {"description", "Functions restart for each distinct value of these columns. Empty: one partition."},
          {"items", {{"type", "string"}, {"title", "Column"}, {"format", "column"}}},
          {"default", nlohmann::json::array()}}},
        {"order_by",
         {{"type", "array"},
          {"title", "Order by"},
          {"description", "Row order within a partition; ties keep input order."},
          {"items", order_key},
          {"default", nlohmann::json::array()}}},
        {"functions", {{"type", "array"}, {"title", "Functions"}, {"minItems", 1}, {"items", function}}}}},
  };
  d.factory = BindWindow;
  return d;
}

}  // namespace logidata
