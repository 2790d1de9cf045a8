#include "client/token_bucket.h"

#include <algorithm>

namespace flotilla::client {

TokenBucket::TokenBucket(core::ClockPtr clock, double qps, int burst)
    : clock_(std::move(clock)), qps_(qps), burst_(std::max(burst, 1)), tokens_(burst_),
      last_(clock_->now()) {}

void TokenBucket::refillLocked(core::Clock::TimePoint now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min<double>(burst_, tokens_ + elapsed * qps_);
  last_ = now;
}

std::chrono::nanoseconds TokenBucket::reserve() {
  if (qps_ <= 0) return std::chrono::nanoseconds(0);
  std::lock_guard lock(mu_);
  refillLocked(clock_->now());
  tokens_ -= 1.0;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<int64_t>(-tokens_ / qps_ * 1e9));
}

bool TokenBucket::tryAccept() {
  if (qps_ <= 0) return true;
  std::lock_guard lock(mu_);
  refillLocked(clock_->now());
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace flotilla::client
