#include "transforms/sort.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <queue>

#include "transforms/blocking_config.h"
#include "transforms/row_comparator.h"
#include "transforms/spill_file.h"
#include "transforms/sorted_rows.h"
#include "transforms/spilling_operator.h"
#include "transforms/transform_descriptor.h"
#include "types/column_builder.h"

namespace logidata {

namespace {

using blocking::Pointer;

// Rows per batch in a run file. The merge holds one batch of every run at once, so with a small
// budget (many runs) full-size batches would hold runs x 64Ki rows — far past the budget (J7 at
// --memory 64M had ~60 runs and peaked at 1.4 GB). Small run batches keep the merge near
// runs x 4Ki rows; the merged output is still cut into kTargetBatchRows chunks.
constexpr int64_t kRunBatchRows = 4 * 1024;

struct SortState final : OperatorState {
  std::vector<BatchPtr> batches;
  int64_t bytes = 0;
};

class SortOperator final : public SpillingOperator<SortState> {
 public:
  SortOperator(SchemaPtr schema, std::vector<SortKey> keys) : SpillingOperator("sort"), cmp_(std::move(keys)) {
    output_schemas_ = {schema};
    std::vector<Field> fields = schema->fields();
    fields.push_back({"__stamp", DataType::Int64(), false});
    run_schema_ = MakeSchema(std::move(fields));
  }

  std::optional<std::vector<int>> InputColumnsNeeded(int, const std::vector<int>& needed) const override {
    std::vector<int> cols = needed;
    for (const SortKey& k : cmp_.keys()) cols.push_back(k.column);
    return blocking::SortedUnique(std::move(cols));
  }

  bool EmitsOnConsume(int) const override { return false; }

  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter&) override {
    auto& s = *static_cast<SortState*>(state);
    if (batch->num_rows() == 0) return Status::OK();
    s.batches.push_back(batch);
    const int64_t bytes = batch->ByteSize();
    s.bytes += bytes;
    if (total_bytes_.fetch_add(bytes) + bytes > budget_) return WriteRun(s);
    return Status::OK();
  }

  Status Open(ExecContext& ctx) override {
    LD_RETURN_IF_ERROR(SpillingOperator::Open(ctx));
    threads_ = std::max(1, ctx.num_threads);
    return Status::OK();
  }

  Status FinishPort(int, const std::vector<OperatorState*>&) override {
    if (!run_paths_.empty()) {
      for (SortState* s : thread_states_) LD_RETURN_IF_ERROR(WriteRun(*s, threads_));
      LD_RETURN_IF_ERROR(NarrowRuns());
      return OpenRuns(run_paths_, &merge_);
    }
    std::vector<BatchPtr> batches;
    for (SortState* s : thread_states_) {
      batches.insert(batches.end(), s->batches.begin(), s->batches.end());
      s->batches.clear();
    }
    if (batches.empty()) return Status::OK();
    std::sort(batches.begin(), batches.end(),
              [](const BatchPtr& a, const BatchPtr& b) { return a->sequence() < b->sequence(); });
    const int64_t held = total_bytes_.load();
    sorted_ = SortedRows::Sort(std::move(batches), cmp_, threads_);
    chunks_ = (sorted_->size() + kTargetBatchRows - 1) / kTargetBatchRows;
    sorted_bytes_.store(held + sorted_->ByteSize());
    total_bytes_.store(0);  // the buffered batches are now sorted_'s
    return Status::OK();
  }

  // In memory, chunks of the sorted order are gathered in parallel. After a spill the merge itself
  // is serial (MergeStep holds merge_mu_); a second slot lets one thread merge the next chunk while
  // another pushes the last one downstream.
  int MaxProduceParallelism() const override { return run_paths_.empty() ? 8 : 2; }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (!run_paths_.empty()) return MergeStep(out);
    const int64_t c = next_chunk_.fetch_add(1);
    if (c >= chunks_) return false;
    const int64_t b = c * kTargetBatchRows;
    const int64_t e = std::min(sorted_->size(), b + kTargetBatchRows);
    std::vector<uint64_t> positions(static_cast<size_t>(e - b));
    sorted_->Positions(b, e, positions.data());
    auto batch = std::const_pointer_cast<Batch>(
        GatherRows(output_schemas_[0], sorted_->batches(), positions.data(), e - b));
    batch->set_sequence(static_cast<uint64_t>(c));
    LD_RETURN_IF_ERROR(out.Emit(std::move(batch)));
    return c + 1 < chunks_;
  }

  // Counters only: called from the monitoring thread while FinishPort may be sorting.
  int64_t MemoryUsage() const override { return total_bytes_.load() + sorted_bytes_.load() + merge_bytes_.load(); }

 private:
  // Sorts a thread's buffered batches into one run file; each row carries its input position
  // (__stamp) so the merge keeps the sort stable across runs.
  Status WriteRun(SortState& s, int threads = 1) {
    if (s.batches.empty()) return Status::OK();
    std::sort(s.batches.begin(), s.batches.end(),
              [](const BatchPtr& a, const BatchPtr& b) { return a->sequence() < b->sequence(); });
    auto sorted = SortedRows::Sort(std::move(s.batches), cmp_, threads);
    const auto& batches = sorted->batches();
    LD_ASSIGN_OR_RETURN(std::string path, spill_dir_->NewPath());
    LD_ASSIGN_OR_RETURN(auto writer, SpillWriter::Open(*fs_, path));
    std::vector<uint64_t> positions;
    for (int64_t b = 0; b < sorted->size(); b += kRunBatchRows) {
      const int64_t e = std::min(sorted->size(), b + kRunBatchRows);
      positions.resize(static_cast<size_t>(e - b));
      sorted->Positions(b, e, positions.data());
      BatchPtr rows = GatherRows(output_schemas_[0], batches, positions.data(), e - b);
      auto stamps = std::make_shared<Buffer>();
      stamps->Resize(positions.size() * 8);
      int64_t* st = stamps->mutable_data_as<int64_t>();
      for (size_t i = 0; i < positions.size(); ++i) {
        st[i] = static_cast<int64_t>((batches[positions[i] >> 32]->sequence() << 32) | (positions[i] & 0xffffffffu));
      }
      std::vector<ColumnPtr> cols = rows->columns();
      cols.push_back(std::make_shared<const Column>(DataType::Int64(), e - b, nullptr, stamps));
      LD_RETURN_IF_ERROR(writer->Write(*Batch::Make(run_schema_, std::move(cols), e - b)));
    }
    LD_RETURN_IF_ERROR(writer->Close());
    run_batches_.fetch_add((sorted->size() + kRunBatchRows - 1) / kRunBatchRows);
    run_bytes_.fetch_add(writer->bytes_written());
    total_bytes_.fetch_sub(s.bytes);
    s.bytes = 0;
    s.batches.clear();
    std::lock_guard<std::mutex> lock(mu_);
    run_paths_.push_back(path);
    return Status::OK();
  }

  struct Cursor {
    std::unique_ptr<SpillReader> reader;
    BatchPtr batch;
    int64_t row = 0;
  };
  // A k-way merge of run files: one cursor per run, a min-heap of cursor indices.
  struct RunMerge {
    std::vector<Cursor> cursors;
    std::vector<size_t> heap;
  };

  // Moves `c` to its next row, reading the run's next batch when the current one is used up; the
  // batches the cursors hold are what the merge costs in memory (merge_bytes_).
  Status Advance(Cursor& c) {
    if (c.batch != nullptr && ++c.row < c.batch->num_rows()) return Status::OK();
    c.row = 0;
    if (c.batch != nullptr) merge_bytes_.fetch_sub(c.batch->ByteSize());
    do {
      LD_ASSIGN_OR_RETURN(c.batch, c.reader->Next());
    } while (c.batch != nullptr && c.batch->num_rows() == 0);
    if (c.batch != nullptr) merge_bytes_.fetch_add(c.batch->ByteSize());
    return Status::OK();
  }

  // True when cursor a's row sorts after b's (a min-heap on (keys, input position)).
  bool After(const Cursor& a, const Cursor& b) const {
    int c = cmp_.Compare(*a.batch, a.row, *b.batch, b.row);
    if (c != 0) return c > 0;
    const int stamp = run_schema_->num_fields() - 1;
    return a.batch->column(stamp)->Get<int64_t>(a.row) > b.batch->column(stamp)->Get<int64_t>(b.row);
  }

  Status OpenRuns(const std::vector<std::string>& paths, RunMerge* m) {
    for (const auto& path : paths) {
      Cursor c;
      LD_ASSIGN_OR_RETURN(c.reader, SpillReader::Open(*fs_, path, run_schema_));
      LD_RETURN_IF_ERROR(Advance(c));
      if (c.batch != nullptr) m->cursors.push_back(std::move(c));
    }
    for (size_t i = 0; i < m->cursors.size(); ++i) m->heap.push_back(i);
    std::make_heap(m->heap.begin(), m->heap.end(), [&](size_t a, size_t b) { return After(m->cursors[a], m->cursors[b]); });
    return Status::OK();
  }

  // Appends up to `max_rows` rows in merge order to `builders` (one per leading column of the
  // run schema: the output columns, and the stamp too when there is a builder for it).
  Result<int64_t> MergeRows(RunMerge& m, std::vector<ColumnBuilder>& builders, int64_t max_rows) {
    auto cmp = [&](size_t a, size_t b) { return After(m.cursors[a], m.cursors[b]); };
    int64_t rows = 0;
    while (!m.heap.empty() && rows < max_rows) {
      std::pop_heap(m.heap.begin(), m.heap.end(), cmp);
      Cursor& c = m.cursors[m.heap.back()];
      for (size_t col = 0; col < builders.size(); ++col) builders[col].AppendFrom(*c.batch->column(static_cast<int>(col)), c.row);
      ++rows;
      LD_RETURN_IF_ERROR(Advance(c));
      if (c.batch == nullptr) {
        m.heap.pop_back();
      } else {
        std::push_heap(m.heap.begin(), m.heap.end(), cmp);
      }
    }
    return rows;
  }

  // The final merge holds one batch of every run at once. With more runs than half the budget
  // holds in run batches (a big input against a small budget), groups of runs are first merged
  // into longer runs, oldest first, until few enough are left: a multi-pass external sort, so
  // the merge stays within the budget however large the input. Stamps make any grouping stable.
  Status NarrowRuns() {
    const int64_t batches = std::max<int64_t>(1, run_batches_.load());
    const int64_t batch_bytes = std::max<int64_t>(1, run_bytes_.load() / batches);
    const size_t fan_in = static_cast<size_t>(std::max<int64_t>(2, budget_ / 2 / batch_bytes));
    while (run_paths_.size() > fan_in) {
      std::vector<std::string> next;
      for (size_t at = 0; at < run_paths_.size(); at += fan_in) {
        const size_t end = std::min(run_paths_.size(), at + fan_in);
        std::vector<std::string> group(run_paths_.begin() + static_cast<long>(at), run_paths_.begin() + static_cast<long>(end));
        if (group.size() == 1) {
          next.push_back(group[0]);
          continue;
        }
        LD_ASSIGN_OR_RETURN(std::string merged, MergeIntoRun(group));
        next.push_back(std::move(merged));
      }
      run_paths_ = std::move(next);
    }
    return Status::OK();
  }

  // Merges run files into one new run (stamps kept) and removes them.
  Result<std::string> MergeIntoRun(const std::vector<std::string>& paths) {
    RunMerge m;
    LD_RETURN_IF_ERROR(OpenRuns(paths, &m));
    LD_ASSIGN_OR_RETURN(std::string path, spill_dir_->NewPath());
    LD_ASSIGN_OR_RETURN(auto writer, SpillWriter::Open(*fs_, path));
    while (!m.heap.empty()) {
      std::vector<ColumnBuilder> builders;
      for (const auto& f : run_schema_->fields()) builders.emplace_back(f.type, kRunBatchRows);
      LD_ASSIGN_OR_RETURN(const int64_t rows, MergeRows(m, builders, kRunBatchRows));
      std::vector<ColumnPtr> cols;
      for (auto& b : builders) cols.push_back(b.Finish());
      LD_RETURN_IF_ERROR(writer->Write(*Batch::Make(run_schema_, std::move(cols), rows)));
    }
    LD_RETURN_IF_ERROR(writer->Close());
    for (const auto& p : paths) (void)fs_->RemoveAll(p);  // best effort: read once
    return path;
  }

  // Emits the next merged chunk of up to kTargetBatchRows rows, numbered in merge order. Safe on
  // several threads: the heap, cursors and readers are shared, so a chunk is merged under
  // merge_mu_; it is emitted outside the lock, and its sequence number restores the order.
  Result<bool> MergeStep(Emitter& out) {
    const SchemaPtr& schema = output_schemas_[0];
    std::vector<ColumnBuilder> builders;
    for (const auto& f : schema->fields()) builders.emplace_back(f.type, kTargetBatchRows);
    std::unique_lock<std::mutex> lock(merge_mu_);
    if (merge_.heap.empty()) return false;
    LD_ASSIGN_OR_RETURN(const int64_t rows, MergeRows(merge_, builders, kTargetBatchRows));
    const uint64_t sequence = next_merge_chunk_++;
    const bool more = !merge_.heap.empty();
    lock.unlock();
    std::vector<ColumnPtr> cols;
    for (auto& b : builders) cols.push_back(b.Finish());
    auto batch = std::const_pointer_cast<Batch>(Batch::Make(schema, std::move(cols), rows));
    batch->set_sequence(sequence);
    LD_RETURN_IF_ERROR(out.Emit(std::move(batch)));
    return more;
  }

  RowComparator cmp_;
  SchemaPtr run_schema_;
  std::mutex mu_;  // guards the run list
  std::atomic<int64_t> total_bytes_{0};
  std::vector<std::string> run_paths_;

  int threads_ = 1;

  // In memory (no run files): all rows in their sorted order, and the next output chunk to gather.
  std::unique_ptr<SortedRows> sorted_;
  int64_t chunks_ = 0;
  std::atomic<int64_t> next_chunk_{0};
  std::atomic<int64_t> sorted_bytes_{0};

  // Spilled: the merge state, shared by the produce threads.
  std::mutex merge_mu_;
  RunMerge merge_;                 // guarded by merge_mu_ once producing
  uint64_t next_merge_chunk_ = 0;  // guarded by merge_mu_
  std::atomic<int64_t> run_batches_{0}, run_bytes_{0};  // what the run files hold, for the fan-in
  std::atomic<int64_t> merge_bytes_{0};  // the run batches the merge's cursors hold
};

Result<std::unique_ptr<Operator>> BindSort(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1 || ctx.input_schemas[0] == nullptr) {
    return Status::InvalidArgument("sort needs exactly one input");
  }
  const SchemaPtr& in = ctx.input_schemas[0];
  LD_ASSIGN_OR_RETURN(auto items, blocking::ArrayMember(ctx.cfg(), "keys", ""));
  if (items.empty()) return ConfigError("/keys", "give at least one sort key");
  std::vector<SortKey> keys;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string p = Pointer("/keys", i);
    SortKey key;
    std::string column;
    if (items[i].is_string()) {
      column = items[i].get<std::string>();
      LD_ASSIGN_OR_RETURN(key.column, blocking::ResolveColumn(*in, column, p));
    } else if (items[i].is_object()) {
      LD_ASSIGN_OR_RETURN(column, blocking::StringMember(items[i], "column", p, ""));
      if (column.empty()) return ConfigError(Pointer(p, "column"), "name the column to sort by");
      LD_ASSIGN_OR_RETURN(key.column, blocking::ResolveColumn(*in, column, Pointer(p, "column")));
      LD_ASSIGN_OR_RETURN(std::string order, blocking::StringMember(items[i], "order", p, "asc", {"asc", "desc"}));
      LD_ASSIGN_OR_RETURN(std::string nulls, blocking::StringMember(items[i], "nulls", p, "last", {"first", "last"}));
      key.descending = order == "desc";
      key.nulls_first = nulls == "first";
    } else {
      return ConfigError(p, "must be an object {column, order, nulls}");
    }
    keys.push_back(key);
  }
  return std::unique_ptr<Operator>(std::make_unique<SortOperator>(in, std::move(keys)));
}

}  // namespace

ModuleDescriptor SortModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "sort", "rows", "arrow-down-up", "Sorts rows by one or more key columns.", "Rows to sort.", "Sorted rows.");
  d.description =
      "Orders rows by the `keys`, the first key first; each key is ascending or descending and "
      "puts nulls first or last. The sort is stable: rows with equal keys keep their input order. "
      "Sorts larger than the memory budget spill sorted runs to disk and merge them.";
  d.config_schema = {
      {"type", "object"},
      {"title", "Sort"},
      {"additionalProperties", false},
      {"required", {"keys"}},
      {"properties",
       {{"keys",
         {{"type", "array"},
          {"title", "Sort keys"},
          {"description", "Columns to sort by, most significant first."},
          {"minItems", 1},
          {"items",
           {{"type", "object"},
            {"title", "Sort key"},
            {"required", {"column"}},
            {"additionalProperties", false},
            {"properties",
             {{"column", {{"type", "string"}, {"title", "Column"}, {"format", "column"}}},
              {"order",
               {{"type", "string"},
                {"title", "Order"},
                {"description", "asc: smallest first; desc: largest first."},
                {"enum", {"asc", "desc"}},
                {"default", "asc"}}},
              {"nulls",
               {{"type", "string"},
                {"title", "Nulls"},
                {"description", "Where rows with a null in this column go."},
                {"enum", {"first", "last"}},
                {"default", "last"}}}}}}}}}}},
  };
  d.factory = BindSort;
  return d;
}

}  // namespace logidata
