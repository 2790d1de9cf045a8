// EventHub: fans committed events out to in-process watchers, and keeps a bounded ring of recent
// events so a new watch can start from a recent revision without touching the database.
//
// The writer publishes events once they are durable, in revision order. Each subscription has its
// own queue; a subscriber that lets its queue grow past a limit is ended with Gone (its client will
// relist) so a slow reader never blocks the writer nor grows memory without bound.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/storage.h"

namespace flotilla::storage {

struct EventHubOptions {
  // Recent events kept for new watches: at most this many, holding at most this many bytes.
  size_t ring_capacity = 100'000;
  size_t ring_max_bytes = 256u << 20;
  // Undelivered events (or their bytes) beyond which a subscriber gets Gone.
  size_t subscriber_backlog_limit = 50'000;
  size_t subscriber_backlog_bytes = 64u << 20;
};

class EventHub;

// The memory an event pins (approximately: shared values may be counted twice).
size_t eventBytes(const Event& event);

// One subscriber's queue. Thread-safe; obtained from EventHub::subscribe.
class Subscription {
 public:
  // Waits up to `timeout` for events. An error ends the subscription (Gone when it fell behind,
  // Unavailable when cancelled or the hub closed).
  core::Result<std::vector<Event>> next(std::chrono::milliseconds timeout);
  void cancel();

 private:
  friend class EventHub;
  Subscription(std::weak_ptr<EventHub> hub, std::string prefix, const EventHubOptions& options)
      : hub_(std::move(hub)),
        prefix_(std::move(prefix)),
        backlog_limit_(options.subscriber_backlog_limit),
        backlog_bytes_(options.subscriber_backlog_bytes),
        allowance_(backlog_limit_),
        byte_allowance_(backlog_bytes_) {}
  // Queues the events under this subscription's prefix (one published batch) and wakes the
  // reader once. Returns false once the subscription has ended. Called with the hub's lock held.
  bool deliver(const std::vector<Event>& events);
  void end(core::Status status);

  std::weak_ptr<EventHub> hub_;
  const std::string prefix_;
  const size_t backlog_limit_;
  const size_t backlog_bytes_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> queue_;
  // Queue size and bytes that end the subscription: the limits plus the initial ring replay.
  size_t allowance_;
  size_t byte_allowance_;
  size_t queued_bytes_ = 0;
  core::Status ended_;  // non-OK once ended
};
using SubscriptionPtr = std::shared_ptr<Subscription>;

class EventHub : public std::enable_shared_from_this<EventHub> {
 public:
  // `floor_revision`: the ring holds every event after this revision (the current revision when a
  // store opens, since nothing has been published yet).
  static std::shared_ptr<EventHub> create(EventHubOptions options, int64_t floor_revision);

  // Publishes durable events in increasing revision order.
  void publish(const std::vector<Event>& events);

  struct Subscribed {
    SubscriptionPtr subscription;
    // When the ring no longer holds every event after the requested revision, the subscription
    // only receives events after `replay_to`; the caller must deliver (after, replay_to] itself.
    // Equal to the requested revision when nothing needs replaying.
    int64_t replay_to = 0;
  };
  // Subscribes to events under `prefix` with revision > after_revision.
  Subscribed subscribe(const std::string& prefix, int64_t after_revision);

  // Ends every subscription with `reason` and refuses new ones the same way.
  void close(const core::Status& reason);

  // The revision of the last published event (or the floor).
  int64_t lastRevision() const;

 private:
  EventHub(EventHubOptions options, int64_t floor_revision)
      : options_(options), floor_(floor_revision), last_(floor_revision) {}
  friend class Subscription;
  void remove(const Subscription* subscription);

  const EventHubOptions options_;
  mutable std::mutex mu_;
  std::deque<Event> ring_;
  size_t ring_bytes_ = 0;
  int64_t floor_;  // every event with revision > floor_ is in ring_
  int64_t last_;
  std::vector<SubscriptionPtr> subscribers_;
  core::Status closed_;
};

}  // namespace flotilla::storage
