// Controller: the canonical loop around one Reconciler. Informer event handlers only enqueue keys
// into the controller's WorkQueue; N worker threads take a key, ask the leadership gate whether
// this process may act, call reconcile, then forget the key's backoff on success, re-add it rate
// limited on a retryable error, drop it on a terminal error, or re-add it after requeue_after, and
// always mark it done. The queue guarantees one key is never reconciled by two workers at once.
// Reconcile outcomes are counted in controller_runtime_reconcile_total{controller,result},
// controller_runtime_reconcile_errors_total and controller_runtime_reconcile_time_seconds.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client/informer.h"
#include "core/clock.h"
#include "runtime/metrics_registry.h"
#include "runtime/reconciler.h"
#include "runtime/work_queue.h"

namespace flotilla::runtime {

struct ControllerOptions {
  std::string name = "controller";
  int workers = 1;
  core::ClockPtr clock;          // default RealClock
  RateLimiterPtr rate_limiter;   // default defaultControllerRateLimiter(clock)
  MetricsRegistry* metrics = nullptr;
  // Consulted before each reconcile; false parks the key (re-added after gate_retry) instead of
  // acting. The manager wires leader election here.
  std::function<bool()> gate;
  std::chrono::milliseconds gate_retry{1000};
};

// Maps an object event to the keys to reconcile (default: the object's own key).
using MapFunc = std::function<std::vector<Request>(const client::ObjectPtr&)>;
// Whether an update (old → new) matters to the controller; updates it rejects enqueue nothing.
// Adds and deletes always enqueue.
using UpdateFilter =
    std::function<bool(const client::ObjectPtr& old_obj, const client::ObjectPtr& new_obj)>;

class Controller {
 public:
  Controller(ControllerOptions options, ReconcilerPtr reconciler);
  ~Controller();

  const std::string& name() const { return options_.name; }
  WorkQueue& queue() { return *queue_; }
  // Enqueues keys for every add/update/delete the informer delivers (updates only when
  // `changed` accepts them).
  void watch(client::Informer& informer, MapFunc map = nullptr, UpdateFilter changed = nullptr);

  void start();
  // Stops taking new keys, lets in-flight reconciles finish and joins the workers.
  void stop();
  bool running() const { return running_.load(); }

 private:
  void worker();
  void processOne(const std::string& key);

  ControllerOptions options_;
  ReconcilerPtr reconciler_;
  std::unique_ptr<WorkQueue> queue_;
  std::vector<std::thread> workers_;
  std::atomic<bool> running_{false};
  CounterFamily* reconcile_total_ = nullptr;
  CounterFamily* reconcile_errors_ = nullptr;
  HistogramFamily* reconcile_time_ = nullptr;
  // Series handles, looked up once (the families are shared by every controller).
  std::atomic<double>* total_success_ = nullptr;
  std::atomic<double>* total_error_ = nullptr;
  std::atomic<double>* total_requeue_after_ = nullptr;
  std::atomic<double>* errors_ = nullptr;
  std::atomic<HistogramFamily::Series*> time_series_{nullptr};  // on the first reconcile
};

}  // namespace flotilla::runtime
