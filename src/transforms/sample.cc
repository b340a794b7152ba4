#include "transforms/sample.h"

#include <algorithm>
#include <mutex>

#include "transforms/config_fields.h"
#include "transforms/row_selection.h"
#include "transforms/row_subset_operator.h"
#include "transforms/transform_descriptor.h"

namespace logidata {

namespace {
// splitmix64's finaliser: a fast, well-mixed 64-bit permutation.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}
inline uint64_t BatchSalt(uint64_t seed, uint64_t sequence) {
  return Mix(seed * 0x9E3779B97F4A7C15ULL + Mix(sequence + 0x632BE59BD9B4E019ULL));
}
inline uint64_t KeyOf(uint64_t salt, uint64_t row) { return Mix(salt + row * 0x9E3779B97F4A7C15ULL); }
}  // namespace

uint64_t SampleRowKey(uint64_t seed, uint64_t sequence, uint64_t row) {
  return KeyOf(BatchSalt(seed, sequence), row);
}

namespace {

class BernoulliSampleOperator final : public RowSubsetOperator {
 public:
  BernoulliSampleOperator(SchemaPtr schema, double fraction, uint64_t seed)
      : RowSubsetOperator(std::move(schema)), seed_(seed) {
    // Keep a row when its key is below fraction * 2^64 (compared on the top 53 bits).
    threshold_ = fraction >= 1.0 ? (uint64_t{1} << 53) : static_cast<uint64_t>(fraction * 9007199254740992.0);
  }


  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    (void)port;
    (void)state;
    const int64_t rows = batch->num_rows();
    if (rows == 0) return Status::OK();
    const uint64_t salt = BatchSalt(seed_, batch->sequence());
    std::vector<uint8_t> bits(static_cast<size_t>(BitmapBytes(rows)), 0);
    int64_t count = 0;
    for (int64_t i = 0; i < rows; ++i) {
      const bool keep = (KeyOf(salt, static_cast<uint64_t>(i)) >> 11) < threshold_;
      bits[static_cast<size_t>(i >> 3)] |= static_cast<uint8_t>(keep << (i & 7));
      count += keep;
    }
    BatchPtr kept = SelectRows(*batch, output_schemas_[0], bits.data(), count);
    if (kept == nullptr) return Status::OK();
    return out.Emit(std::move(kept));
  }

 private:
  uint64_t seed_;
  uint64_t threshold_;
};

// Candidates for the n-row sample: rows with their keys, kept in `rows` (one batch after each
// compaction) and `entries` (parallel metadata).
struct Candidate {
  uint64_t key;
  uint64_t sequence;
  int64_t row;     // position in its input batch
  int32_t batch;   // index into Candidates::batches
  int32_t index;   // row within that batch
};

bool KeyLess(const Candidate& a, const Candidate& b) {
  if (a.key != b.key) return a.key < b.key;
  if (a.sequence != b.sequence) return a.sequence < b.sequence;
  return a.row < b.row;
}

struct Candidates : OperatorState {
  std::vector<BatchPtr> batches;
  std::vector<Candidate> entries;
  uint64_t threshold = UINT64_MAX;  // keys >= threshold can no longer make the sample

  // Keeps the `n` smallest keys, gathered into one batch (in source batch order).
  void Compact(size_t n) {
    if (entries.size() > n) {
      std::nth_element(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(n), entries.end(), KeyLess);
      entries.resize(n);
    }
    if (entries.size() == n && n > 0) {
      threshold = std::max_element(entries.begin(), entries.end(), KeyLess)->key;
    }
    std::sort(entries.begin(), entries.end(), [](const Candidate& a, const Candidate& b) {
      return a.batch != b.batch ? a.batch < b.batch : a.index < b.index;
    });
    std::vector<BatchPtr> parts;
    std::vector<Candidate> rebuilt;
    rebuilt.reserve(entries.size());
    // Gather per source batch, preserving the entries' order within the concatenated result.
    size_t i = 0;
    while (i < entries.size()) {
      size_t j = i;
      std::vector<int32_t> take;
      while (j < entries.size() && entries[j].batch == entries[i].batch) take.push_back(entries[j++].index);
      parts.push_back(TakeBatch(*batches[static_cast<size_t>(entries[i].batch)], take));
      for (size_t k = i; k < j; ++k) {
        Candidate c = entries[k];
        c.batch = 0;
        c.index = static_cast<int32_t>(rebuilt.size());
        rebuilt.push_back(c);
      }
      i = j;
    }
    entries = std::move(rebuilt);
    batches.clear();
    if (!parts.empty()) batches.push_back(parts.size() == 1 ? parts[0] : ConcatBatches(parts));
  }
};

class ReservoirSampleOperator final : public RowSubsetOperator {
 public:
  ReservoirSampleOperator(SchemaPtr schema, int64_t n, uint64_t seed)
      : RowSubsetOperator(std::move(schema)), n_(static_cast<size_t>(n)), seed_(seed) {}

  std::unique_ptr<OperatorState> MakeThreadState() override { return std::make_unique<Candidates>(); }
  bool EmitsOnConsume(int port) const override { (void)port; return false; }

  Status Consume(int port, const BatchPtr& batch, OperatorState* state, Emitter& out) override {
    (void)port;
    (void)out;
    auto* candidates = static_cast<Candidates*>(state);
    if (candidates == nullptr) return Status::Internal("sample: Consume without a thread state");
    const int64_t rows = batch->num_rows();
    if (rows == 0 || n_ == 0) return Status::OK();
    const uint64_t salt = BatchSalt(seed_, batch->sequence());
    std::vector<int32_t> take;
    std::vector<uint64_t> keys;
    for (int64_t i = 0; i < rows; ++i) {
      const uint64_t key = KeyOf(salt, static_cast<uint64_t>(i));
      if (key <= candidates->threshold) {
        take.push_back(static_cast<int32_t>(i));
        keys.push_back(key);
      }
    }
    if (take.empty()) return Status::OK();
    const int32_t batch_index = static_cast<int32_t>(candidates->batches.size());
    candidates->batches.push_back(static_cast<int64_t>(take.size()) == rows ? batch : TakeBatch(*batch, take));
    for (size_t k = 0; k < take.size(); ++k) {
      candidates->entries.push_back(
          Candidate{keys[k], batch->sequence(), take[k], batch_index, static_cast<int32_t>(k)});
    }
    if (candidates->entries.size() >= std::max<size_t>(2 * n_, 4096)) candidates->Compact(n_);
    return Status::OK();
  }

  Status FinishPort(int port, const std::vector<OperatorState*>& states) override {
    (void)port;
    Candidates merged;
    for (OperatorState* s : states) {
      auto* c = static_cast<Candidates*>(s);
      if (c == nullptr) continue;
      const int32_t base = static_cast<int32_t>(merged.batches.size());
      for (auto& b : c->batches) merged.batches.push_back(std::move(b));
      for (Candidate e : c->entries) {
        e.batch += base;
        merged.entries.push_back(e);
      }
      c->batches.clear();
      c->entries.clear();
    }
    merged.Compact(n_);
    if (merged.batches.empty()) return Status::OK();
    // Emit the sample in input order.
    std::sort(merged.entries.begin(), merged.entries.end(), [](const Candidate& a, const Candidate& b) {
      return a.sequence != b.sequence ? a.sequence < b.sequence : a.row < b.row;
    });
    std::vector<int32_t> order;
    order.reserve(merged.entries.size());
    for (const auto& e : merged.entries) order.push_back(e.index);
    result_ = TakeBatch(*merged.batches[0], order);
    return Status::OK();
  }

  Result<bool> Produce(OperatorState* state, Emitter& out) override {
    (void)state;
    if (result_ == nullptr || emitted_ >= result_->num_rows()) return false;
    const int64_t take = std::min(kTargetBatchRows, result_->num_rows() - emitted_);
    BatchPtr part = (emitted_ == 0 && take == result_->num_rows()) ? result_ : SliceBatch(*result_, emitted_, take);
    emitted_ += take;
    LD_RETURN_IF_ERROR(out.Emit(Batch::Make(output_schemas_[0], part->columns(), part->num_rows())));
    return true;
  }

 private:
  const size_t n_;
  const uint64_t seed_;
  BatchPtr result_;
  int64_t emitted_ = 0;
};

Result<std::unique_ptr<Operator>> BindSample(const BindContext& ctx) {
  if (ctx.input_schemas.size() != 1) return Status::Internal("sample expects exactly one input");
  const nlohmann::json& cfg = ctx.cfg();
  const nlohmann::json* fraction = FindMember(cfg, "fraction");
  const nlohmann::json* n = FindMember(cfg, "n");
  if (fraction != nullptr && n != nullptr) return ConfigError("/n", "give either 'fraction' or 'n', not both");
  if (fraction == nullptr && n == nullptr) {
    return ConfigError("/fraction", "is required: give 'fraction' (0 to 1) or 'n' (a row count)");
  }
  LD_ASSIGN_OR_RETURN(int64_t seed, OptionalInt(cfg, "seed", "", 42, INT64_MIN));
  if (fraction != nullptr) {
    if (!fraction->is_number()) return ConfigError("/fraction", "must be a number between 0 and 1");
    const double f = fraction->get<double>();
    if (!(f >= 0.0 && f <= 1.0)) return ConfigError("/fraction", "must be between 0 and 1");
    return std::unique_ptr<Operator>(
        new BernoulliSampleOperator(ctx.input_schemas[0], f, static_cast<uint64_t>(seed)));
  }
  LD_ASSIGN_OR_RETURN(int64_t rows, OptionalInt(cfg, "n", "", 0, 0));
  if (rows > (int64_t{1} << 31) - 1) return ConfigError("/n", "must be below 2^31");
  return std::unique_ptr<Operator>(new ReservoirSampleOperator(ctx.input_schemas[0], rows, static_cast<uint64_t>(seed)));
}

}  // namespace

constexpr const char* kSampleDetails = R"md(Every row gets a pseudo-random key from the seed, its batch's sequence number and its position in the batch, so the sample does not depend on how many threads run. `fraction` keeps rows whose key falls below the fraction (Bernoulli); `n` keeps the `n` smallest keys (a reservoir: each thread keeps its best candidates, bounded at about 2·n rows, merged at the end) and emits them in input order when the input ends.

```json
{"fraction": 0.1, "seed": 7}
```)md";

ModuleDescriptor SampleModule() {
  ModuleDescriptor d = SingleInputTransformDescriptor(
      "sample", "rows", "casino", "Takes a random sample of the rows.", "Rows to sample.", "The sampled rows.");
  d.description =
      "Either keeps each row with probability `fraction` (the row count varies around "
      "fraction × input rows) or keeps exactly `n` rows chosen uniformly at random (all rows when "
      "there are fewer). The choice depends only on `seed` and on each row's position in the "
      "input, so re-running over the same input gives the same sample. Rows keep their input "
      "order.";
  d.config_schema = {
      {"type", "object"},
      {"title", "Sample"},
      {"properties",
       {{"fraction", {{"type", "number"}, {"title", "Fraction"},
                      {"description", "Probability of keeping each row, from 0 to 1."},
                      {"minimum", 0}, {"maximum", 1}, {"examples", nlohmann::json::array({0.1})}}},
        {"n", {{"type", "integer"}, {"title", "Rows"}, {"description", "Exact number of rows to keep."},
               {"minimum", 0}, {"examples", nlohmann::json::array({1000})}}},
        {"seed", {{"type", "integer"}, {"title", "Seed"},
                  {"description", "Seed of the random choice; the same seed gives the same sample."},
                  {"default", 42}}}}},
      {"oneOf", nlohmann::json::array({nlohmann::json{{"required", nlohmann::json::array({"fraction"})}},
                                       nlohmann::json{{"required", nlohmann::json::array({"n"})}}})},
      {"additionalProperties", false},
  };
  d.factory = BindSample;
  d.description += "\n\n";
  d.description += kSampleDetails;
  return d;
}

}  // namespace logidata
