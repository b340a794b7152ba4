#include "test_modules.h"

#include <chrono>
#include <set>
#include <thread>

#include "types/column_builder.h"

namespace logidata::testing {

namespace {

SchemaPtr NumberSchema() {
  static SchemaPtr schema = MakeSchema({Field{"n", DataType::Int64(), true}});
  return schema;
}

BatchPtr MakeNumbers(int64_t from, int64_t to) {
  ColumnBuilder b(DataType::Int64());
  for (int64_t i = from; i < to; ++i) b.AppendInt64(i);
  return Batch::Make(NumberSchema(), {b.Finish()}, to - from);
}

BatchPtr Map(const Batch& in, const std::function<bool(int64_t, int64_t*)>& f) {
  ColumnBuilder b(DataType::Int64());
  const Column& c = *in.column(0);
  for (int64_t i = 0; i < in.num_rows(); ++i) {
    int64_t out;
    if (f(c.Get<int64_t>(i), &out)) b.AppendInt64(out);
  }
  auto col = b.Finish();
  int64_t n = col->length();
  return Batch::Make(NumberSchema(), {col}, n);
}

class Numbers final : public Operator {
 public:
  Numbers(int64_t count, int64_t batch, bool parallel, int64_t first_batch_delay_ms)
      : count_(count), batch_(batch), parallel_(parallel), first_batch_delay_ms_(first_batch_delay_ms) {
    output_schemas_ = {NumberSchema()};
  }
  int MaxProduceParallelism() const override { return parallel_ ? 4 : 1; }
  Result<bool> Produce(OperatorState*, Emitter& out) override {
    int64_t chunk = next_.fetch_add(1);
    int64_t from = chunk * batch_;
    if (from >= count_) return false;
    auto b = std::make_shared<Batch>(*MakeNumbers(from, std::min(count_, from + batch_)));
    b->set_sequence(static_cast<uint64_t>(chunk));
    // A slow first batch lets the other threads' later batches arrive first.
    if (chunk == 0 && first_batch_delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(first_batch_delay_ms_));
    LD_RETURN_IF_ERROR(out.Emit(b));
    return true;
  }

 private:
  int64_t count_, batch_;
  bool parallel_;
  int64_t first_batch_delay_ms_;
  std::atomic<int64_t> next_{0};
};

// A source that misbehaves like a remote system: its Open fails (Unavailable) a number of times
// or blocks until the run stops; Produce emits one row per call and stalls `stall_ms` first.
class Flaky final : public Operator {
 public:
  Flaky(int open_failures, bool block_open, int64_t stall_ms, int64_t rows)
      : open_failures_(open_failures), block_open_(block_open), stall_ms_(stall_ms), rows_(rows) {
    output_schemas_ = {NumberSchema()};
  }
  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    if (opens_++ < open_failures_) return Status::Unavailable("connection refused (open " + std::to_string(opens_) + ")");
    while (block_open_) {
      LD_RETURN_IF_ERROR(ctx.CheckCancelled());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Status::OK();
  }
  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (next_ >= rows_) return false;
    for (auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(stall_ms_);
         std::chrono::steady_clock::now() < until;) {
      LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    LD_RETURN_IF_ERROR(out.Emit(MakeNumbers(next_, next_ + 1)));
    ++next_;
    return true;
  }

 private:
  int open_failures_;
  bool block_open_;
  int64_t stall_ms_, rows_;
  int opens_ = 0;
  int64_t next_ = 0;
  ExecContext* ctx_ = nullptr;
};

class Streaming final : public Operator {
 public:
  explicit Streaming(std::function<bool(int64_t, int64_t*)> f, int64_t fail_at = -1)
      : f_(std::move(f)), fail_at_(fail_at) {
    output_schemas_ = {NumberSchema()};
  }
  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter& out) override {
    const Column& c = *batch->column(0);
    for (int64_t i = 0; i < batch->num_rows(); ++i) {
      if (c.Get<int64_t>(i) == fail_at_) return Status::DataError("bad value " + std::to_string(fail_at_));
    }
    return out.Emit(Map(*batch, f_));
  }

 private:
  std::function<bool(int64_t, int64_t*)> f_;
  int64_t fail_at_;
};

struct SumState : OperatorState {
  int64_t sum = 0;
};

class Total final : public Operator {
 public:
  Total() { output_schemas_ = {NumberSchema()}; }
  bool UsesMemoryBudget() const override { return true; }
  std::unique_ptr<OperatorState> MakeThreadState() override { return std::make_unique<SumState>(); }
  bool EmitsOnConsume(int) const override { return false; }
  Status Consume(int, const BatchPtr& batch, OperatorState* state, Emitter&) override {
    auto* s = static_cast<SumState*>(state);
    for (int64_t i = 0; i < batch->num_rows(); ++i) s->sum += batch->column(0)->Get<int64_t>(i);
    return Status::OK();
  }
  Status FinishPort(int, const std::vector<OperatorState*>& states) override {
    for (auto* s : states) {
      if (s != nullptr) total_ += static_cast<SumState*>(s)->sum;
    }
    return Status::OK();
  }
  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (emitted_) return false;
    emitted_ = true;
    LD_RETURN_IF_ERROR(out.Emit(MakeNumbers(total_, total_ + 1)));
    return true;
  }

 private:
  int64_t total_ = 0;
  bool emitted_ = false;
};

class Lookup final : public Operator {
 public:
  Lookup() { output_schemas_ = {NumberSchema()}; }
  bool UsesMemoryBudget() const override { return true; }
  std::vector<int> PortsRequiredBefore(int port) const override { return port == 0 ? std::vector<int>{1} : std::vector<int>{}; }
  bool EmitsOnConsume(int port) const override { return port == 0; }
  Status Consume(int port, const BatchPtr& batch, OperatorState*, Emitter& out) override {
    if (port == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      for (int64_t i = 0; i < batch->num_rows(); ++i) build_.insert(batch->column(0)->Get<int64_t>(i));
      return Status::OK();
    }
    if (!build_finished_) return Status::Internal("probe before build finished");
    return out.Emit(Map(*batch, [this](int64_t v, int64_t* o) {
      *o = v;
      return build_.count(v) > 0;
    }));
  }
  Status FinishPort(int port, const std::vector<OperatorState*>&) override {
    if (port == 1) build_finished_ = true;
    return Status::OK();
  }

 private:
  std::mutex mu_;
  std::set<int64_t> build_;
  std::atomic<bool> build_finished_{false};
};

class Merge final : public Operator {
 public:
  Merge() { output_schemas_ = {NumberSchema()}; }
  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter& out) override { return out.Emit(batch); }
};

class Collect final : public Operator {
 public:
  Collect(Collected* collected, std::string id, bool ordered) : c_(collected), id_(std::move(id)), ordered_(ordered) {}
  bool EmitsOnConsume(int) const override { return false; }
  bool RequiresOrderedInput(int) const override { return ordered_; }
  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter&) override {
    std::lock_guard<std::mutex> lock(c_->mu);
    auto& v = c_->values[id_];
    for (int64_t i = 0; i < batch->num_rows(); ++i) v.push_back(batch->column(0)->Get<int64_t>(i));
    return Status::OK();
  }
  Status Commit() override {
    std::lock_guard<std::mutex> lock(c_->mu);
    c_->committed[id_] = true;
    return Status::OK();
  }
  void Abort() override {
    std::lock_guard<std::mutex> lock(c_->mu);
    c_->aborted[id_] = true;
  }

 private:
  Collected* c_;
  std::string id_;
  bool ordered_;
};

class Wide final : public Operator {
 public:
  Wide(Collected* c, std::string id) : c_(c), id_(std::move(id)) {
    output_schemas_ = {MakeSchema({Field{"n", DataType::Int64()}, Field{"a", DataType::Int64()}, Field{"b", DataType::Int64()}})};
  }
  void SetRequiredColumns(const std::vector<int>& columns) override {
    std::lock_guard<std::mutex> lock(c_->mu);
    c_->required_columns[id_] = columns;
  }
  Result<bool> Produce(OperatorState*, Emitter& out) override {
    if (done_) return false;
    done_ = true;
    auto col = MakeNumbers(0, 3)->column(0);
    LD_RETURN_IF_ERROR(out.Emit(Batch::Make(output_schemas_[0], {col, col, col}, 3)));
    return true;
  }

 private:
  Collected* c_;
  std::string id_;
  bool done_ = false;
};

class FirstColumn final : public Operator {
 public:
  FirstColumn() { output_schemas_ = {NumberSchema()}; }
  std::optional<std::vector<int>> InputColumnsNeeded(int, const std::vector<int>&) const override {
    return std::vector<int>{0};
  }
  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter& out) override {
    return out.Emit(Batch::Make(NumberSchema(), {batch->column(0)}, batch->num_rows()));
  }
};

nlohmann::json ObjectSchema(nlohmann::json properties, std::vector<std::string> required = {}) {
  nlohmann::json s = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

ModuleDescriptor Describe(ModuleKind kind, std::string name, std::vector<PortSpec> in, std::vector<PortSpec> out,
                          nlohmann::json schema, OperatorFactory factory) {
  ModuleDescriptor d;
  d.kind = kind;
  d.name = std::move(name);
  d.summary = "Tests the executor.";
  d.inputs = std::move(in);
  d.outputs = std::move(out);
  d.config_schema = std::move(schema);
  d.factory = std::move(factory);
  return d;
}

}  // namespace

Status RegisterTestModules(ModuleRegistry& registry, Collected* collected) {
  const std::vector<PortSpec> in = {{"in", ""}};
  const std::vector<PortSpec> out = {{"out", ""}};
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kExtract, "numbers", {}, out,
      ObjectSchema({{"count", {{"type", "integer"}, {"minimum", 0}}},
                    {"batch", {{"type", "integer"}, {"minimum", 1}, {"default", 1000}}},
                    {"parallel", {{"type", "boolean"}, {"default", false}}},
                    {"first_batch_delay_ms", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}},
                   {"count"}),
      [](const BindContext& ctx) -> Result<std::unique_ptr<Operator>> {
        return std::unique_ptr<Operator>(new Numbers(ctx.cfg()["count"], ctx.cfg()["batch"], ctx.cfg()["parallel"],
                                                     ctx.cfg().value("first_batch_delay_ms", int64_t{0})));
      })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kExtract, "flaky", {}, out,
      ObjectSchema({{"open_failures", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}},
                    {"block_open", {{"type", "boolean"}, {"default", false}}},
                    {"stall_ms", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}},
                    {"rows", {{"type", "integer"}, {"minimum", 0}, {"default", 3}}}},
                   {}),
      [](const BindContext& ctx) -> Result<std::unique_ptr<Operator>> {
        const auto& c = ctx.cfg();
        return std::unique_ptr<Operator>(new Flaky(c.value("open_failures", 0), c.value("block_open", false),
                                                   c.value("stall_ms", int64_t{0}), c.value("rows", int64_t{3})));
      })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kTransform, "double", in, out, ObjectSchema({}), [](const BindContext&) -> Result<std::unique_ptr<Operator>> {
        return std::unique_ptr<Operator>(new Streaming([](int64_t v, int64_t* o) { *o = v * 2; return true; }));
      })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kTransform, "keep_even", in, out, ObjectSchema({}),
      [](const BindContext&) -> Result<std::unique_ptr<Operator>> {
        return std::unique_ptr<Operator>(new Streaming([](int64_t v, int64_t* o) { *o = v; return v % 2 == 0; }));
      })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kTransform, "fail", in, out, ObjectSchema({{"at", {{"type", "integer"}}}}, {"at"}),
      [](const BindContext& ctx) -> Result<std::unique_ptr<Operator>> {
        return std::unique_ptr<Operator>(
            new Streaming([](int64_t v, int64_t* o) { *o = v; return true; }, ctx.cfg()["at"].get<int64_t>()));
      })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kTransform, "total", in, out, ObjectSchema({}),
      [](const BindContext&) -> Result<std::unique_ptr<Operator>> { return std::unique_ptr<Operator>(new Total()); })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kTransform, "lookup", {{"probe", ""}, {"build", ""}}, out, ObjectSchema({}),
      [](const BindContext&) -> Result<std::unique_ptr<Operator>> { return std::unique_ptr<Operator>(new Lookup()); })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kTransform, "merge", {{"in", "", true}}, out, ObjectSchema({}),
      [](const BindContext&) -> Result<std::unique_ptr<Operator>> { return std::unique_ptr<Operator>(new Merge()); })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kLoad, "collect", in, {}, ObjectSchema({{"ordered", {{"type", "boolean"}, {"default", true}}}}),
      [collected](const BindContext& ctx) -> Result<std::unique_ptr<Operator>> {
        return std::unique_ptr<Operator>(new Collect(collected, ctx.node_id, ctx.cfg()["ordered"]));
      })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kExtract, "wide", {}, out, ObjectSchema({}),
      [collected](const BindContext& ctx) -> Result<std::unique_ptr<Operator>> {
        return std::unique_ptr<Operator>(new Wide(collected, ctx.node_id));
      })));
  LD_RETURN_IF_ERROR(registry.Register(Describe(
      ModuleKind::kTransform, "first_column", in, out, ObjectSchema({}),
      [](const BindContext&) -> Result<std::unique_ptr<Operator>> { return std::unique_ptr<Operator>(new FirstColumn()); })));
  return Status::OK();
}

}  // namespace logidata::testing
