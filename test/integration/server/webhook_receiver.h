// WebhookReceiver: a tiny real HTTP server on 127.0.0.1 for the notification tests. It records
// every request (method, path, headers, body) and answers with the queued status codes (then
// 200), one request per connection. Thread-safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback_port.h"
#include "raw_http_request.h"

namespace logidata::testing {

class WebhookReceiver {
 public:
  using Request = RawHttpRequest;

  WebhookReceiver() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    port_ = BindLoopback(fd_);
    listen(fd_, 16);
    thread_ = std::thread([this] { Loop(); });
  }
  ~WebhookReceiver() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }

  int port() const { return port_; }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // The next requests get these statuses (then 200 again).
  void QueueStatuses(std::vector<int> statuses) {
    std::lock_guard lock(mu_);
    for (int s : statuses) statuses_.push_back(s);
  }
  // Waits until `n` requests to `path` arrived (or the timeout); returns those seen.
  std::vector<Request> WaitFor(const std::string& path, size_t n, int timeout_seconds = 60) {
    std::unique_lock lock(mu_);
    auto matching = [&] {
      std::vector<Request> out;
      for (const Request& r : requests_) {
        if (r.path == path) out.push_back(r);
      }
      return out;
    };
    cv_.wait_for(lock, std::chrono::seconds(timeout_seconds), [&] { return matching().size() >= n; });
    return matching();
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
    int status = 200;
    {
      std::lock_guard lock(mu_);
      if (!statuses_.empty()) {
        status = statuses_.front();
        statuses_.pop_front();
      }
      requests_.push_back(req);
    }
    cv_.notify_all();
    std::string reply = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> statuses_;
  std::vector<Request> requests_;
};

}  // namespace logidata::testing
