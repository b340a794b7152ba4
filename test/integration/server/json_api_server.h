// JsonApiServer: a tiny real HTTP server for the egress tests. It binds to a given loopback
// address (127.0.0.1, or 127.0.0.2 to stand for "another internal host"), records every request
// (path and headers) and answers each with what `reply` returns. One request per connection.
// Thread-safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "raw_http_request.h"

namespace logidata::testing {

class JsonApiServer {
 public:
  using Request = RawHttpRequest;
  struct Reply {
    int status = 200;
    std::string body = "[]";
    std::vector<std::string> headers;  // "Name: value"
  };
  using Handler = std::function<Reply(const Request&)>;

  explicit JsonApiServer(Handler handler, const std::string& ip = "127.0.0.1") : handler_(std::move(handler)), ip_(ip) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      socklen_t len = sizeof addr;
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
      port_ = ntohs(addr.sin_port);
    }
    listen(fd_, 16);
    thread_ = std::thread([this] { Loop(); });
  }
  ~JsonApiServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }

  int port() const { return port_; }
  std::string Base() const { return "http://" + ip_ + ":" + std::to_string(port_); }
  std::vector<Request> Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      Handle(c);
      close(c);
    }
  }
  void Handle(int c) {
    Request req;
    if (!ReadRawHttpRequest(c, &req)) return;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(req);
    }
    Reply r = handler_(req);
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(r.body.size()) + "\r\nConnection: close\r\n";
    for (const auto& h : r.headers) out += h + "\r\n";
    out += "\r\n" + r.body;
    size_t sent = 0;
    while (sent < out.size()) {
      ssize_t n = send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
  }

  Handler handler_;
  std::string ip_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Request> requests_;
};

}  // namespace logidata::testing
