// TokenBucket: the rate arithmetic shared by the REST client's request throttle and the work
// queue's overall rate limiter. It hands out reservations instead of sleeping so that callers
// decide how to wait (a client thread sleeps; a work queue schedules a delayed add) and tests can
// drive it with a FakeClock.
#pragma once

#include <chrono>
#include <mutex>

#include "core/clock.h"

namespace flotilla::client {

class TokenBucket {
 public:
  // qps <= 0 means "unlimited": every reservation is free.
  TokenBucket(core::ClockPtr clock, double qps, int burst);

  // Takes one token, possibly going into debt, and returns how long the caller must wait before
  // acting on it (zero when a token was available).
  std::chrono::nanoseconds reserve();
  // Takes a token only if one is available now.
  bool tryAccept();

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  void refillLocked(core::Clock::TimePoint now);

  core::ClockPtr clock_;
  const double qps_;
  const int burst_;
  std::mutex mu_;
  double tokens_;
  core::Clock::TimePoint last_;
};

}  // namespace flotilla::client
