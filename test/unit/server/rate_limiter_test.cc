#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace logidata {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiter, BurstThenRefillAtTheRate) {
  RateLimiter limiter({/*per_second=*/5, /*burst=*/10});
  auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.TakeAt("user:a", t0), 0) << i;
  double wait = limiter.TakeAt("user:a", t0);
  EXPECT_NEAR(wait, 0.2, 1e-9);  // one token every 200 ms
  EXPECT_EQ(limiter.TakeAt("user:b", t0), 0) << "another principal has its own bucket";
  EXPECT_GT(limiter.TakeAt("user:a", t0 + milliseconds(100)), 0);
  EXPECT_EQ(limiter.TakeAt("user:a", t0 + milliseconds(250)), 0);
  // A long pause refills up to the burst, not beyond it.
  auto later = t0 + std::chrono::seconds(60);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.TakeAt("user:a", later), 0) << i;
  EXPECT_GT(limiter.TakeAt("user:a", later), 0);
}

TEST(RateLimiter, OffWhenTheRateIsZero) {
  RateLimiter limiter({0, 1});
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Take("x"), 0);
}

TEST(RateLimiter, ManyAddressesDoNotGrowWithoutBound) {
  RateLimiter limiter({1000, 10});
  auto t = RateLimiter::Clock::now();
  for (int round = 0; round < 5; ++round) {
    t += std::chrono::seconds(2);  // every earlier bucket has refilled
    for (int i = 0; i < 20000; ++i) limiter.TakeAt("addr:" + std::to_string(round) + "." + std::to_string(i), t);
  }
  // Nothing to observe from outside but time and memory; taking must still work.
  EXPECT_EQ(limiter.TakeAt("addr:new", t), 0);
}

TEST(ParseRatePerSecond, UnitsAndErrors) {
  EXPECT_EQ(*ParseRatePerSecond("50/s"), 50);
  EXPECT_EQ(*ParseRatePerSecond("120/min"), 2);
  EXPECT_EQ(*ParseRatePerSecond("7"), 7);
  EXPECT_EQ(*ParseRatePerSecond("off"), 0);
  EXPECT_FALSE(ParseRatePerSecond("fast").ok());
  EXPECT_FALSE(ParseRatePerSecond("5/fortnight").ok());
  EXPECT_FALSE(ParseRatePerSecond("-1/s").ok());
}

}  // namespace
}  // namespace logidata
