// StatusHold: bounded per-key holds on status writes. A controller that reflects a fast-moving
// source (a member object just created, a binding whose Works have not all reported) would write
// every intermediate state; each write costs the host a request and every watcher an event. It
// holds its write instead while the state is still settling, for at most `max` from the first
// hold, and writes at once when the state settles (the caller then releases the key). Once a
// hold has run out the key stays "over" until released, so a state that never settles is
// written as it goes rather than held again and again. Thread-safe; the caller passes the time,
// so tests use a fake clock.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace flotilla::runtime {

class StatusHold {
 public:
  struct Decision {
    bool wait = false;                  // hold the write and look again after `left`
    std::chrono::nanoseconds left{0};   // time left in the hold (zero when !wait)
  };
  // Starts the key's hold at `now` unless one was started before, and says whether it still
  // runs. `max` <= 0 never holds (and records nothing).
  Decision hold(const std::string& key, core::Clock::TimePoint now,
                std::chrono::nanoseconds max);
  // Whether a hold was started for the key and not released (running or over).
  bool active(const std::string& key) const;
  // The state settled (or the key is gone): the next hold() starts afresh.
  void release(const std::string& key);
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, core::Clock::TimePoint> deadlines_;
};

}  // namespace flotilla::runtime
