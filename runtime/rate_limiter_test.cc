#include "runtime/rate_limiter.h"

#include <gtest/gtest.h>

namespace flotilla::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(ItemExponentialRateLimiterTest, DoublesPerFailureAndCaps) {
  ItemExponentialRateLimiter l(milliseconds(5), seconds(1000));
  const nanoseconds expected[] = {milliseconds(5), milliseconds(10), milliseconds(20),
                                  milliseconds(40), milliseconds(80)};
  for (auto e : expected) EXPECT_EQ(l.when("a"), e);
  EXPECT_EQ(l.numRequeues("a"), 5);
  for (int i = 0; i < 100; ++i) (void)l.when("a");
  EXPECT_EQ(l.when("a"), seconds(1000));
  EXPECT_EQ(l.when("b"), milliseconds(5)) << "items back off independently";
  l.forget("a");
  EXPECT_EQ(l.numRequeues("a"), 0);
  EXPECT_EQ(l.when("a"), milliseconds(5));
}

TEST(BucketRateLimiterTest, BurstThenQps) {
  auto clock = std::make_shared<core::FakeClock>();
  BucketRateLimiter l(clock, 10, 100);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(l.when("x"), nanoseconds(0)) << i;
  EXPECT_EQ(l.when("x"), milliseconds(100));
  EXPECT_EQ(l.when("x"), milliseconds(200));
  clock->advance(seconds(1));  // refills 10 tokens, 2 already owed
  for (int i = 0; i < 8; ++i) EXPECT_EQ(l.when("x"), nanoseconds(0)) << i;
  EXPECT_EQ(l.when("x"), milliseconds(100));
}

TEST(DefaultControllerRateLimiterTest, MaxOfBackoffAndBucket) {
  auto clock = std::make_shared<core::FakeClock>();
  auto l = defaultControllerRateLimiter(clock);
  EXPECT_EQ(l->when("a"), milliseconds(5));
  EXPECT_EQ(l->when("a"), milliseconds(10));
  // Exhaust the bucket with other items: then the bucket dominates a fresh item's 5 ms.
  for (int i = 0; i < 98; ++i) (void)l->when("k" + std::to_string(i));
  EXPECT_EQ(l->when("fresh"), milliseconds(100));
  EXPECT_EQ(l->numRequeues("a"), 2);
  l->forget("a");
  EXPECT_EQ(l->numRequeues("a"), 0);
}

TEST(DefaultControllerRateLimiterTest, Configurable) {
  auto clock = std::make_shared<core::FakeClock>();
  ControllerRateLimiterOptions o;
  o.base_delay = milliseconds(1);
  o.max_delay = milliseconds(3);
  o.qps = 1;
  o.burst = 1;
  auto l = defaultControllerRateLimiter(clock, o);
  EXPECT_EQ(l->when("a"), milliseconds(1));
  EXPECT_EQ(l->when("a"), seconds(1));  // bucket: second token owed
}

}  // namespace
}  // namespace flotilla::runtime
