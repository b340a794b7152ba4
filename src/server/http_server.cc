#include <utility>  // before asio: C++20 coroutine support detection in Boost 1.74

#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <deque>
#include <thread>
#include <vector>

namespace logidata {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

HttpRequest ToRequest(const http::request<http::string_body>& req, const std::string& remote) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  size_t q = out.target.find('?');
  out.path = UrlDecode(std::string_view(out.target).substr(0, q), false);
  if (q != std::string::npos) out.query = ParseQueryString(std::string_view(out.target).substr(q + 1));
  out.headers.reserve(16);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = req.body();
  out.remote_address = remote;
  return out;
}

http::response<http::string_body> ToBeast(HttpResponse&& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "logidata");
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

// A WebSocket peer: writes are queued on the connection's strand, one async_write at a time.
class BeastWsSink final : public WsSink, public std::enable_shared_from_this<BeastWsSink> {
 public:
  explicit BeastWsSink(websocket::stream<beast::tcp_stream>* ws) : ws_(ws), strand_(ws->get_executor()) {}

  void Send(std::string text) override {
    asio::post(strand_, [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_) return;
      if (self->queue_.size() > 10000) return;  // a stalled client must not grow memory forever
      self->queue_.push_back(std::move(text));
      if (!self->writing_) {
        self->writing_ = true;
        asio::co_spawn(self->strand_, self->WriteLoop(self), asio::detached);
      }
    });
  }

  // Messages sent before Close still go out (e.g. the reason a session was revoked), then the
  // socket is shut down.
  void Close() override {
    asio::post(strand_, [self = shared_from_this()] {
      if (self->closed_) return;
      if (self->writing_) {
        self->close_when_drained_ = true;
        return;
      }
      self->Shutdown();
    });
  }

  void Detach() { closed_ = true; }

 private:
  awaitable<void> WriteLoop(std::shared_ptr<BeastWsSink> self) {
    while (!queue_.empty() && !closed_) {
      std::string text = std::move(queue_.front());
      queue_.pop_front();
      beast::error_code ec;
      ws_->text(true);
      co_await ws_->async_write(asio::buffer(text), asio::redirect_error(use_awaitable, ec));
      if (ec) {
        closed_ = true;
        break;
      }
    }
    writing_ = false;
    if (close_when_drained_ && !closed_) Shutdown();
  }

  void Shutdown() {
    closed_ = true;
    beast::error_code ec;
    beast::get_lowest_layer(*ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  websocket::stream<beast::tcp_stream>* ws_;
  asio::any_io_executor strand_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool closed_ = false;
  bool close_when_drained_ = false;
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler* http;
  WsHandler* ws;
  asio::io_context ioc;
  asio::thread_pool blocking;
  tcp::acceptor acceptor{ioc};
  std::atomic<int> in_flight{0};
  std::atomic<int> connections{0};  // sessions open (HTTP and WebSocket)
  std::atomic<int> refusing{0};     // over-the-cap connections being answered 503
  std::atomic<bool> stopping{false};
  int bound_port = 0;

  Impl(HttpServerOptions o, HttpHandler* h, WsHandler* w)
      : options(std::move(o)), http(h), ws(w), ioc(), blocking(std::max(1, options.blocking_threads)) {}

  static bool OutOfResources(const beast::error_code& ec) {
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
           ec == asio::error::no_memory || ec.value() == ENFILE;
  }

  awaitable<void> Accept() {
    bool starved = false;  // accept() is failing for want of descriptors or memory
    while (!stopping) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(ioc), asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || stopping) break;
        // The pending connection stays in the backlog, so retrying at once fails again at once:
        // a busy loop on one network thread. Keep serving the connections we have, and retry
        // after a pause; closing connections frees descriptors meanwhile.
        bool resources = OutOfResources(ec);
        if (resources && !starved) {
          spdlog::warn("cannot accept connections: {} (out of file descriptors?); retrying every 100 ms. {} connections "
                       "open; raise `ulimit -n` or lower --max-connections",
                       ec.message(), connections.load());
        }
        starved = starved || resources;
        asio::steady_timer pause(co_await asio::this_coro::executor,
                                 std::chrono::milliseconds(resources ? 100 : 10));
        co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      if (starved) {
        spdlog::info("accepting connections again ({} open)", connections.load());
        starved = false;
      }
      auto exec = socket.get_executor();
      if (options.max_connections > 0 && connections.load(std::memory_order_relaxed) >= options.max_connections) {
        asio::co_spawn(exec, Refuse(std::move(socket)), asio::detached);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      connections.fetch_add(1, std::memory_order_relaxed);
      asio::co_spawn(exec, Session(std::move(socket)), asio::detached);
    }
  }

  // A connection over --max-connections: answered 503 with Retry-After and closed, so clients
  // learn why instead of hanging in the backlog. Refusals are few at a time; past that a socket
  // is closed at once (each refusal holds a descriptor while it lingers).
  awaitable<void> Refuse(tcp::socket socket) {
    if (refusing.fetch_add(1) >= 64) {
      refusing.fetch_sub(1);
      co_return;
    }
    beast::error_code ec;
    HttpRequest rejected;
    auto endpoint = socket.remote_endpoint(ec);
    if (!ec) rejected.remote_address = endpoint.address().to_string();
    beast::tcp_stream stream(std::move(socket));
    HttpResponse r = http->Reject(rejected, 503,
                                  "too many connections: the server is at its limit of " +
                                      std::to_string(options.max_connections) + "; retry shortly");
    r.headers.emplace_back("Retry-After", "1");
    auto res = ToBeast(std::move(r), 11, false);
    stream.expires_after(std::chrono::seconds(5));
    co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    co_await LingeringClose(stream);
    refusing.fetch_sub(1);
  }

  // Reads the next request's header: up to the idle timeout for its first byte (an idle
  // keep-alive connection), then at most the header timeout for the rest of the header.
  awaitable<void> ReadHeader(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                             http::request_parser<http::string_body>& parser, beast::error_code& ec) {
    if (buffer.size() == 0) {
      stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
      size_t n = co_await stream.async_read_some(buffer.prepare(16 * 1024), asio::redirect_error(use_awaitable, ec));
      buffer.commit(n);
      if (ec) co_return;
    }
    stream.expires_after(std::chrono::seconds(options.header_timeout_seconds));
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  }

  awaitable<void> Session(tcp::socket socket) {
    // The slot is freed when the session ends, however it ends.
    struct Slot {
      std::atomic<int>& open;
      ~Slot() { open.fetch_sub(1, std::memory_order_relaxed); }
    } slot{connections};
    beast::error_code ec;
    std::string remote;
    auto endpoint = socket.remote_endpoint(ec);
    if (!ec) remote = endpoint.address().to_string();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(static_cast<uint64_t>(options.max_body_bytes));
      parser.header_limit(32 * 1024);
      co_await ReadHeader(stream, buffer, parser, ec);
      if (!ec && !parser.is_done()) {
        stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      }
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
          ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
        break;
      }
      if (ec) {
        // Over the body limit or not HTTP: answer once, then close.
        HttpRequest rejected;
        if (parser.is_header_done()) rejected = ToRequest(parser.get(), remote);
        rejected.remote_address = remote;
        bool too_big = ec == http::error::body_limit;
        HttpResponse r = http->Reject(rejected, too_big ? 413 : 400,
                                      too_big ? "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes"
                                              : "malformed HTTP request: " + ec.message());
        auto res = ToBeast(std::move(r), 11, false);
        stream.expires_after(std::chrono::seconds(10));
        co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
        co_await LingeringClose(stream);
        co_return;
      }
      auto& req = parser.get();
      if (websocket::is_upgrade(req)) {
        HttpRequest upgrade = ToRequest(req, remote);
        if (ws != nullptr && upgrade.path == "/ws") {
          co_await WebSocketSession(std::move(stream), parser.release(), std::move(upgrade));
          co_return;
        }
      }
      in_flight.fetch_add(1);
      HttpRequest request = ToRequest(req, remote);
      bool keep_alive = req.keep_alive() && !stopping;
      unsigned version = req.version();
      HttpResponse response;
      if (http->IsSlow(request)) {
        auto home = co_await asio::this_coro::executor;
        co_await asio::post(blocking, use_awaitable);
        response = http->Handle(request);
        co_await asio::post(home, use_awaitable);
      } else {
        response = http->Handle(request);
      }
      auto res = ToBeast(std::move(response), version, keep_alive);
      co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      in_flight.fetch_sub(1);
      if (ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // Closing a socket with unread request bytes makes the kernel send a reset, which can reach the
  // client before it has read our answer (a 413 for an over-long body). So stop sending, then read
  // and drop what the client still sends, for a bounded time and amount, before closing.
  static awaitable<void> LingeringClose(beast::tcp_stream& stream) {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::chrono::seconds(2));
    std::array<char, 64 * 1024> sink;
    size_t drained = 0;
    while (drained < (size_t{64} << 20)) {
      size_t n = co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
      if (ec) break;
      drained += n;
    }
  }

  awaitable<void> WebSocketSession(beast::tcp_stream stream, http::request<http::string_body> req,
                                   HttpRequest upgrade) {
    websocket::stream<beast::tcp_stream> wsock(std::move(stream));
    beast::get_lowest_layer(wsock).expires_never();
    wsock.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    wsock.read_message_max(64 * 1024);
    beast::error_code ec;
    co_await wsock.async_accept(req, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    auto sink = std::make_shared<BeastWsSink>(&wsock);
    std::unique_ptr<WsConnection> conn = ws->Open(sink, upgrade);
    beast::flat_buffer buffer;
    while (!stopping) {
      co_await wsock.async_read(buffer, asio::redirect_error(use_awaitable, ec));
      if (ec) break;
      conn->OnMessage(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    }
    conn->OnClose();
    conn.reset();
    sink->Detach();
    // Let a write in progress finish before the stream goes away.
    while (true) {
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(5));
      co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
      if (sink.use_count() == 1) break;
    }
  }
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler* http, WsHandler* ws)
    : impl_(std::make_unique<Impl>(std::move(options), http, ws)) {}

HttpServer::~HttpServer() {
  impl_->blocking.join();
}

Status HttpServer::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Status::InvalidArgument("--host: not an IP address: " + impl_->options.host);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->options.port));
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                               ": " + ec.message());
  }
  impl_->bound_port = acc.local_endpoint().port();
  return Status::OK();
}

int HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Run(bool handle_signals) {
  Impl& s = *impl_;
  asio::co_spawn(s.ioc, s.Accept(), asio::detached);
  asio::signal_set signals(s.ioc);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([this](const beast::error_code& ec, int) {
      if (!ec) Stop();
    });
  }
  int n = s.options.threads > 0 ? s.options.threads : static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back([&] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) return;
  asio::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
  });
  // Drain: wait for requests in flight, then stop the loop (idle keep-alive reads are abandoned).
  std::thread([&s] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(s.options.drain_seconds);
    while (s.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    s.ioc.stop();
  }).detach();
}

}  // namespace logidata
