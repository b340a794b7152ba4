#include "connectors/rabbitmq/rabbitmq_load.h"

#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>

#include "connectors/connection_lookup.h"
#include "connectors/rabbitmq/amqp_session.h"
#include "connectors/rabbitmq/message_body.h"
#include "connectors/value_text.h"

namespace logidata {

namespace {

constexpr char kModule[] = "load.rabbitmq";

struct RabbitLoadPlan {
  std::string connection, exchange, routing_key;
  int routing_key_column = -1;  // index into the input, or -1 for the fixed routing_key
  int message_id_column = -1;   // index into the input, or -1 for generated ids
  BodyOptions body;
  bool persistent = true;
  bool mandatory = true;
  int64_t confirm_batch = 1000;
  int confirm_timeout_ms = 60'000;
};

// The spool holds one record per message: three length-prefixed strings (routing key, message
// id, body).
void AppendField(std::string_view s, std::string* out) {
  uint32_t n = static_cast<uint32_t>(s.size());
  out->append(reinterpret_cast<const char*>(&n), sizeof n);
  out->append(s);
}

bool ReadField(std::istream& in, std::string* out) {
  uint32_t n = 0;
  if (!in.read(reinterpret_cast<char*>(&n), sizeof n)) return false;
  out->resize(n);
  return static_cast<bool>(in.read(out->data(), n));
}

class RabbitmqLoadOperator final : public Operator {
 public:
  RabbitmqLoadOperator(RabbitLoadPlan plan, SchemaPtr input)
      : plan_(std::move(plan)), input_(std::move(input)), encoder_(plan_.body, input_, AllColumns(*input_)) {}

  bool EmitsOnConsume(int) const override { return false; }
  // Rows numbered in input order, so a retried run gives each row the same generated message id.
  bool RequiresOrderedInput(int) const override { return true; }

  Status Open(ExecContext& ctx) override {
    ctx_ = &ctx;
    LD_ASSIGN_OR_RETURN(config_, LookupConnection(ctx.connections, plan_.connection, {"rabbitmq"}));
    {
      // Check now, so a wrong address, password or exchange fails the run before any work. The
      // publishing session is opened in Commit: an idle connection held through a long run could
      // be dropped by the network in between.
      LD_ASSIGN_OR_RETURN(auto probe, AmqpSession::Connect(config_, kModule));
      Status exchange = probe->CheckExchange(plan_.exchange);
      if (!exchange.ok()) return exchange.IsNotFound() ? ConfigError("/exchange", exchange.message()) : exchange;
    }
    std::filesystem::path dir = ctx.spill_dir.empty() ? std::filesystem::temp_directory_path() : ctx.spill_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    spool_path_ = dir / ("rabbitmq-load-" + ctx.node_id + "-" + std::to_string(std::random_device{}()) + ".spool");
    spool_.open(spool_path_, std::ios::binary | std::ios::trunc);
    if (!spool_) return Status::IOError(std::string(kModule) + ": cannot create spool file " + spool_path_.string());
    return Status::OK();
  }

  Status Consume(int, const BatchPtr& batch, OperatorState*, Emitter&) override {
    const Batch& b = *batch;
    std::string records, body;
    for (int64_t row = 0; row < b.num_rows(); ++row) {
      const int64_t number = rows_ + row + 1;
      std::string key = plan_.routing_key;
      if (plan_.routing_key_column >= 0) {
        LD_ASSIGN_OR_RETURN(key, CellOrError(b, plan_.routing_key_column, row, number, "routing key"));
        if (key.size() > 255) return RowError(number, "its routing key is longer than 255 bytes");
      }
      std::string id;
      if (plan_.message_id_column >= 0) {
        LD_ASSIGN_OR_RETURN(id, CellOrError(b, plan_.message_id_column, row, number, "message id"));
        if (id.size() > 255) return RowError(number, "its message id is longer than 255 bytes");
      } else {
        id = GeneratedId(number);
      }
      encoder_.Encode(b, row, &body);
      AppendField(key, &records);
      AppendField(id, &records);
      AppendField(body, &records);
    }
    spool_.write(records.data(), static_cast<std::streamsize>(records.size()));
    if (!spool_) return Status::IOError(std::string(kModule) + ": cannot write spool file " + spool_path_.string());
    rows_ += b.num_rows();
    return Status::OK();
  }

  Status Commit() override {
    spool_.close();
    std::ifstream in(spool_path_, std::ios::binary);
    if (!in) return Status::IOError(std::string(kModule) + ": cannot read spool file " + spool_path_.string());
    LD_ASSIGN_OR_RETURN(session_, AmqpSession::Connect(config_, kModule));
    LD_RETURN_IF_ERROR(session_->EnableConfirms());
    const std::string_view content_type = BodyContentType(plan_.body.format);
    std::string key, id, body;
    int64_t since_wait = 0;
    const auto published_at = static_cast<uint64_t>(std::time(nullptr));
    while (ReadField(in, &key) && ReadField(in, &id) && ReadField(in, &body)) {
      LD_RETURN_IF_ERROR(ctx_->CheckCancelled());
      LD_RETURN_IF_ERROR(session_->Publish(plan_.exchange, AmqpOutgoing{key, id, body, published_at}, content_type,
                                           plan_.persistent, plan_.mandatory));
      if (++since_wait >= plan_.confirm_batch) {
        LD_RETURN_IF_ERROR(session_->WaitForConfirms(plan_.confirm_timeout_ms, ctx_->cancelled));
        since_wait = 0;
      }
    }
    LD_RETURN_IF_ERROR(session_->WaitForConfirms(plan_.confirm_timeout_ms, ctx_->cancelled));
    ctx_->Log(LogLevel::kInfo, "published " + std::to_string(session_->published()) + " messages to " +
                                   (plan_.exchange.empty() ? std::string("the default exchange") : "exchange '" + plan_.exchange + "'") +
                                   ", all confirmed by the broker");
    session_.reset();
    RemoveSpool();
    return Status::OK();
  }

  void Abort() override {
    if (spool_.is_open()) spool_.close();
    RemoveSpool();
    session_.reset();
  }

 private:
  static std::vector<int> AllColumns(const Schema& schema) {
    std::vector<int> columns;
    for (int c = 0; c < schema.num_fields(); ++c) columns.push_back(c);
    return columns;
  }

  Status RowError(int64_t number, const std::string& what) const {
    return Status::DataError(std::string(kModule) + ": row " + std::to_string(number) + ": " + what);
  }

  Result<std::string> CellOrError(const Batch& b, int column, int64_t row, int64_t number, const char* what) const {
    const Column& col = *b.column(column);
    if (col.IsNull(row)) {
      return RowError(number, std::string("its ") + what + " (column '" + input_->field(column).name + "') is null");
    }
    return CellText(col, row);
  }

  // Stable across attempts of the run (same run id, same input order).
  std::string GeneratedId(int64_t number) const {
    std::string id = ctx_->run_id + "-" + ctx_->node_id + "-" + std::to_string(number);
    return id.size() > 255 ? id.substr(id.size() - 255) : id;
  }

  void RemoveSpool() {
    std::error_code ec;
    if (!spool_path_.empty()) std::filesystem::remove(spool_path_, ec);
  }

  RabbitLoadPlan plan_;
  SchemaPtr input_;
  MessageEncoder encoder_;
  ExecContext* ctx_ = nullptr;
  ConnectionConfig config_;
  std::unique_ptr<AmqpSession> session_;  // open during Commit
  std::filesystem::path spool_path_;
  std::ofstream spool_;
  int64_t rows_ = 0;
};

Result<int> InputColumn(const BindContext& ctx, const char* key) {
  const std::string name = ctx.cfg().value(key, std::string());
  if (name.empty()) return -1;
  int c = ctx.input_schemas[0]->FieldIndex(name);
  if (c < 0) return ConfigError(std::string("/") + key, "the input has no column '" + name + "'");
  return c;
}

Result<std::unique_ptr<Operator>> BindRabbitmqLoad(const BindContext& ctx) {
  if (ctx.input_schemas.empty() || ctx.input_schemas[0] == nullptr) return Status::InvalidArgument("load.rabbitmq needs an input");
  const auto& cfg = ctx.cfg();
  RabbitLoadPlan p;
  p.connection = cfg.value("connection", std::string());
  if (p.connection.empty()) return ConfigError("/connection", "a connection name is required");
  p.exchange = cfg.value("exchange", std::string());
  if (p.exchange.size() > 255) return ConfigError("/exchange", "an exchange name has at most 255 bytes");
  p.routing_key = cfg.value("routing_key", std::string());
  if (p.routing_key.size() > 255) return ConfigError("/routing_key", "a routing key has at most 255 bytes");
  LD_ASSIGN_OR_RETURN(p.routing_key_column, InputColumn(ctx, "routing_key_column"));
  LD_ASSIGN_OR_RETURN(p.message_id_column, InputColumn(ctx, "message_id_column"));
  if (p.exchange.empty() && p.routing_key.empty() && p.routing_key_column < 0) {
    return ConfigError("/routing_key", "set routing_key (with the default exchange: the queue's name) or routing_key_column");
  }
  LD_ASSIGN_OR_RETURN(p.body, ParseBodyOptions(cfg));
  p.persistent = cfg.value("persistent", true);
  p.mandatory = cfg.value("mandatory", true);
  p.confirm_batch = cfg.value("confirm_batch", p.confirm_batch);
  if (p.confirm_batch < 1) return ConfigError("/confirm_batch", "confirm_batch must be at least 1");
  int64_t timeout_s = cfg.value("confirm_timeout_seconds", int64_t{60});
  if (timeout_s < 1 || timeout_s > 3600) return ConfigError("/confirm_timeout_seconds", "must be between 1 and 3600");
  p.confirm_timeout_ms = static_cast<int>(timeout_s * 1000);
  return std::unique_ptr<Operator>(new RabbitmqLoadOperator(std::move(p), ctx.input_schemas[0]));
}

constexpr const char* kDetails = R"md(**Publishing.** Rows are spooled to the run's spill folder while the run goes on and published only when the rest of the run succeeded, so a failed or cancelled run publishes nothing. Each row becomes one message: a JSON object of all input columns (decimals as strings, dates and timestamps as ISO text) or one CSV record (after a header line unless `csv.header` is false), published to `exchange` (default: the default exchange, where the routing key is the queue's name) with `routing_key` or the value of `routing_key_column`, delivery mode persistent unless `persistent` is false, `content_type` application/json or text/csv, and the publish time as AMQP timestamp.

**Confirms.** The channel is in confirm mode: after every `confirm_batch` messages and at the end the node waits (at most `confirm_timeout_seconds`) until the broker confirmed each one. A nack, a message returned as unroutable (`mandatory`, default on: no queue is bound for its routing key) or a lost connection fails the run, naming the node and how many messages were confirmed.

**What a failure leaves.** Queues are not transactional: when publishing fails or the process is killed during the publish, the messages confirmed so far stay published (and possibly some sent but unconfirmed). Every message carries a message id: the value of `message_id_column`, or `<run id>-<node id>-<row number>`, identical when the run is retried with the same run id (`logidata run --run-id`, or the orchestrator's retry). A consumer that deduplicates by message id — [extract.rabbitmq](extract.rabbitmq.md) with `dedupe` — therefore loads each row once after such a retry.

**Connection**: as for [extract.rabbitmq](extract.rabbitmq.md) (type `rabbitmq`). The exchange must exist; the user needs write permission on it.)md";

}  // namespace

ModuleDescriptor RabbitmqLoadModule() {
  ModuleDescriptor d;
  d.kind = ModuleKind::kLoad;
  d.name = "rabbitmq";
  d.connection_types = {"rabbitmq"};
  d.summary = "Publishes rows as messages to RabbitMQ.";
  d.description =
      "Publishes each row as a JSON or CSV message to an exchange with publisher confirms, once the rest of the run "
      "succeeded; messages carry deterministic ids so a retried run can be deduplicated downstream.";
  d.category = "messaging";
  d.icon = "api";
  d.inputs = {{"in", "Rows to publish, one message each"}};
  nlohmann::json props = {
      {"connection", {{"type", "string"}, {"title", "Connection"}, {"minLength", 1}, {"description", "Name of a saved RabbitMQ connection."}}},
      {"exchange", {{"type", "string"}, {"title", "Exchange"}, {"default", ""}, {"maxLength", 255},
                    {"description", "Exchange to publish to; empty = the default exchange (routing key = queue name)."}}},
      {"routing_key", {{"type", "string"}, {"title", "Routing key"}, {"default", ""}, {"maxLength", 255},
                       {"description", "Routing key of every message (with the default exchange: the target queue)."}}},
      {"routing_key_column", {{"type", "string"}, {"title", "Routing key column"}, {"default", ""},
                              {"description", "Column whose value is each message's routing key (instead of routing_key)."}}},
      {"message_id_column", {{"type", "string"}, {"title", "Message id column"}, {"default", ""},
                             {"description", "Column whose value is each message's id; empty = <run id>-<node id>-<row number>."}}},
      {"persistent", {{"type", "boolean"}, {"title", "Persistent"}, {"default", true}, {"description", "Delivery mode 2: the broker writes messages to disk."}}},
      {"mandatory", {{"type", "boolean"}, {"title", "Mandatory"}, {"default", true},
                     {"description", "Fail when a message cannot be routed to any queue."}}},
      {"confirm_batch", {{"type", "integer"}, {"title", "Confirm batch"}, {"minimum", 1}, {"default", 1000},
                         {"description", "Messages published before waiting for the broker's confirms."}}},
      {"confirm_timeout_seconds", {{"type", "integer"}, {"title", "Confirm timeout (s)"}, {"minimum", 1}, {"maximum", 3600}, {"default", 60},
                                   {"description", "How long to wait for confirms before failing."}}},
  };
  nlohmann::json body = RabbitmqBodyProperties();
  body.erase("record_path");
  props.update(body);
  d.config_schema = {{"type", "object"}, {"required", {"connection"}}, {"additionalProperties", false}, {"properties", props}};
  d.factory = BindRabbitmqLoad;
  d.description += "\n\n";
  d.description += kDetails;
  return d;
}

}  // namespace logidata
