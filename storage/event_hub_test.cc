#include "storage/event_hub.h"

#include <gtest/gtest.h>

namespace flotilla::storage {
namespace {

Event put(const std::string& key, int64_t revision) {
  Event event;
  event.key = key;
  event.revision = revision;
  event.value = std::make_shared<const std::string>("v");
  return event;
}

std::vector<int64_t> revisionsOf(const std::vector<Event>& events) {
  std::vector<int64_t> out;
  for (const auto& event : events) out.push_back(event.revision);
  return out;
}

TEST(EventHubTest, NewSubscriptionReplaysTheRingThenFollows) {
  auto hub = EventHub::create({.ring_capacity = 3, .subscriber_backlog_limit = 100}, 10);
  hub->publish({put("/a/1", 11), put("/b/1", 12), put("/a/2", 13), put("/a/3", 14)});
  EXPECT_EQ(hub->lastRevision(), 14);

  auto inside = hub->subscribe("/a/", 12);  // ring holds 12..14 now
  EXPECT_EQ(inside.replay_to, 12);
  auto outside = hub->subscribe("/a/", 10);  // 11 fell out of the ring
  EXPECT_EQ(outside.replay_to, 14);

  hub->publish({put("/a/4", 15)});
  auto events = inside.subscription->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(events.isOk());
  EXPECT_EQ(revisionsOf(*events), (std::vector<int64_t>{13, 14, 15}));
  events = outside.subscription->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(events.isOk());
  EXPECT_EQ(revisionsOf(*events), std::vector<int64_t>{15});
}

TEST(EventHubTest, BacklogLimitEndsOnlyTheSlowSubscriber) {
  auto hub = EventHub::create({.ring_capacity = 100, .subscriber_backlog_limit = 2}, 0);
  auto slow = hub->subscribe("/", 0).subscription;
  auto fast = hub->subscribe("/", 0).subscription;
  for (int64_t revision = 1; revision <= 5; ++revision) {
    hub->publish({put("/k", revision)});
    ASSERT_TRUE(fast->next(std::chrono::milliseconds(0)).isOk());
  }
  EXPECT_EQ(slow->next(std::chrono::milliseconds(0)).status().code(), core::Code::Gone);
  hub->publish({put("/k", 6)});
  auto events = fast->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(events.isOk());
  EXPECT_EQ(revisionsOf(*events), std::vector<int64_t>{6});
}

TEST(EventHubTest, CloseAndCancelEndSubscriptions) {
  auto hub = EventHub::create({}, 0);
  auto a = hub->subscribe("/", 0).subscription;
  auto b = hub->subscribe("/", 0).subscription;
  a->cancel();
  EXPECT_EQ(a->next(std::chrono::milliseconds(0)).status().code(), core::Code::Unavailable);
  hub->close(core::Status(core::Code::Unavailable, "closed"));
  EXPECT_EQ(b->next(std::chrono::milliseconds(0)).status().code(), core::Code::Unavailable);
  auto late = hub->subscribe("/", 0).subscription;
  EXPECT_EQ(late->next(std::chrono::milliseconds(0)).status().code(), core::Code::Unavailable);
}

}  // namespace
}  // namespace flotilla::storage

namespace flotilla::storage {
namespace {

Event bigPut(const std::string& key, int64_t revision, size_t size) {
  Event event = put(key, revision);
  event.value = std::make_shared<const std::string>(size, 'x');
  return event;
}

TEST(EventHubTest, ByteLimitsBoundTheRingAndEachBacklog) {
  auto hub = EventHub::create({.ring_capacity = 1000,
                               .ring_max_bytes = 3500,
                               .subscriber_backlog_limit = 1000,
                               .subscriber_backlog_bytes = 2500},
                              0);
  auto subscriber = hub->subscribe("/", 0).subscription;
  for (int64_t revision = 1; revision <= 2; ++revision) {
    hub->publish({bigPut("/k", revision, 1000)});
  }
  auto events = subscriber->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(events.isOk());
  EXPECT_EQ(events->size(), 2u);
  // Three more 1000-byte events exceed the subscriber's 2500 bytes.
  for (int64_t revision = 3; revision <= 5; ++revision) {
    hub->publish({bigPut("/k", revision, 1000)});
  }
  EXPECT_EQ(subscriber->next(std::chrono::milliseconds(0)).status().code(), core::Code::Gone);
  // The ring kept only what fits in 3500 bytes: a watch from revision 1 must replay elsewhere.
  EXPECT_EQ(hub->subscribe("/", 1).replay_to, 5);
  EXPECT_EQ(hub->subscribe("/", 3).replay_to, 3);

  // An event larger than the whole byte limit still reaches a subscriber with an empty queue.
  auto fresh = hub->subscribe("/", 5).subscription;
  hub->publish({bigPut("/k", 6, 10'000)});
  events = fresh->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(events.isOk()) << events.status().toString();
  EXPECT_EQ(events->size(), 1u);
}

}  // namespace
}  // namespace flotilla::storage
