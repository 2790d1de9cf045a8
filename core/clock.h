// Clock: the one source of time for code that must be testable with a fake clock.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace flotilla::core {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;                          // monotonic
  virtual std::chrono::system_clock::time_point wallNow() const = 0;  // for timestamps
};
using ClockPtr = std::shared_ptr<Clock>;

class RealClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that only moves when a test says so.
class FakeClock final : public Clock {
 public:
  TimePoint now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  std::chrono::system_clock::time_point wallNow() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  void advance(std::chrono::nanoseconds d) {
    std::lock_guard lock(mu_);
    now_ += d;
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_{};
  std::chrono::system_clock::time_point wall_{std::chrono::seconds(1'700'000'000)};
};

// RFC 3339 UTC with whole seconds ("2026-11-23T05:50:42Z"), the form of metav1.Time.
std::string formatRfc3339(std::chrono::system_clock::time_point t);
// RFC 3339 UTC with microseconds ("...05.000000Z"), the form of metav1.MicroTime.
std::string formatRfc3339Micro(std::chrono::system_clock::time_point t);
// Parses RFC 3339 (with or without fraction, Z or numeric offset); false when malformed.
bool parseRfc3339(const std::string& text, std::chrono::system_clock::time_point* out);

}  // namespace flotilla::core
