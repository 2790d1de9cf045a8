// Cancellation: a one-shot signal that stops a long call (a watch stream, a retry sleep) from
// another thread. Callbacks registered with onCancel run once, on cancel() or immediately when
// already cancelled, so a transport can close its socket to unblock a read.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

namespace flotilla::client {

class Cancellation {
 public:
  void cancel() {
    std::map<int, std::function<void()>> callbacks;
    {
      std::lock_guard lock(mu_);
      if (cancelled_) return;
      cancelled_ = true;
      callbacks.swap(callbacks_);
    }
    cv_.notify_all();
    for (auto& [id, fn] : callbacks) fn();
  }
  bool cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_;
  }
  // Returns an id for removeCallback; runs fn now (and returns -1) when already cancelled.
  int onCancel(std::function<void()> fn) {
    {
      std::lock_guard lock(mu_);
      if (!cancelled_) {
        const int id = next_id_++;
        callbacks_.emplace(id, std::move(fn));
        return id;
      }
    }
    fn();
    return -1;
  }
  void removeCallback(int id) {
    std::lock_guard lock(mu_);
    callbacks_.erase(id);
  }
  // Sleeps up to d (real time); returns false when cancelled meanwhile.
  bool sleepFor(std::chrono::nanoseconds d) const {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [&] { return cancelled_; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool cancelled_ = false;
  int next_id_ = 0;
  std::map<int, std::function<void()>> callbacks_;
};

}  // namespace flotilla::client
