// RateLimiter: one token bucket per principal (a user, an API key, or — for requests without
// valid credentials — a client address). A bucket holds up to `burst` tokens and refills at
// `per_second`; each API request takes one, and a request that finds the bucket empty is refused
// with the wait until the next token (the API answers 429 with Retry-After). Thread-safe: the
// buckets are split over shards with a mutex each, so network threads rarely contend.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"

namespace logidata {

struct RateLimit {
  double per_second = 50;  // <= 0: no limit
  double burst = 200;      // requests allowed at once after a quiet period
};

// "50/s", "3000/min", "2/ms"… or a bare number (per second); "0" and "off" mean no limit.
Result<double> ParseRatePerSecond(std::string_view text);

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit);

  bool enabled() const { return limit_.per_second > 0; }
  // Takes a token from `key`'s bucket: 0 when the request may go ahead, else the seconds until
  // the bucket holds a token again (> 0).
  double Take(std::string_view key) { return TakeAt(key, Clock::now()); }
  // Take at a given time (tests drive the clock).
  double TakeAt(std::string_view key, Clock::time_point now);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  struct KeyHash {
    using is_transparent = void;  // look up by string_view without building a string
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> buckets;
    Clock::time_point swept;
  };
  static constexpr size_t kShards = 16;
  // Buckets that refilled completely say nothing a fresh bucket would not: they are dropped
  // once a shard holds this many, so many client addresses cannot grow memory without bound.
  static constexpr size_t kSweepAbove = 4096;

  void Sweep(Shard& shard, Clock::time_point now);

  RateLimit limit_;
  std::array<Shard, kShards> shards_;
};

}  // namespace logidata
