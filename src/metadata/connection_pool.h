// ConnectionPool<C>: a fixed set of connections handed out one per caller; Acquire blocks until
// one is free. The lease returns the connection on destruction. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace logidata {

template <typename C>
class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<C> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (conn_) pool_->Release(std::move(conn_));
    }
    C* operator->() { return conn_.get(); }
    C& operator*() { return *conn_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<C> conn_;
  };

  void Add(std::unique_ptr<C> conn) { Release(std::move(conn)); }

  Lease Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    auto conn = std::move(free_.back());
    free_.pop_back();
    return Lease(this, std::move(conn));
  }

 private:
  void Release(std::unique_ptr<C> conn) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<C>> free_;
};

}  // namespace logidata
