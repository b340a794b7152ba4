#include "connectors/rabbitmq/amqp_session.h"

#include <amqp_tcp_socket.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "net/egress_resolver.h"

namespace logidata {

namespace {

constexpr amqp_channel_t kChannel = 1;

amqp_bytes_t Bytes(std::string_view s) { return amqp_bytes_t{s.size(), const_cast<char*>(s.data())}; }
std::string Text(const amqp_bytes_t& b) { return std::string(static_cast<const char*>(b.bytes), b.len); }

timeval Millis(int ms) { return timeval{ms / 1000, (ms % 1000) * 1000}; }

int OptionInt(const nlohmann::json& options, const char* key, int fallback) {
  if (!options.is_object() || !options.contains(key)) return fallback;
  const auto& v = options[key];
  if (v.is_number_integer()) return v.get<int>();
  if (v.is_string()) {
    try {
      return std::stoi(v.get<std::string>());
    } catch (...) {
    }
  }
  return fallback;
}

// A broker's reply code (AMQP 0-9-1 constants) as a status for `message`.
Status BrokerStatus(int code, const std::string& message) {
  switch (code) {
    case AMQP_NOT_FOUND: return Status::NotFound(message);
    case AMQP_ACCESS_REFUSED:
    case AMQP_NOT_ALLOWED: return Status::PermissionDenied(message);
    case AMQP_PRECONDITION_FAILED:
    case AMQP_RESOURCE_LOCKED: return Status::Conflict(message);
    case AMQP_CONNECTION_FORCED:
    case AMQP_RESOURCE_ERROR: return Status::Unavailable(message);
    default: return Status::IOError(message);
  }
}

}  // namespace

Result<std::unique_ptr<AmqpSession>> AmqpSession::Connect(const ConnectionConfig& config, const std::string& what) {
  const std::string host = config.host.empty() ? "127.0.0.1" : config.host;
  const int port = config.port == 0 ? 5672 : config.port;
  const std::string vhost = config.database.empty() ? "/" : config.database;
  const std::string user = config.user.empty() ? "guest" : config.user;
  const std::string where = what + ": RabbitMQ connection '" + config.name + "' (" + host + ":" + std::to_string(port) + ")";
  std::string connect_host = host;
  if (config.egress != nullptr) {
    LD_ASSIGN_OR_RETURN(auto addresses,
                        ResolveForEgress(host, port, *config.egress, "RabbitMQ connection '" + config.name + "'"));
    connect_host = addresses.front();  // the checked address, not a name that could be rebound
  }
  amqp_connection_state_t conn = amqp_new_connection();
  if (conn == nullptr) return Status::ResourceExhausted(where + ": out of memory");
  std::unique_ptr<AmqpSession> session(new AmqpSession(conn, where));
  amqp_socket_t* socket = amqp_tcp_socket_new(conn);
  if (socket == nullptr) return Status::ResourceExhausted(where + ": cannot create a socket");
  const int timeout_s = std::max(1, OptionInt(config.options, "connect_timeout", 10));
  timeval connect_timeout{timeout_s, 0};
  int rc = amqp_socket_open_noblock(socket, connect_host.c_str(), port, &connect_timeout);
  if (rc != AMQP_STATUS_OK) {
    session->broken_ = true;
    return Status::Unavailable(where + ": cannot connect: " + amqp_error_string2(rc));
  }
  (void)amqp_set_handshake_timeout(conn, &connect_timeout);
  timeval rpc_timeout{std::max(timeout_s, 30), 0};
  (void)amqp_set_rpc_timeout(conn, &rpc_timeout);
  amqp_rpc_reply_t login = amqp_login(conn, vhost.c_str(), 0, 131072, /*heartbeat=*/0, AMQP_SASL_METHOD_PLAIN,
                                      user.c_str(), config.secret.c_str());
  if (login.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && login.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_connection_close_t*>(login.reply.decoded);
    const std::string text = Text(close->reply_text);
    session->broken_ = true;
    if (close->reply_code == AMQP_ACCESS_REFUSED) {
      return Status::Unauthenticated(where + ": login refused for user '" + user + "' (" + text + ")");
    }
    if (close->reply_code == AMQP_NOT_ALLOWED) {
      return Status::PermissionDenied(where + ": virtual host '" + vhost + "' is missing or not open to user '" + user +
                                      "' (" + text + ")");
    }
    return BrokerStatus(close->reply_code, where + ": login failed: " + text);
  }
  if (login.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
    session->broken_ = true;
    // RabbitMQ drops the socket without a reason when a client does not announce
    // authentication_failure_close; the usual cause is a wrong user or password.
    if (login.library_error == AMQP_STATUS_CONNECTION_CLOSED || login.library_error == AMQP_STATUS_SOCKET_CLOSED) {
      return Status::Unauthenticated(where + ": the broker closed the connection during login (wrong user or password?)");
    }
    return Status::Unavailable(where + ": login failed: " + amqp_error_string2(login.library_error));
  }
  LD_RETURN_IF_ERROR(session->Check(login, "login"));
  amqp_channel_open(conn, kChannel);
  LD_RETURN_IF_ERROR(session->Check(amqp_get_rpc_reply(conn), "opening a channel"));
  session->channel_open_ = true;
  return session;
}

AmqpSession::~AmqpSession() {
  if (!broken_) {
    if (channel_open_) (void)amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
    (void)amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(conn_);
}

Status AmqpSession::Check(const amqp_rpc_reply_t& reply, std::string_view doing) {
  const std::string prefix = where_ + ": " + std::string(doing);
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return Status::OK();
    case AMQP_RESPONSE_NONE: broken_ = true; return Status::Internal(prefix + ": no reply from the client library");
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      broken_ = true;
      if (reply.library_error == AMQP_STATUS_TIMEOUT) return Status::Unavailable(prefix + ": the broker did not answer in time");
      return Status::Unavailable(prefix + ": connection lost: " + amqp_error_string2(reply.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION: break;
  }
  if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
    amqp_channel_close_ok_t ok{};
    (void)amqp_send_method(conn_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    channel_open_ = false;
    return BrokerStatus(close->reply_code, prefix + ": " + Text(close->reply_text));
  }
  if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
    amqp_connection_close_ok_t ok{};
    (void)amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
    broken_ = true;
    return BrokerStatus(close->reply_code, prefix + ": the broker closed the connection: " + Text(close->reply_text));
  }
  return Status::IOError(prefix + ": unexpected reply " + amqp_method_name(reply.reply.id));
}

Result<uint32_t> AmqpSession::CheckQueue(const std::string& queue) {
  amqp_queue_declare_ok_t* ok =
      amqp_queue_declare(conn_, kChannel, Bytes(queue), /*passive=*/1, 0, 0, 0, amqp_empty_table);
  Status s = Check(amqp_get_rpc_reply(conn_), "checking queue '" + queue + "'");
  if (!s.ok()) {
    if (s.IsNotFound()) return Status::NotFound(where_ + ": queue '" + queue + "' does not exist");
    return s;
  }
  return ok->message_count;
}

Status AmqpSession::DeclareQueue(const std::string& queue) {
  amqp_queue_declare(conn_, kChannel, Bytes(queue), /*passive=*/0, /*durable=*/1, 0, 0, amqp_empty_table);
  return Check(amqp_get_rpc_reply(conn_), "declaring queue '" + queue + "'");
}

Status AmqpSession::CheckExchange(const std::string& exchange) {
  if (exchange.empty()) return Status::OK();
  amqp_exchange_declare(conn_, kChannel, Bytes(exchange), Bytes("direct"), /*passive=*/1, 0, 0, 0, amqp_empty_table);
  Status s = Check(amqp_get_rpc_reply(conn_), "checking exchange '" + exchange + "'");
  if (s.IsNotFound()) return Status::NotFound(where_ + ": exchange '" + exchange + "' does not exist");
  return s;
}

Status AmqpSession::SetPrefetch(int prefetch) {
  // global = 1: RabbitMQ applies a per-consumer limit only to consumers started after it, while
  // the channel's limit (our one consumer's) changes at once.
  amqp_basic_qos(conn_, kChannel, 0, static_cast<uint16_t>(std::clamp(prefetch, 0, 65535)), /*global=*/1);
  return Check(amqp_get_rpc_reply(conn_), "setting the prefetch count");
}

Status AmqpSession::StartConsuming(const std::string& queue, int prefetch) {
  LD_RETURN_IF_ERROR(SetPrefetch(std::max(prefetch, 1)));
  amqp_basic_consume(conn_, kChannel, Bytes(queue), amqp_empty_bytes, /*no_local=*/0, /*no_ack=*/0, /*exclusive=*/0,
                     amqp_empty_table);
  Status s = Check(amqp_get_rpc_reply(conn_), "consuming queue '" + queue + "'");
  if (s.IsNotFound()) return Status::NotFound(where_ + ": queue '" + queue + "' does not exist");
  return s;
}

Status AmqpSession::ReadDelivery(const amqp_envelope_t& envelope, AmqpDelivery* out) const {
  out->delivery_tag = envelope.delivery_tag;
  out->redelivered = envelope.redelivered != 0;
  out->exchange = Text(envelope.exchange);
  out->routing_key = Text(envelope.routing_key);
  const amqp_basic_properties_t& p = envelope.message.properties;
  out->message_id.reset();
  if ((p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0) out->message_id = Text(p.message_id);
  out->timestamp.reset();
  if ((p._flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0) out->timestamp = p.timestamp;
  out->body = Text(envelope.message.body);
  return Status::OK();
}

Result<std::optional<AmqpDelivery>> AmqpSession::NextDelivery(int timeout_ms) {
  amqp_maybe_release_buffers(conn_);
  amqp_envelope_t envelope;
  timeval timeout = Millis(timeout_ms);
  amqp_rpc_reply_t r = amqp_consume_message(conn_, &envelope, &timeout, 0);
  if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT) {
    return std::optional<AmqpDelivery>();
  }
  if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // Something other than a delivery: the broker cancelled the consumer (queue deleted) or is
    // closing the channel or the connection.
    amqp_frame_t frame;
    if (amqp_simple_wait_frame(conn_, &frame) != AMQP_STATUS_OK) {
      broken_ = true;
      return Status::Unavailable(where_ + ": connection lost while consuming");
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) return std::optional<AmqpDelivery>();
    amqp_rpc_reply_t server{};
    server.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION;
    server.reply = frame.payload.method;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_CANCEL_METHOD:
        return Status::Unavailable(where_ + ": the broker cancelled the consumer (was the queue deleted?)");
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD: return Check(server, "consuming");
      default: return std::optional<AmqpDelivery>();
    }
  }
  LD_RETURN_IF_ERROR(Check(r, "consuming"));
  AmqpDelivery d;
  Status s = ReadDelivery(envelope, &d);
  amqp_destroy_envelope(&envelope);
  LD_RETURN_IF_ERROR(s);
  return std::optional<AmqpDelivery>(std::move(d));
}

Result<std::optional<AmqpDelivery>> AmqpSession::Get(const std::string& queue) {
  amqp_maybe_release_buffers(conn_);
  amqp_rpc_reply_t r = amqp_basic_get(conn_, kChannel, Bytes(queue), /*no_ack=*/0);
  Status s = Check(r, "reading queue '" + queue + "'");
  if (s.IsNotFound()) return Status::NotFound(where_ + ": queue '" + queue + "' does not exist");
  LD_RETURN_IF_ERROR(s);
  if (r.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return std::optional<AmqpDelivery>();
  const auto* ok = static_cast<const amqp_basic_get_ok_t*>(r.reply.decoded);
  amqp_envelope_t envelope{};
  envelope.delivery_tag = ok->delivery_tag;
  envelope.redelivered = ok->redelivered;
  envelope.exchange = ok->exchange;
  envelope.routing_key = ok->routing_key;
  LD_RETURN_IF_ERROR(Check(amqp_read_message(conn_, kChannel, &envelope.message, 0), "reading a message"));
  AmqpDelivery d;
  s = ReadDelivery(envelope, &d);
  amqp_destroy_message(&envelope.message);
  LD_RETURN_IF_ERROR(s);
  return std::optional<AmqpDelivery>(std::move(d));
}

Status AmqpSession::Ack(uint64_t delivery_tag, bool multiple) {
  int rc = amqp_basic_ack(conn_, kChannel, delivery_tag, multiple ? 1 : 0);
  if (rc != AMQP_STATUS_OK) {
    broken_ = true;
    return Status::Unavailable(where_ + ": acknowledging messages failed: " + amqp_error_string2(rc));
  }
  return Status::OK();
}

Status AmqpSession::EnableConfirms() {
  amqp_confirm_select_t request{};
  amqp_simple_rpc_decoded(conn_, kChannel, AMQP_CONFIRM_SELECT_METHOD, AMQP_CONFIRM_SELECT_OK_METHOD, &request);
  return Check(amqp_get_rpc_reply(conn_), "enabling publisher confirms");
}

Status AmqpSession::Publish(const std::string& exchange, const AmqpOutgoing& message, std::string_view content_type,
                            bool persistent, bool mandatory) {
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.content_type = Bytes(content_type);
  props.delivery_mode = persistent ? 2 : 1;
  if (!message.message_id.empty()) {
    props._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
    props.message_id = Bytes(message.message_id);
  }
  if (message.timestamp != 0) {
    props._flags |= AMQP_BASIC_TIMESTAMP_FLAG;
    props.timestamp = message.timestamp;
  }
  int rc = amqp_basic_publish(conn_, kChannel, Bytes(exchange), Bytes(message.routing_key), mandatory ? 1 : 0, 0, &props,
                              Bytes(message.body));
  if (rc != AMQP_STATUS_OK) {
    broken_ = true;
    return Status::Unavailable(where_ + ": publishing failed after " + std::to_string(confirmed_) +
                               " confirmed messages: " + amqp_error_string2(rc));
  }
  ++published_;
  return Status::OK();
}

Status AmqpSession::WaitForConfirms(int timeout_ms, const std::atomic<bool>* cancelled) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::set<uint64_t> confirmed_ahead;  // single confirms above confirmed_ (they may come out of order)
  auto confirm = [&](uint64_t tag, bool multiple) {
    if (multiple) {
      confirmed_ = std::max(confirmed_, tag);
      confirmed_ahead.erase(confirmed_ahead.begin(), confirmed_ahead.upper_bound(confirmed_));
    } else if (tag > confirmed_) {
      confirmed_ahead.insert(tag);
    }
    while (!confirmed_ahead.empty() && *confirmed_ahead.begin() == confirmed_ + 1) {
      confirmed_ = *confirmed_ahead.begin();
      confirmed_ahead.erase(confirmed_ahead.begin());
    }
  };
  while (confirmed_ < published_) {
    if (cancelled != nullptr && cancelled->load()) return Status::Cancelled("run cancelled while waiting for publisher confirms");
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable(where_ + ": the broker confirmed " + std::to_string(confirmed_) + " of " +
                                 std::to_string(published_) + " messages within " + std::to_string(timeout_ms) + " ms");
    }
    amqp_frame_t frame;
    timeval poll = Millis(200);
    int rc = amqp_simple_wait_frame_noblock(conn_, &frame, &poll);
    if (rc == AMQP_STATUS_TIMEOUT) continue;
    if (rc != AMQP_STATUS_OK) {
      broken_ = true;
      return Status::Unavailable(where_ + ": connection lost after " + std::to_string(confirmed_) + " of " +
                                 std::to_string(published_) + " messages were confirmed: " + amqp_error_string2(rc));
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
        confirm(ack->delivery_tag, ack->multiple != 0);
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
        return Status::Unavailable(where_ + ": the broker refused message " + std::to_string(nack->delivery_tag) +
                                   " of this publish (nack); " + std::to_string(confirmed_) + " messages were confirmed");
      }
      case AMQP_BASIC_RETURN_METHOD: {
        const auto* ret = static_cast<const amqp_basic_return_t*>(frame.payload.method.decoded);
        std::string message = where_ + ": a message to exchange '" + Text(ret->exchange) + "' with routing key '" +
                              Text(ret->routing_key) + "' was returned (" + Text(ret->reply_text) +
                              ": no queue is bound for it); " + std::to_string(confirmed_) + " messages were confirmed";
        amqp_message_t returned{};
        if (amqp_read_message(conn_, frame.channel, &returned, 0).reply_type == AMQP_RESPONSE_NORMAL) {
          amqp_destroy_message(&returned);
        }
        return Status::DataError(message);
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD: {
        amqp_rpc_reply_t server{};
        server.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION;
        server.reply = frame.payload.method;
        return Check(server, "publishing (" + std::to_string(confirmed_) + " messages were confirmed)");
      }
      default: break;
    }
    amqp_maybe_release_buffers(conn_);
  }
  return Status::OK();
}

}  // namespace logidata
