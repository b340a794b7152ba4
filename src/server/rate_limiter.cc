#include "server/rate_limiter.h"

#include <algorithm>
#include <charconv>
#include <functional>

namespace logidata {

Result<double> ParseRatePerSecond(std::string_view text) {
  if (text == "off" || text == "0") return 0.0;
  size_t slash = text.find('/');
  std::string number(text.substr(0, slash));
  std::string_view unit = slash == std::string_view::npos ? "s" : text.substr(slash + 1);
  char* end = nullptr;
  double n = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !(n >= 0) || n > 1e12) {
    return Status::InvalidArgument("rate '" + std::string(text) + "': expected a number of requests, e.g. 50/s");
  }
  if (unit == "s" || unit == "sec" || unit == "second") return n;
  if (unit == "m" || unit == "min" || unit == "minute") return n / 60;
  if (unit == "h" || unit == "hour") return n / 3600;
  return Status::InvalidArgument("rate '" + std::string(text) + "': the unit must be s, min or h (e.g. 50/s)");
}

RateLimiter::RateLimiter(RateLimit limit) : limit_(limit) {
  limit_.burst = std::max(1.0, limit_.burst);
}

double RateLimiter::TakeAt(std::string_view key, Clock::time_point now) {
  if (!enabled()) return 0;
  // The shard from the high bits: the map inside uses the low ones.
  Shard& shard = shards_[(KeyHash{}(key) >> 20) % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kSweepAbove) Sweep(shard, now);
    it = shard.buckets.emplace(std::string(key), Bucket{limit_.burst, now}).first;
  }
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.per_second);
    b.updated = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return (1 - b.tokens) / limit_.per_second;
}

void RateLimiter::Sweep(Shard& shard, Clock::time_point now) {
  // At most once a second: a flood of new keys must not turn every request into a full scan.
  if (now - shard.swept < std::chrono::seconds(1)) return;
  shard.swept = now;
  const double full_after = limit_.burst / limit_.per_second;
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    double idle = std::chrono::duration<double>(now - it->second.updated).count();
    it = idle >= full_after ? shard.buckets.erase(it) : std::next(it);
  }
}

}  // namespace logidata
