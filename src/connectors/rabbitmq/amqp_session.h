// AmqpSession: one AMQP 0-9-1 connection to a RabbitMQ broker (rabbitmq-c) with one channel,
// for extract.rabbitmq, load.rabbitmq and "test connection". Errors say what failed in words a
// user can act on — unreachable (Unavailable), login refused (Unauthenticated), virtual host or
// queue missing (NotFound), no rights (PermissionDenied) — and never include the password.
//
// Connection fields: host (default 127.0.0.1), port (default 5672), database = virtual host
// (default "/"), user (default "guest"), secret = password; options connect_timeout (seconds,
// default 10). With an egress policy (server mode) the host's addresses are checked and the
// session connects to the checked address.
//
// Heartbeats are off: an extract keeps its session open, without reading, until the run's loads
// committed (its acknowledgements need the same channel), which may take longer than any
// heartbeat interval. A dead peer is still noticed at the next read or write.
//
// Closing the session (destructor) closes the channel: every delivery not acknowledged goes back
// to its queue. Not thread-safe: one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <amqp.h>

#include "common/result.h"
#include "module/connection.h"

namespace logidata {

// One message taken from a queue.
struct AmqpDelivery {
  uint64_t delivery_tag = 0;
  bool redelivered = false;
  std::string exchange, routing_key;
  std::optional<std::string> message_id;
  std::optional<uint64_t> timestamp;  // seconds since the epoch, when the publisher set one
  std::string body;
};

// A message to publish.
struct AmqpOutgoing {
  std::string_view routing_key;
  std::string_view message_id;  // empty: none
  std::string_view body;
  uint64_t timestamp = 0;       // seconds since the epoch; 0: none
};

class AmqpSession {
 public:
  // Connects, logs in and opens channel 1. `what` names the caller in errors ("extract.rabbitmq").
  static Result<std::unique_ptr<AmqpSession>> Connect(const ConnectionConfig& config, const std::string& what);
  ~AmqpSession();
  AmqpSession(const AmqpSession&) = delete;
  AmqpSession& operator=(const AmqpSession&) = delete;

  // The queue's ready message count; NotFound when the queue does not exist.
  Result<uint32_t> CheckQueue(const std::string& queue);
  // Declares a durable queue (idempotent). The connector never declares queues; tests and tools do.
  Status DeclareQueue(const std::string& queue);
  // NotFound when the exchange does not exist ("" is the default exchange, always there).
  Status CheckExchange(const std::string& exchange);

  // --- consuming ---
  Status StartConsuming(const std::string& queue, int prefetch);
  // Changes the consumer's window of unacknowledged deliveries (basic.qos); 0 = unlimited.
  // Deliveries that arrive while waiting for the broker's answer are kept for NextDelivery.
  Status SetPrefetch(int prefetch);
  // The next delivery, waiting at most `timeout_ms`; nullopt when none came in time.
  Result<std::optional<AmqpDelivery>> NextDelivery(int timeout_ms);
  // basic.get: one message without waiting (nullopt when the queue is empty). Unacknowledged.
  Result<std::optional<AmqpDelivery>> Get(const std::string& queue);
  Status Ack(uint64_t delivery_tag, bool multiple);

  // --- publishing with confirms ---
  Status EnableConfirms();
  // Publishes persistent (delivery mode 2) or transient messages with `content_type`; mandatory:
  // an unroutable message comes back and fails WaitForConfirms.
  Status Publish(const std::string& exchange, const AmqpOutgoing& message, std::string_view content_type,
                 bool persistent, bool mandatory);
  // Waits until the broker confirmed every message published so far (at most `timeout_ms`, checking
  // `cancelled`). A nack or a returned (unroutable) message is an error.
  Status WaitForConfirms(int timeout_ms, const std::atomic<bool>* cancelled);
  uint64_t published() const { return published_; }

  const std::string& where() const { return where_; }

 private:
  AmqpSession(amqp_connection_state_t conn, std::string where) : conn_(conn), where_(std::move(where)) {}
  // OK for a normal reply, else the broker's or the library's error for `doing`. A channel
  // error closes the channel; this session is then unusable (callers fail the run).
  Status Check(const amqp_rpc_reply_t& reply, std::string_view doing);
  Status ReadDelivery(const amqp_envelope_t& envelope, AmqpDelivery* out) const;

  amqp_connection_state_t conn_;
  std::string where_;
  bool channel_open_ = false;
  bool broken_ = false;      // the connection failed: skip the close handshake
  uint64_t published_ = 0;   // publish sequence numbers handed out (confirm mode)
  uint64_t confirmed_ = 0;   // every sequence number up to this one is confirmed
};

}  // namespace logidata
