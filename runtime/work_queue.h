// WorkQueue: the deduplicating, rate-limited queue of object keys between event handlers and a
// controller's workers. Its invariants are the ones controllers rely on:
//  * a key is queued at most once however many events arrive for it (the dirty set);
//  * a key is never handed to two workers at once (the processing set): a key added while it is
//    being processed is parked and queued again when the worker calls done();
//  * delayed adds (addAfter / addRateLimited) join the queue when the injected clock says so.
// shutDown() stops new adds; get() keeps handing out what is queued and returns nullopt once the
// queue is empty, so workers drain before they exit. shutDownWithDrain() also waits for the keys
// in flight to be done().
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/clock.h"
#include "runtime/metrics_registry.h"
#include "runtime/rate_limiter.h"

namespace flotilla::runtime {

// Hooks a queue calls so that metrics stay outside the queue's logic. Durations are in seconds.
class QueueMetrics {
 public:
  virtual ~QueueMetrics() = default;
  virtual void added() = 0;
  virtual void depth(std::size_t depth) = 0;
  virtual void started(double queued_seconds) = 0;
  virtual void finished(double work_seconds) = 0;
  virtual void retried() = 0;
};
using QueueMetricsPtr = std::shared_ptr<QueueMetrics>;

// workqueue_depth, workqueue_adds_total, workqueue_retries_total,
// workqueue_queue_duration_seconds and workqueue_work_duration_seconds with label name=<queue>.
QueueMetricsPtr prometheusQueueMetrics(MetricsRegistry& registry, const std::string& queue_name);

struct WorkQueueOptions {
  std::string name = "queue";
  core::ClockPtr clock;          // defaults to RealClock
  RateLimiterPtr rate_limiter;   // defaults to defaultControllerRateLimiter(clock)
  QueueMetricsPtr metrics;       // optional
  // Longest real-time sleep of the delay thread between looks at the clock; it bounds how late a
  // delayed key is when the clock is a FakeClock that a test advances.
  std::chrono::milliseconds max_poll = std::chrono::milliseconds(20);
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  void addAfter(const std::string& key, std::chrono::nanoseconds delay);
  // addAfter(key, rate_limiter.when(key)); counts a retry.
  void addRateLimited(const std::string& key);
  // Clears the key's backoff after success.
  void forget(const std::string& key);
  int numRequeues(const std::string& key);

  // Blocks until a key is available; nullopt once shut down and empty.
  std::optional<std::string> get();
  // Marks the key finished; if it was re-added meanwhile it is queued again.
  void done(const std::string& key);

  std::size_t len() const;
  // Whether the key is parked for a delayed add (tests wait on this before moving a fake clock).
  bool isWaiting(const std::string& key) const;
  void shutDown();
  // shutDown() plus waiting until every key handed out has been done().
  void shutDownWithDrain();
  bool shuttingDown() const;

 private:
  // True when the key went into the queue: the caller wakes a worker once it has unlocked mu_
  // (a worker woken while mu_ is held wakes only to block on it).
  bool addLocked(const std::string& key);
  void delayLoop();
  void reportDepthLocked();

  core::ClockPtr clock_;
  RateLimiterPtr limiter_;
  QueueMetricsPtr metrics_;
  std::chrono::milliseconds max_poll_;
  bool real_clock_;  // the delay thread may sleep until the earliest key is due

  mutable std::mutex mu_;
  std::condition_variable cv_;          // queue non-empty / shutdown
  std::condition_variable drained_cv_;  // processing set shrank
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;
  std::unordered_set<std::string> processing_;
  std::unordered_map<std::string, core::Clock::TimePoint> added_at_;
  std::unordered_map<std::string, core::Clock::TimePoint> started_at_;
  bool shutting_down_ = false;

  // Delayed keys: ready time → key; a key keeps only its earliest ready time.
  mutable std::mutex delay_mu_;
  std::condition_variable delay_cv_;
  std::multimap<core::Clock::TimePoint, std::string> waiting_;
  std::unordered_map<std::string, core::Clock::TimePoint> waiting_index_;
  bool delay_stop_ = false;
  std::thread delay_thread_;  // started by the first addAfter()
};

}  // namespace flotilla::runtime
