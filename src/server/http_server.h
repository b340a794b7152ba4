// HttpServer: the network front of `logidata server` — HTTP/1.1 with keep-alive and WebSocket
// upgrades on Boost.Beast, one io_context run by N threads, one coroutine per connection. It only
// moves bytes: every request becomes an HttpRequest handed to an HttpHandler (which does routing,
// auth, headers, logging), and every WebSocket to a WsHandler. This is the only translation unit
// that includes Beast (it compiles slowly). Start/Stop are called from one thread; handlers are
// called concurrently from the network threads (or the blocking pool for slow requests).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "server/http_types.h"

namespace logidata {

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual HttpResponse Handle(HttpRequest& request) = 0;
  // True when the request may take long (preview, run, test a connection): it then runs on the
  // blocking pool so network threads keep serving.
  virtual bool IsSlow(const HttpRequest& request) const = 0;
  // The response for a body over the limit or a malformed request line.
  virtual HttpResponse Reject(HttpRequest& request, int status, const std::string& detail) = 0;
};

// What a WebSocket connection can do to its peer. Thread-safe: Send may be called from any thread.
class WsSink {
 public:
  virtual ~WsSink() = default;
  virtual void Send(std::string text) = 0;
  virtual void Close() = 0;
};

// One WebSocket connection's logic. Calls come from the connection's strand, one at a time.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  virtual void OnMessage(const std::string& text) = 0;
  virtual void OnClose() = 0;
};

class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual std::unique_ptr<WsConnection> Open(std::shared_ptr<WsSink> sink, const HttpRequest& upgrade) = 0;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;           // 0 = any free port
  int threads = 0;           // 0 = all cores
  int blocking_threads = 8;  // pool for slow requests
  int64_t max_body_bytes = 8 << 20;
  int idle_timeout_seconds = 60;
  // Once a request's first byte arrives, its header must be complete within this: a client that
  // trickles header bytes (slow loris) cannot hold a connection for the whole idle timeout.
  int header_timeout_seconds = 10;
  // Open connections (WebSockets included) at once; more are answered 503 and closed. 0 = no cap.
  int max_connections = 1024;
  int drain_seconds = 10;    // graceful shutdown: wait this long for requests in flight
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler* http, WsHandler* ws);
  ~HttpServer();

  // Binds and listens. REQUIRES: called once, before Run.
  Status Listen();
  int port() const;
  // Serves until Stop() or SIGINT/SIGTERM (when handle_signals), then drains requests in flight.
  void Run(bool handle_signals);
  // Asks Run to return; safe from any thread and from signal context of the io threads.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace logidata
