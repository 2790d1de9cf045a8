#include "runtime/work_queue.h"

namespace flotilla::runtime {

namespace {
class PrometheusQueueMetrics final : public QueueMetrics {
 public:
  PrometheusQueueMetrics(MetricsRegistry& r, std::string name) : labels_{std::move(name)} {
    const auto buckets = exponentialBuckets(1e-8, 10, 10);
    depth_ = r.gauge("workqueue_depth", "Current depth of the work queue.", {"name"});
    adds_ = r.counter("workqueue_adds_total", "Total number of adds handled by the work queue.",
                      {"name"});
    retries_ = r.counter("workqueue_retries_total", "Total number of retries handled by the queue.",
                         {"name"});
    queue_duration_ = r.histogram("workqueue_queue_duration_seconds",
                                  "How long an item stays in the queue before being requested.",
                                  {"name"}, buckets);
    work_duration_ = r.histogram("workqueue_work_duration_seconds",
                                 "How long processing an item from the queue takes.", {"name"},
                                 buckets);
    depth_series_ = depth_->series(labels_);
    adds_series_ = adds_->series(labels_);
    retries_series_ = retries_->series(labels_);
  }
  // The queue calls these under its own lock (retried() excepted, which only touches an atomic):
  // the histogram series are looked up on first use, so a queue that never ran shows none.
  void added() override { CounterFamily::inc(adds_series_); }
  void depth(std::size_t d) override { depth_series_->store(static_cast<double>(d)); }
  void started(double s) override {
    if (!queued_series_) queued_series_ = queue_duration_->series(labels_);
    queue_duration_->observe(queued_series_, s);
  }
  void finished(double s) override {
    if (!work_series_) work_series_ = work_duration_->series(labels_);
    work_duration_->observe(work_series_, s);
  }
  void retried() override { CounterFamily::inc(retries_series_); }

 private:
  LabelValues labels_;
  GaugeFamily* depth_;
  CounterFamily* adds_;
  CounterFamily* retries_;
  HistogramFamily* queue_duration_;
  HistogramFamily* work_duration_;
  std::atomic<double>* depth_series_;
  std::atomic<double>* adds_series_;
  std::atomic<double>* retries_series_;
  HistogramFamily::Series* queued_series_ = nullptr;
  HistogramFamily::Series* work_series_ = nullptr;
};

double seconds(core::Clock::TimePoint from, core::Clock::TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}
}  // namespace

QueueMetricsPtr prometheusQueueMetrics(MetricsRegistry& registry, const std::string& queue_name) {
  return std::make_shared<PrometheusQueueMetrics>(registry, queue_name);
}

WorkQueue::WorkQueue(WorkQueueOptions options)
    : clock_(options.clock ? options.clock : std::make_shared<core::RealClock>()),
      limiter_(options.rate_limiter ? options.rate_limiter : defaultControllerRateLimiter(clock_)),
      metrics_(std::move(options.metrics)),
      max_poll_(options.max_poll),
      real_clock_(dynamic_cast<const core::RealClock*>(clock_.get()) != nullptr) {}

WorkQueue::~WorkQueue() {
  shutDown();
  {
    std::lock_guard lock(delay_mu_);
    delay_stop_ = true;
  }
  delay_cv_.notify_all();
  if (delay_thread_.joinable()) delay_thread_.join();
}

void WorkQueue::reportDepthLocked() {
  if (metrics_) metrics_->depth(queue_.size());
}

bool WorkQueue::addLocked(const std::string& key) {
  if (shutting_down_) return false;
  if (!dirty_.insert(key).second) return false;  // already queued or parked
  if (metrics_) metrics_->added();
  added_at_.emplace(key, clock_->now());
  if (processing_.count(key)) return false;  // re-queued by done()
  queue_.push_back(key);
  reportDepthLocked();
  return true;
}

void WorkQueue::add(const std::string& key) {
  bool queued;
  {
    std::lock_guard lock(mu_);
    queued = addLocked(key);
  }
  if (queued) cv_.notify_one();
}

void WorkQueue::addAfter(const std::string& key, std::chrono::nanoseconds delay) {
  {
    std::lock_guard lock(mu_);
    if (shutting_down_) return;
  }
  if (delay <= std::chrono::nanoseconds(0)) {
    add(key);
    return;
  }
  const auto ready = clock_->now() + delay;
  bool wake = true;
  {
    std::lock_guard lock(delay_mu_);
    auto it = waiting_index_.find(key);
    if (it != waiting_index_.end()) {
      if (it->second <= ready) return;  // an earlier wake-up is already scheduled
      auto range = waiting_.equal_range(it->second);
      for (auto w = range.first; w != range.second; ++w) {
        if (w->second == key) {
          waiting_.erase(w);
          break;
        }
      }
    }
    // The delay thread sleeps until the earliest key is due: only a key due before that needs
    // to wake it (most keys are added behind others with the same delay; a wake-up each was a
    // context switch per member event).
    wake = waiting_.empty() || ready < waiting_.begin()->first;
    waiting_.emplace(ready, key);
    waiting_index_[key] = ready;
    // Started on first use: most queues (a detector per served kind) never delay a key, and a
    // thread each would be idle.
    if (!delay_thread_.joinable() && !delay_stop_) {
      delay_thread_ = std::thread([this] { delayLoop(); });
    }
  }
  if (wake) delay_cv_.notify_all();
}

void WorkQueue::addRateLimited(const std::string& key) {
  if (metrics_) metrics_->retried();
  addAfter(key, limiter_->when(key));
}

void WorkQueue::forget(const std::string& key) { limiter_->forget(key); }
int WorkQueue::numRequeues(const std::string& key) { return limiter_->numRequeues(key); }

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !queue_.empty() || shutting_down_; });
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  const auto now = clock_->now();
  processing_.insert(key);
  dirty_.erase(key);
  if (auto it = added_at_.find(key); it != added_at_.end()) {
    if (metrics_) metrics_->started(seconds(it->second, now));
    added_at_.erase(it);
  }
  started_at_[key] = now;
  reportDepthLocked();
  return key;
}

void WorkQueue::done(const std::string& key) {
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = started_at_.find(key); it != started_at_.end()) {
      if (metrics_) metrics_->finished(seconds(it->second, clock_->now()));
      started_at_.erase(it);
    }
    processing_.erase(key);
    if (dirty_.count(key)) {
      queue_.push_back(key);
      reportDepthLocked();
      queued = true;
    }
    // Under mu_: shutDownWithDrain() may return (and the queue go away) as soon as it can lock.
    if (processing_.empty()) drained_cv_.notify_all();
  }
  if (queued) cv_.notify_one();
}

std::size_t WorkQueue::len() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

bool WorkQueue::isWaiting(const std::string& key) const {
  std::lock_guard lock(delay_mu_);
  return waiting_index_.count(key) > 0;
}

void WorkQueue::shutDown() {
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
  }
  cv_.notify_all();
  delay_cv_.notify_all();
}

void WorkQueue::shutDownWithDrain() {
  shutDown();
  std::unique_lock lock(mu_);
  drained_cv_.wait(lock, [&] { return processing_.empty(); });
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

void WorkQueue::delayLoop() {
  std::unique_lock lock(delay_mu_);
  while (!delay_stop_) {
    const auto now = clock_->now();
    std::vector<std::string> ready;
    while (!waiting_.empty() && waiting_.begin()->first <= now) {
      ready.push_back(std::move(waiting_.begin()->second));
      waiting_index_.erase(ready.back());
      waiting_.erase(waiting_.begin());
    }
    if (!ready.empty()) {
      lock.unlock();
      std::size_t queued = 0;
      {
        std::lock_guard qlock(mu_);
        for (const auto& k : ready) queued += addLocked(k) ? 1 : 0;
      }
      for (std::size_t i = 0; i < queued; ++i) cv_.notify_one();
      lock.lock();
      continue;
    }
    // A real clock is the condition variable's own: sleep until the earliest key is due (an
    // addAfter wakes the loop). Polling at max_poll is for fake clocks that tests move; with
    // dozens of queues it was thousands of idle wake-ups a second.
    auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
        real_clock_ ? std::chrono::milliseconds(60000) : max_poll_);
    if (!waiting_.empty()) wait = std::min(wait, waiting_.begin()->first - now);
    delay_cv_.wait_for(lock, wait);
  }
}

}  // namespace flotilla::runtime
