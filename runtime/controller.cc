#include "runtime/controller.h"

#include <spdlog/spdlog.h>

#include "core/logging.h"

namespace flotilla::runtime {

Controller::Controller(ControllerOptions options, ReconcilerPtr reconciler)
    : options_(std::move(options)), reconciler_(std::move(reconciler)) {
  if (!options_.clock) options_.clock = std::make_shared<core::RealClock>();
  WorkQueueOptions qo;
  qo.name = options_.name;
  qo.clock = options_.clock;
  qo.rate_limiter = options_.rate_limiter;
  if (options_.metrics) {
    qo.metrics = prometheusQueueMetrics(*options_.metrics, options_.name);
    reconcile_total_ = options_.metrics->counter(
        "controller_runtime_reconcile_total", "Total number of reconciliations per controller.",
        {"controller", "result"});
    reconcile_errors_ = options_.metrics->counter(
        "controller_runtime_reconcile_errors_total",
        "Total number of reconciliation errors per controller.", {"controller"});
    reconcile_time_ = options_.metrics->histogram(
        "controller_runtime_reconcile_time_seconds", "Length of time per reconciliation.",
        {"controller"}, exponentialBuckets(0.005, 2, 14));
    total_success_ = reconcile_total_->series({options_.name, "success"});
    total_error_ = reconcile_total_->series({options_.name, "error"});
    total_requeue_after_ = reconcile_total_->series({options_.name, "requeue_after"});
    errors_ = reconcile_errors_->series({options_.name});
  }
  queue_ = std::make_unique<WorkQueue>(qo);
}

Controller::~Controller() { stop(); }

void Controller::watch(client::Informer& informer, MapFunc map, UpdateFilter changed) {
  auto enqueue = [this, map](const client::ObjectPtr& o) {
    if (map) {
      for (const auto& r : map(o)) queue_->add(r.key());
    } else {
      queue_->add(o->key());
    }
  };
  informer.addEventHandler({enqueue,
                            [enqueue, changed](const client::ObjectPtr& o,
                                               const client::ObjectPtr& n) {
                              if (!changed || !o || changed(o, n)) enqueue(n);
                            },
                            enqueue});
}

void Controller::start() {
  if (running_.exchange(true)) return;
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers_.emplace_back([this] { worker(); });
  }
}

void Controller::stop() {
  if (!running_.exchange(false)) return;
  queue_->shutDownWithDrain();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void Controller::worker() {
  while (auto key = queue_->get()) {
    processOne(*key);
    queue_->done(*key);
  }
}

void Controller::processOne(const std::string& key) {
  auto log = core::logger("controller");
  if (options_.gate && !options_.gate()) {
    // Not allowed to act (e.g. not the leader): keep the key for later without counting a retry.
    queue_->addAfter(key, options_.gate_retry);
    return;
  }
  const auto start = options_.clock->now();
  auto result = reconciler_->reconcile(Request::fromKey(key));
  const double seconds =
      std::chrono::duration<double>(options_.clock->now() - start).count();
  if (reconcile_time_) {
    HistogramFamily::Series* s = time_series_.load(std::memory_order_acquire);
    if (s == nullptr) {
      // Workers racing here get the same series.
      s = reconcile_time_->series({options_.name});
      time_series_.store(s, std::memory_order_release);
    }
    reconcile_time_->observe(s, seconds);
  }
  if (!result) {
    const core::Status st = result.status();
    if (errors_) CounterFamily::inc(errors_);
    if (total_error_) CounterFamily::inc(total_error_);
    if (isTerminal(st)) {
      log->error("[{}] {}: terminal error, not retrying: {}", key, options_.name, st.toString());
      queue_->forget(key);
    } else {
      log->warn("[{}] {}: reconcile failed, retrying with backoff: {}", key, options_.name,
                st.toString());
      queue_->addRateLimited(key);
    }
    return;
  }
  queue_->forget(key);
  if (result->requeue_after && result->requeue_after->count() > 0) {
    if (total_requeue_after_) CounterFamily::inc(total_requeue_after_);
    queue_->addAfter(key, *result->requeue_after);
  } else if (total_success_) {
    CounterFamily::inc(total_success_);
  }
}

}  // namespace flotilla::runtime
