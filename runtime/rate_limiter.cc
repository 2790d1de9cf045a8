#include "runtime/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace flotilla::runtime {

ItemExponentialRateLimiter::ItemExponentialRateLimiter(std::chrono::nanoseconds base,
                                                       std::chrono::nanoseconds max_delay)
    : base_(base), max_(max_delay) {}

std::chrono::nanoseconds ItemExponentialRateLimiter::when(const std::string& item) {
  int exp;
  {
    std::lock_guard lock(mu_);
    exp = failures_[item]++;
  }
  // Compute in double so that large exponents saturate instead of overflowing.
  const double delay = static_cast<double>(base_.count()) * std::pow(2.0, std::min(exp, 200));
  if (delay >= static_cast<double>(max_.count())) return max_;
  return std::chrono::nanoseconds(static_cast<int64_t>(delay));
}

void ItemExponentialRateLimiter::forget(const std::string& item) {
  std::lock_guard lock(mu_);
  failures_.erase(item);
}

int ItemExponentialRateLimiter::numRequeues(const std::string& item) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(item);
  return it == failures_.end() ? 0 : it->second;
}

std::chrono::nanoseconds MaxOfRateLimiter::when(const std::string& item) {
  std::chrono::nanoseconds longest{0};
  for (auto& l : limiters_) longest = std::max(longest, l->when(item));
  return longest;
}

void MaxOfRateLimiter::forget(const std::string& item) {
  for (auto& l : limiters_) l->forget(item);
}

int MaxOfRateLimiter::numRequeues(const std::string& item) {
  int most = 0;
  for (auto& l : limiters_) most = std::max(most, l->numRequeues(item));
  return most;
}

RateLimiterPtr defaultControllerRateLimiter(core::ClockPtr clock,
                                            ControllerRateLimiterOptions options) {
  return std::make_shared<MaxOfRateLimiter>(std::vector<RateLimiterPtr>{
      std::make_shared<ItemExponentialRateLimiter>(options.base_delay, options.max_delay),
      std::make_shared<BucketRateLimiter>(std::move(clock), options.qps, options.burst)});
}

}  // namespace flotilla::runtime
