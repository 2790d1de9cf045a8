#include "storage/event_hub.h"

#include <algorithm>

#include "storage/key_range.h"

namespace flotilla::storage {

size_t eventBytes(const Event& event) {
  constexpr size_t kOverhead = 96;  // the Event itself and two control blocks
  size_t bytes = kOverhead + event.key.size();
  if (event.value) bytes += event.value->size();
  if (event.prev_value && event.prev_value != event.value) bytes += event.prev_value->size();
  return bytes;
}

core::Result<std::vector<Event>> Subscription::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || !ended_.isOk(); });
  // A subscriber that fell behind loses its queue (it must relist anyway); otherwise queued
  // events are handed out before the end is reported.
  if (!queue_.empty()) {
    std::vector<Event> out;
    out.swap(queue_);
    allowance_ = backlog_limit_;
    byte_allowance_ = backlog_bytes_;
    queued_bytes_ = 0;
    return out;
  }
  if (!ended_.isOk()) return ended_;
  return std::vector<Event>{};
}

void Subscription::cancel() {
  if (auto hub = hub_.lock()) hub->remove(this);
  std::lock_guard lock(mu_);
  if (ended_.isOk()) ended_ = core::Status(core::Code::Unavailable, "watch cancelled");
  queue_.clear();
  queued_bytes_ = 0;
  cv_.notify_all();
}

bool Subscription::deliver(const std::vector<Event>& events) {
  std::unique_lock lock(mu_);
  if (!ended_.isOk()) return false;
  // A reader with events already queued has been woken for them and takes these along: only the
  // first batch into an empty queue wakes it (each wakeup is a futex call and a thread switch).
  const bool was_empty = queue_.empty();
  bool added = false;
  for (const auto& event : events) {
    if (!hasPrefix(event.key, prefix_)) continue;
    const size_t bytes = eventBytes(event);
    // The byte limit lets an empty queue take any event, so one huge value cannot end every
    // watch.
    if (queue_.size() >= allowance_ ||
        (!queue_.empty() && queued_bytes_ + bytes > byte_allowance_)) {
      queue_.clear();
      queued_bytes_ = 0;
      ended_ = core::Status(core::Code::Gone, "watcher fell too far behind; events were dropped");
      cv_.notify_all();
      return false;
    }
    queue_.push_back(event);
    queued_bytes_ += bytes;
    added = true;
  }
  // One wakeup for the whole batch, not one per event, after the lock is released so the reader
  // does not wake into a held mutex.
  lock.unlock();
  if (added && was_empty) cv_.notify_all();
  return true;
}

void Subscription::end(core::Status status) {
  std::lock_guard lock(mu_);
  if (ended_.isOk()) ended_ = std::move(status);
  cv_.notify_all();
}

std::shared_ptr<EventHub> EventHub::create(EventHubOptions options, int64_t floor_revision) {
  return std::shared_ptr<EventHub>(new EventHub(options, floor_revision));
}

void EventHub::publish(const std::vector<Event>& events) {
  if (events.empty()) return;
  std::lock_guard lock(mu_);
  for (const auto& event : events) {
    ring_.push_back(event);
    ring_bytes_ += eventBytes(event);
    last_ = event.revision;
  }
  while (!ring_.empty() &&
         (ring_.size() > options_.ring_capacity || ring_bytes_ > options_.ring_max_bytes)) {
    floor_ = ring_.front().revision;
    ring_bytes_ -= eventBytes(ring_.front());
    ring_.pop_front();
  }
  std::erase_if(subscribers_,
                [&](const SubscriptionPtr& subscriber) { return !subscriber->deliver(events); });
}

EventHub::Subscribed EventHub::subscribe(const std::string& prefix, int64_t after_revision) {
  std::lock_guard lock(mu_);
  auto subscription = SubscriptionPtr(new Subscription(weak_from_this(), prefix, options_));
  if (!closed_.isOk()) {
    subscription->end(closed_);
    return {subscription, after_revision};
  }
  Subscribed out{subscription, after_revision};
  if (after_revision < floor_) {
    out.replay_to = last_;
  } else {
    auto first = std::upper_bound(
        ring_.begin(), ring_.end(), after_revision,
        [](int64_t revision, const Event& event) { return revision < event.revision; });
    // The backlog limit does not apply here: the ring already bounds this copy.
    std::lock_guard sub_lock(subscription->mu_);
    for (auto it = first; it != ring_.end(); ++it) {
      if (!hasPrefix(it->key, prefix)) continue;
      subscription->queue_.push_back(*it);
      subscription->queued_bytes_ += eventBytes(*it);
    }
    subscription->allowance_ += subscription->queue_.size();
    subscription->byte_allowance_ += subscription->queued_bytes_;
  }
  subscribers_.push_back(subscription);
  return out;
}

void EventHub::close(const core::Status& reason) {
  std::lock_guard lock(mu_);
  closed_ = reason;
  for (auto& subscriber : subscribers_) subscriber->end(reason);
  subscribers_.clear();
}

int64_t EventHub::lastRevision() const {
  std::lock_guard lock(mu_);
  return last_;
}

void EventHub::remove(const Subscription* subscription) {
  std::lock_guard lock(mu_);
  std::erase_if(subscribers_,
                [&](const SubscriptionPtr& entry) { return entry.get() == subscription; });
}

}  // namespace flotilla::storage
