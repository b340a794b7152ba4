#include "connectors/rabbitmq/rabbitmq_extract.h"

#include <atomic>
#include <chrono>

#include "connectors/config_columns.h"
#include "connectors/connection_lookup.h"
#include "connectors/rabbitmq/amqp_session.h"
#include "connectors/rabbitmq/message_body.h"
#include "connectors/rabbitmq/seen_message_ids.h"

namespace logidata {

namespace {

constexpr char kModule[] = "extract.rabbitmq";

// Message metadata a node may add as columns, in the order they are appended.
struct MetadataColumn {
  const char* option;  // in `metadata_columns`
  const char* column;  // output column name
  DataType type;
};
const std::vector<MetadataColumn>& MetadataColumns() {
  static const std::vector<MetadataColumn> columns = {
      {"message_id", "_message_id", DataType::String()},
      {"routing_key", "_routing_key", DataType::String()},
      {"exchange", "_exchange", DataType::String()},
      {"redelivered", "_redelivered", DataType::Bool()},
      {"timestamp", "_timestamp", DataType::Timestamp("UTC")},
  };
  return columns;
}

struct RabbitPlan {
  std::string connection, queue;
  BodyOptions body;
  std::vector<int> metadata;  // indices into MetadataColumns()
  int prefetch = 500;
  int idle_timeout_ms = 1000;
  int64_t max_rows = 1'000'000;
  int64_t max_seconds = 300;
  int64_t batch_rows = kTargetBatchRows;
  bool dedupe = true;
  int64_t dedupe_window = 100'000;
  bool skip_bad_messages = false;
  int infer_messages = 20;
};

Result<RabbitPlan> ReadPlan(const nlohmann::json& cfg) {
  RabbitPlan p;
  p.connection = cfg.value("connection", std::string());
  if (p.connection.empty()) return ConfigError("/connection", "a connection name is required");
  p.queue = cfg.value("queue", std::string());
  if (p.queue.empty() || p.queue.size() > 255) return ConfigError("/queue", "a queue name of 1 to 255 bytes is required");
  LD_ASSIGN_OR_RETURN(p.body, ParseBodyOptions(cfg));
  if (cfg.contains("metadata_columns")) {
    const auto& list = cfg["metadata_columns"];
    if (!list.is_array()) return ConfigError("/metadata_columns", "must be an array");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string name = list[i].is_string() ? list[i].get<std::string>() : "";
      int found = -1;
      for (size_t m = 0; m < MetadataColumns().size(); ++m) {
        if (name == MetadataColumns()[m].option) found = static_cast<int>(m);
      }
      if (found < 0) {
        return ConfigError("/metadata_columns/" + std::to_string(i),
                           "unknown metadata '" + name + "'; use message_id, routing_key, exchange, redelivered or timestamp");
      }
      p.metadata.push_back(found);
    }
  }
  auto positive = [&](const char* key, int64_t fallback, int64_t max, int64_t* out) -> Status {
    *out = cfg.value(key, fallback);
    if (*out < 1 || *out > max) {
      return ConfigError(std::string("/") + key, std::string(key) + " must be between 1 and " + std::to_string(max));
    }
    return Status::OK();
  };
  int64_t v = 0;
  LD_RETURN_IF_ERROR(positive("prefetch", p.prefetch, 65535, &v));
  p.prefetch = static_cast<int>(v);
  LD_RETURN_IF_ERROR(positive("idle_timeout_ms", p.idle_timeout_ms, 3'600'000, &v));
  p.idle_timeout_ms = static_cast<int>(v);
  LD_RETURN_IF_ERROR(positive("max_rows", p.max_rows, int64_t{1} << 40, &p.max_rows));
  LD_RETURN_IF_ERROR(positive("max_seconds", p.max_seconds, 86'400, &p.max_seconds));
  LD_RETURN_IF_ERROR(positive("batch_rows", p.batch_rows, 1'000'000, &p.batch_rows));
  LD_RETURN_IF_ERROR(positive("dedupe_window", p.dedupe_window, 10'000'000, &p.dedupe_window));
  LD_RETURN_IF_ERROR(positive("infer_messages", p.infer_messages, 10'000, &v));
  p.infer_messages = static_cast<int>(v);
  p.dedupe = cfg.value("dedupe", true);
  const std::string bad = cfg.value("bad_messages", std::string("fail"));
  if (bad != "fail" && bad != "skip") return ConfigError("/bad_messages", "bad_messages must be fail or skip");
  p.skip_bad_messages = bad == "skip";
  return p;
}

// Body columns plus the chosen metadata columns; a clash of names is a config error.
Result<SchemaPtr> WithMetadata(const Schema& body, const RabbitPlan& plan) {
  std::vector<Field> fields = body.fields();
  for (int m : plan.metadata) {
    const MetadataColumn& meta = MetadataColumns()[static_cast<size_t>(m)];
    if (body.FieldIndex(meta.column) >= 0) {
      return ConfigError("/metadata_columns", std::string("the body already has a column '") + meta.column + "'");
    }
    fields.push_back({meta.column, meta.type, true});
  }
  return MakeSchema(std::move(fields));
}

class RabbitmqExtractOperator final : public Operator {
 public:
  RabbitmqExtractOperator(RabbitPlan plan, SchemaPtr body_schema, SchemaPtr output)
      : plan_(std::move(plan)), body_schema_(std::move(body_schema)), decoder_(plan_.body, body_schema_),
        seen_(plan_.dedupe_window) {
    output_schemas_.push_back(std::move(output));
  }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    if (output_schemas_[0]->num_fields() == 0) {
      return Status::InvalidArgument(std::string(kModule) + " was bound without the broker; give 'columns'");
    }
    LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(ctx.connections, plan_.connection, {"rabbitmq"}));
    LD_ASSIGN_OR_RETURN(session_, AmqpSession::Connect(config, kModule));
    LD_ASSIGN_OR_RETURN(uint32_t ready, session_->CheckQueue(plan_.queue));
    ready_at_start_ = ready;
    if (plan_.dedupe && ctx.state != nullptr) {
      LD_ASSIGN_OR_RETURN(auto saved, ctx.state->Get(StateKey()));
      if (saved.has_value()) {
        Status s = seen_.Load(*saved);
        if (!s.ok()) return s.WithContext(std::string(kModule) + ": pipeline state " + StateKey());
      }
    }
    LD_RETURN_IF_ERROR(session_->StartConsuming(plan_.queue, plan_.prefetch));
    prefetch_limit_ = plan_.prefetch;
    start_ = std::chrono::steady_clock::now();
    last_message_ = start_;
    return Status::OK();
  }

  Result<bool> Produce(OperatorState*, Emitter& out) override {
    std::vector<ColumnBuilder> builders;
    for (const auto& f : output_schemas_[0]->fields()) builders.emplace_back(f.type, 1024);
    int64_t rows = 0;
    while (!done_ && rows < plan_.batch_rows) {
      LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      LD_RETURN_IF_ERROR(TakeOne(builders, &rows));
    }
    rows_ += rows;
    if (rows > 0 || !emitted_) {
      std::vector<ColumnPtr> columns;
      for (auto& b : builders) columns.push_back(b.Finish());
      emitted_ = true;
      LD_RETURN_IF_ERROR(out.Emit(Batch::Make(output_schemas_[0], std::move(columns), rows)));
    }
    if (done_) LD_RETURN_IF_ERROR(Finish());
    return !done_;
  }

  Status AfterCommit() override {
    if (session_ == nullptr || last_tag_ == 0) {
      session_.reset();
      return Status::OK();
    }
    Status s;
    int64_t acked = 0;
    auto restored = RestoredWindow();
    if (restored != nullptr) {
      // A retry (same run id) whose load the ledger skipped got back the state that load committed
      // with: acknowledge only the messages that load carried; the others return to the queue.
      for (const auto& [tag, id] : taken_) {
        if (!id.has_value() || !restored->Contains(*id)) continue;
        s = session_->Ack(tag, false);
        if (!s.ok()) break;
        ++acked;
      }
    } else {
      s = session_->Ack(last_tag_, /*multiple=*/true);
      acked = messages_;
    }
    if (!s.ok()) {
      session_.reset();
      return s.WithContext("acknowledging the messages of queue '" + plan_.queue + "'");
    }
    ctx_->Log(LogLevel::kInfo, "acknowledged " + std::to_string(acked) + " of " + std::to_string(messages_) +
                                   " messages of queue '" + plan_.queue + "'");
    session_.reset();  // closes the channel: deliveries not acknowledged go back to the queue
    return Status::OK();
  }

  void Abort() override { session_.reset(); }

  double ProgressFraction() const override {
    if (ready_at_start_ <= 0) return -1;
    return std::min(1.0, static_cast<double>(progress_messages_.load()) / static_cast<double>(ready_at_start_));
  }

 private:
  std::string StateKey() const { return ctx_->node_id + "/rabbitmq_message_ids"; }

  // Takes one delivery (or notices the end) and appends its rows.
  Status TakeOne(std::vector<ColumnBuilder>& builders, int64_t* rows) {
    using Clock = std::chrono::steady_clock;
    const auto now = Clock::now();
    if (rows_ + *rows >= plan_.max_rows) return Stop("max_rows reached");
    const auto run_left = start_ + std::chrono::seconds(plan_.max_seconds) - now;
    if (run_left <= Clock::duration::zero()) return Stop("max_seconds reached");
    const auto idle_left = last_message_ + std::chrono::milliseconds(plan_.idle_timeout_ms) - now;
    if (idle_left <= Clock::duration::zero()) return Stop("the queue was idle for " + std::to_string(plan_.idle_timeout_ms) + " ms");
    // Short waits, so cancellation and the limits are noticed promptly.
    auto wait = std::min({run_left, idle_left, Clock::duration(std::chrono::milliseconds(200))});
    int wait_ms = static_cast<int>(std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
    auto delivery = session_->NextDelivery(wait_ms);
    if (!delivery.ok()) return Lost(delivery.status());
    if (!delivery->has_value()) return Status::OK();
    const AmqpDelivery& d = **delivery;
    last_message_ = Clock::now();
    last_tag_ = d.delivery_tag;
    ++messages_;
    progress_messages_.store(messages_);
    // Only a ledger-restored state (dedupe with a state store) needs to know which tag had which id.
    if (plan_.dedupe && ctx_->state != nullptr) taken_.emplace_back(d.delivery_tag, d.message_id);
    if (Status widened = WidenPrefetch(); !widened.ok()) return Lost(widened);
    if (plan_.dedupe && d.message_id.has_value() && !seen_.Add(*d.message_id)) {
      ++duplicates_;
      return Status::OK();
    }
    auto appended = decoder_.Append(d.body, builders);
    if (!appended.ok()) {
      const std::string which = "message " + std::to_string(messages_) + " of queue '" + plan_.queue + "'" +
                                (d.message_id ? " (message id '" + d.message_id->substr(0, 200) + "')" : "");
      if (!plan_.skip_bad_messages) {
        return Status::DataError(std::string(kModule) + ": " + which + ": " + appended.status().message() +
                                 " (set bad_messages to skip to drop such messages)");
      }
      ++bad_;
      if (bad_ <= 5) ctx_->Log(LogLevel::kWarn, "skipped " + which + ": " + appended.status().message());
      return Status::OK();
    }
    AppendMetadata(d, *appended, builders);
    *rows += *appended;
    return Status::OK();
  }

  // Nothing is acknowledged before the loads commit, so the window of unacknowledged deliveries
  // (basic.qos) would stop the run after `prefetch` messages: it slides forward instead, keeping
  // at most `prefetch` deliveries ahead of processing. basic.qos counts to 65,535; beyond that
  // the window is unlimited (TCP flow control still bounds what is in flight).
  Status WidenPrefetch() {
    if (prefetch_limit_ == 0 || messages_ + plan_.prefetch / 2 < prefetch_limit_) return Status::OK();
    int64_t next = messages_ + plan_.prefetch;
    prefetch_limit_ = next > 65535 ? 0 : next;
    return session_->SetPrefetch(static_cast<int>(prefetch_limit_));
  }

  // A session failure while reading: nothing was acknowledged, so the broker keeps every message.
  Status Lost(const Status& s) const {
    return s.WithContext(std::string(kModule) + ": after " + std::to_string(messages_) +
                         " messages (none acknowledged; they return to queue '" + plan_.queue + "')");
  }

  void AppendMetadata(const AmqpDelivery& d, int64_t n, std::vector<ColumnBuilder>& builders) const {
    size_t c = static_cast<size_t>(body_schema_->num_fields());
    for (int m : plan_.metadata) {
      ColumnBuilder& b = builders[c++];
      const std::string& option = MetadataColumns()[static_cast<size_t>(m)].option;
      for (int64_t r = 0; r < n; ++r) {
        if (option == "message_id") {
          if (d.message_id) b.AppendString(*d.message_id); else b.AppendNull();
        } else if (option == "routing_key") {
          b.AppendString(d.routing_key);
        } else if (option == "exchange") {
          b.AppendString(d.exchange);
        } else if (option == "redelivered") {
          b.AppendBool(d.redelivered);
        } else if (d.timestamp.has_value() && *d.timestamp <= uint64_t{9'000'000'000'000}) {
          b.AppendTimestamp(static_cast<int64_t>(*d.timestamp) * 1'000'000);  // seconds → microseconds
        } else {
          b.AppendNull();  // none, or beyond any date the engine represents
        }
      }
    }
  }

  Status Stop(const std::string& why) {
    done_ = true;
    stop_reason_ = why;
    return Status::OK();
  }

  // End of the run's reading: stage the message ids (committed with the run) and say what was read.
  Status Finish() {
    if (plan_.dedupe && ctx_->state != nullptr) {
      staged_ids_ = seen_.Serialize();
      LD_RETURN_IF_ERROR(ctx_->state->Put(StateKey(), staged_ids_));
    }
    std::string line = "read " + std::to_string(messages_) + " messages (" + std::to_string(rows_) + " rows) from queue '" +
                       plan_.queue + "'; stopped: " + stop_reason_;
    if (duplicates_ > 0) line += "; " + std::to_string(duplicates_) + " duplicate message ids not loaded again";
    if (bad_ > 0) line += "; " + std::to_string(bad_) + " undecodable messages skipped";
    ctx_->Log(LogLevel::kInfo, line);
    return Status::OK();
  }

  // The window a database loader's ledger put back in the state (a retry that skipped a load
  // committed by an earlier attempt), or null when the state holds what this run staged.
  std::unique_ptr<SeenMessageIds> RestoredWindow() const {
    if (!plan_.dedupe || ctx_->state == nullptr || staged_ids_.empty()) return nullptr;
    auto staged = ctx_->state->Staged();
    auto it = staged.find(StateKey());
    if (it == staged.end() || it->second == staged_ids_) return nullptr;
    auto restored = std::make_unique<SeenMessageIds>(plan_.dedupe_window);
    if (!restored->Load(it->second).ok()) return nullptr;
    return restored;
  }

  RabbitPlan plan_;
  SchemaPtr body_schema_;
  MessageDecoder decoder_;
  SeenMessageIds seen_;
  ExecContext* ctx_ = nullptr;
  std::unique_ptr<AmqpSession> session_;  // open until AfterCommit acknowledges (or Abort)
  std::chrono::steady_clock::time_point start_, last_message_;
  std::vector<std::pair<uint64_t, std::optional<std::string>>> taken_;  // delivery tag, message id
  uint64_t last_tag_ = 0;
  int64_t messages_ = 0, rows_ = 0, duplicates_ = 0, bad_ = 0;
  int64_t ready_at_start_ = 0;
  int64_t prefetch_limit_ = 0;  // the broker's current window; 0 = unlimited
  std::atomic<int64_t> progress_messages_{0};
  std::string stop_reason_, staged_ids_;
  bool done_ = false, emitted_ = false;
};

// Columns from a sample of the queue: up to infer_messages taken with basic.get and never
// acknowledged, so closing the session puts them back (marked redelivered).
Result<SchemaPtr> InferFromQueue(const RabbitPlan& plan, ConnectionResolver* connections) {
  LD_ASSIGN_OR_RETURN(ConnectionConfig config, LookupConnection(connections, plan.connection, {"rabbitmq"}));
  LD_ASSIGN_OR_RETURN(auto session, AmqpSession::Connect(config, kModule));
  auto ready = session->CheckQueue(plan.queue);
  if (!ready.ok()) return ready.status().IsNotFound() ? ConfigError("/queue", ready.status().message()) : ready.status();
  std::vector<std::string> bodies;
  while (static_cast<int>(bodies.size()) < plan.infer_messages) {
    LD_ASSIGN_OR_RETURN(auto message, session->Get(plan.queue));
    if (!message.has_value()) break;
    bodies.push_back(std::move(message->body));
  }
  auto schema = InferBodySchema(bodies, plan.body);
  if (!schema.ok()) return ConfigError("/columns", "cannot infer columns from queue '" + plan.queue + "': " + schema.status().message());
  if ((*schema)->num_fields() == 0) {
    return ConfigError("/columns", "queue '" + plan.queue + "' holds no messages to infer columns from; set 'columns'");
  }
  return schema;
}

Result<std::unique_ptr<Operator>> BindRabbitmqExtract(const BindContext& ctx) {
  LD_ASSIGN_OR_RETURN(RabbitPlan plan, ReadPlan(ctx.cfg()));
  LD_ASSIGN_OR_RETURN(SchemaPtr body, SchemaFromColumnsOption(ctx.cfg()));
  if (body == nullptr) {
    if (ctx.connections == nullptr || !ctx.can_touch_data) {
      return std::unique_ptr<Operator>(new RabbitmqExtractOperator(std::move(plan), MakeSchema({}), MakeSchema({})));
    }
    LD_ASSIGN_OR_RETURN(body, InferFromQueue(plan, ctx.connections));
  }
  LD_ASSIGN_OR_RETURN(SchemaPtr output, WithMetadata(*body, plan));
  return std::unique_ptr<Operator>(new RabbitmqExtractOperator(std::move(plan), std::move(body), std::move(output)));
}

constexpr const char* kDetails = R"md(**Reading.** The node consumes `queue` (basic.consume) with at most `prefetch` deliveries pushed ahead of processing — a window that slides forward, since nothing is acknowledged before the loads commit (unlimited past 65,535 unacknowledged messages) — and stops when no message came for `idle_timeout_ms`, when `max_rows` rows were read (checked between messages: a message's rows are never split), or after `max_seconds`. Each message body is JSON — one object, an array of objects, or the records at the dotted `record_path`; nested objects become dotted columns — or CSV — one or more records, the first line a header naming the columns unless `csv.header` is false; an empty field is null. `columns` fixes the columns and their types; without it they are inferred at validation from up to `infer_messages` messages taken with basic.get and returned unacknowledged (they come back marked redelivered), and an empty queue is an error that asks for `columns`. `metadata_columns` appends `_message_id`, `_routing_key`, `_exchange`, `_redelivered` and `_timestamp` (the publisher's AMQP timestamp, UTC). A body that does not decode fails the run naming the message (it stays in the queue), or with `bad_messages: "skip"` is logged, acknowledged and dropped.

**Acknowledgement (at least once).** Messages are acknowledged only after every load of the run committed (`AfterCommit`): one `basic.ack` with `multiple` up to the last delivery taken. A run that fails, is cancelled, previewed or killed (even with SIGKILL) acknowledges nothing: the broker delivers those messages again to the next run. Messages the broker pushed beyond the point where the run stopped are not acknowledged either and return to the queue when the session closes.

**Dedupe by message id (effectively once).** With `dedupe` (default on), a message whose AMQP `message-id` was already taken is acknowledged but not loaded: within a run, and across runs through the ids of the last `dedupe_window` messages kept in the pipeline state. The state commits with a successful run and is recorded in database loaders' ledgers, so: a redelivery after a run that loaded and committed is dropped; a retry with the same run id whose database load the ledger skips acknowledges exactly the messages that load carried (the rest return to the queue). Limits: messages without a message id are never deduplicated; a duplicate older than the last `dedupe_window` ids is loaded again; a run killed after its loads committed but before it acknowledged makes the next run with a *new* run id load those messages again (at least once; a retry with the same run id is deduplicated when the loader is a database loader with its ledger). [load.rabbitmq](load.rabbitmq.md) gives every message a deterministic id for this.

**Connection** (type `rabbitmq`): `host` and `port` (default 5672) of the broker, `database` = the virtual host (default `/`), `user` (default `guest`) and the password as secret; option `connect_timeout` (seconds). Plain AMQP 0-9-1 (no TLS). On the server the host's addresses must pass the organization's egress rules. In a CLI connections file:

```json
{"connections": {"events": {"type": "rabbitmq", "host": "mq.internal", "port": 5672, "database": "/",
  "user": "etl", "secret_env": "MQ_PASSWORD"}}}
```)md";

}  // namespace

ModuleDescriptor RabbitmqExtractModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kExtract;
  d.name = "rabbitmq";
  d.connection_types = {"rabbitmq"};
  d.summary = "Consumes messages from a RabbitMQ queue.";
  d.description =
      "Reads JSON or CSV messages from a queue until it is idle, a row limit or a time limit, and acknowledges them "
      "only after the run's loads committed (at least once); repeated message ids are dropped (effectively once).";
  d.category = "messaging";
  d.icon = "api";
  d.outputs = {{"out", "One row per record of each message"}};
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1}, {"description", "Name of a saved RabbitMQ connection."}}},
      {"queue", {{"type", "string"}, {"title", "Queue"}, {"minLength", 1}, {"maxLength", 255}, {"description", "Queue to consume (it must exist)."}}},
      {"columns", {{"type", "object"}, {"title", "Columns"}, {"additionalProperties", {{"type", "string"}}}, {"default", nlohmann::json::object()},
                   {"description", "Column name → type (int64, float64, string, bool, date, timestamp, decimal(p,s)); empty = infer from the first messages."}}},
      {"metadata_columns", {{"type", "array"}, {"title", "Metadata columns"}, {"default", nlohmann::json::array()},
                            {"items", {{"type", "string"}, {"enum", {"message_id", "routing_key", "exchange", "redelivered", "timestamp"}}}},
                            {"description", "Message properties to add as _message_id, _routing_key, _exchange, _redelivered, _timestamp."}}},
      {"prefetch", {{"type", "integer"}, {"title", "Prefetch"}, {"minimum", 1}, {"maximum", 65535}, {"default", 500},
                    {"description", "Deliveries the broker may push ahead of processing (a sliding basic.qos window)."}}},
      {"idle_timeout_ms", {{"type", "integer"}, {"title", "Idle timeout (ms)"}, {"minimum", 1}, {"default", 1000},
                           {"description", "Stop once no message arrived for this long."}}},
      {"max_rows", {{"type", "integer"}, {"title", "Max rows"}, {"minimum", 1}, {"default", 1000000}, {"description", "Stop after this many rows (whole messages)."}}},
      {"max_seconds", {{"type", "integer"}, {"title", "Max seconds"}, {"minimum", 1}, {"maximum", 86400}, {"default", 300},
                       {"description", "Stop reading after this long."}}},
      {"batch_rows", {{"type", "integer"}, {"title", "Rows per batch"}, {"minimum", 1}, {"default", kTargetBatchRows}, {"description", "Rows per output batch."}}},
      {"dedupe", {{"type", "boolean"}, {"title", "Dedupe by message id"}, {"default", true},
                  {"description", "Do not load a message whose message id was already taken (this run or the last dedupe_window ids)."}}},
      {"dedupe_window", {{"type", "integer"}, {"title", "Dedupe window"}, {"minimum", 1}, {"maximum", 10000000}, {"default", 100000},
                         {"description", "How many recent message ids the pipeline state keeps."}}},
      {"bad_messages", {{"type", "string"}, {"title", "Undecodable messages"}, {"enum", {"fail", "skip"}}, {"default", "fail"},
                        {"description", "fail: the run fails and the message stays queued; skip: log, acknowledge and drop it."}}},
      {"infer_messages", {{"type", "integer"}, {"title", "Messages to infer from"}, {"minimum", 1}, {"maximum", 10000}, {"default", 20},
                          {"description", "Messages sampled (and returned to the queue) to infer columns when none are given."}}},
  };
  props.update(RabbitmqBodyProperties());
  d.config_schema = {{"type", "object"}, {"required", {"connection", "queue"}}, {"additionalProperties", false}, {"properties", props}};
  d.factory = BindRabbitmqExtract;
  d.description += "\n\n";
  d.description += kDetails;
  return d;
}

}  // namespace logidata
