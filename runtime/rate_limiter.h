// Rate limiters for the work queue: how long an item must wait before it is handed out again.
// A controller's retry policy is "max of per-item exponential backoff and an overall token
// bucket": one failing key backs off on its own (5 ms doubling up to 1000 s by default) while the
// bucket (10 qps, burst 100) keeps a storm of failures from flooding the API server. Every limiter
// takes its clock by injection so backoff timing is tested with a FakeClock.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/token_bucket.h"
#include "core/clock.h"

namespace flotilla::runtime {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // How long to wait before the item may be processed again; each call counts as one failure.
  virtual std::chrono::nanoseconds when(const std::string& item) = 0;
  // Clears the failure history of the item (after it succeeded).
  virtual void forget(const std::string& item) = 0;
  virtual int numRequeues(const std::string& item) = 0;
};
using RateLimiterPtr = std::shared_ptr<RateLimiter>;

// base * 2^failures, capped at max_delay.
class ItemExponentialRateLimiter final : public RateLimiter {
 public:
  ItemExponentialRateLimiter(std::chrono::nanoseconds base, std::chrono::nanoseconds max_delay);
  std::chrono::nanoseconds when(const std::string& item) override;
  void forget(const std::string& item) override;
  int numRequeues(const std::string& item) override;

 private:
  const std::chrono::nanoseconds base_;
  const std::chrono::nanoseconds max_;
  std::mutex mu_;
  std::unordered_map<std::string, int> failures_;
};

// An overall token bucket: items wait for their reservation regardless of their history.
class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(core::ClockPtr clock, double qps, int burst) : bucket_(std::move(clock), qps, burst) {}
  std::chrono::nanoseconds when(const std::string&) override { return bucket_.reserve(); }
  void forget(const std::string&) override {}
  int numRequeues(const std::string&) override { return 0; }

 private:
  client::TokenBucket bucket_;
};

// The longest delay of its members; numRequeues is the largest of theirs.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<RateLimiterPtr> limiters) : limiters_(std::move(limiters)) {}
  std::chrono::nanoseconds when(const std::string& item) override;
  void forget(const std::string& item) override;
  int numRequeues(const std::string& item) override;

 private:
  std::vector<RateLimiterPtr> limiters_;
};

struct ControllerRateLimiterOptions {
  std::chrono::nanoseconds base_delay = std::chrono::milliseconds(5);
  std::chrono::nanoseconds max_delay = std::chrono::seconds(1000);
  double qps = 10;
  int burst = 100;
};

// max(ItemExponential(5ms..1000s), Bucket(10 qps, burst 100)) with the given overrides.
RateLimiterPtr defaultControllerRateLimiter(core::ClockPtr clock,
                                            ControllerRateLimiterOptions options = {});

}  // namespace flotilla::runtime
