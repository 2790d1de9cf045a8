// The shared Storage suite, watch half: every case runs against SQLite and a real etcd.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "storage/storage_test_backends.h"

namespace flotilla::storage {
namespace {

using core::Code;

class StorageWatchSuite : public StorageSuite {};

std::string valueOf(const std::shared_ptr<const std::string>& value) {
  return value ? *value : "<null>";
}

TEST_P(StorageWatchSuite, EventsCarryValuesAndPreviousValues) {
  int64_t start = store().currentRevision().valueOr(-1);
  auto watch = store().watch("/w/", start);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();
  int64_t created = store().create("/w/a", "v1").valueOr(0);
  int64_t updated = store().update("/w/a", "v2", created).valueOr(0);
  auto removed = store().remove("/w/a", updated);
  ASSERT_TRUE(removed.isOk());
  ASSERT_TRUE(store().create("/x/outside", "v").isOk());

  auto collected = collectEvents(**watch, 3);
  ASSERT_EQ(collected.events.size(), 3u) << collected.end.toString();
  const auto& events = collected.events;
  EXPECT_EQ(events[0].type, EventType::Put);
  EXPECT_EQ(events[0].key, "/w/a");
  EXPECT_EQ(valueOf(events[0].value), "v1");
  EXPECT_EQ(events[0].prev_value, nullptr);
  EXPECT_EQ(events[0].revision, created);
  EXPECT_EQ(events[0].create_revision, created);

  EXPECT_EQ(events[1].type, EventType::Put);
  EXPECT_EQ(valueOf(events[1].value), "v2");
  EXPECT_EQ(valueOf(events[1].prev_value), "v1");
  EXPECT_EQ(events[1].revision, updated);
  EXPECT_EQ(events[1].create_revision, created);

  EXPECT_EQ(events[2].type, EventType::Delete);
  EXPECT_EQ(valueOf(events[2].value), "v2") << "a Delete event carries the last value";
  EXPECT_EQ(valueOf(events[2].prev_value), "v2");
  EXPECT_EQ(events[2].revision, removed->mod_revision);
  EXPECT_EQ(events[2].create_revision, created);

  // Nothing else arrives: the write outside the prefix is filtered.
  auto more = (*watch)->next(std::chrono::milliseconds(300));
  ASSERT_TRUE(more.isOk());
  EXPECT_TRUE(more->empty());

  // Replayed from history after a restart (SQLite: from the log table), the events are the same.
  watch->reset();
  reopen();
  auto replay = store().watch("/w/", start);
  ASSERT_TRUE(replay.isOk()) << replay.status().toString();
  auto replayed = collectEvents(**replay, 3);
  ASSERT_EQ(replayed.events.size(), 3u) << replayed.end.toString();
  for (size_t i = 0; i < 3; ++i) {
    const auto& a = replayed.events[i];
    const auto& b = events[i];
    EXPECT_EQ(a.type, b.type) << i;
    EXPECT_EQ(a.key, b.key) << i;
    EXPECT_EQ(a.revision, b.revision) << i;
    EXPECT_EQ(a.create_revision, b.create_revision) << i;
    EXPECT_EQ(valueOf(a.value), valueOf(b.value)) << i;
    EXPECT_EQ(valueOf(a.prev_value), valueOf(b.prev_value)) << i;
  }
}

TEST_P(StorageWatchSuite, WatchFromPastRevisionReplaysHistory) {
  int64_t start = store().currentRevision().valueOr(-1);
  std::vector<int64_t> revisions;
  for (int i = 0; i < 20; ++i) {
    revisions.push_back(store().create("/h/" + std::to_string(i), std::to_string(i)).valueOr(0));
  }
  // Both right away and after a restart (SQLite: the in-memory ring is empty then).
  for (int round = 0; round < 2; ++round) {
    if (round == 1) reopen();
    auto watch = store().watch("/h/", start + 5);
    ASSERT_TRUE(watch.isOk()) << watch.status().toString();
    auto collected = collectEvents(**watch, 15);
    ASSERT_EQ(collected.events.size(), 15u) << collected.end.toString();
    for (size_t i = 0; i < collected.events.size(); ++i) {
      EXPECT_EQ(collected.events[i].revision, revisions[i + 5]);
      EXPECT_EQ(collected.events[i].key, "/h/" + std::to_string(i + 5));
    }
  }
}

TEST_P(StorageWatchSuite, ConcurrentWritersEveryEventOnceInOrder) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 500;
  constexpr size_t kTotal = kThreads * kWritesPerThread;
  int64_t start = store().currentRevision().valueOr(-1);
  auto watch = store().watch("/cw/", start);
  ASSERT_TRUE(watch.isOk()) << watch.status().toString();

  std::vector<std::vector<int64_t>> acknowledged(kThreads);
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        // Each thread creates then updates its own keys so Put events of both kinds interleave.
        std::string key = "/cw/" + std::to_string(t) + "/" + std::to_string(i / 2);
        auto revision = i % 2 == 0 ? store().create(key, "c") : store().update(key, "u", 0);
        if (revision.isOk()) acknowledged[t].push_back(*revision);
      }
    });
  }
  auto collected = collectEvents(**watch, kTotal, 180'000);
  for (auto& writer : writers) writer.join();

  std::set<int64_t> expected;
  for (const auto& revisions : acknowledged) expected.insert(revisions.begin(), revisions.end());
  ASSERT_EQ(expected.size(), kTotal) << "every write must succeed";
  ASSERT_EQ(collected.events.size(), kTotal) << collected.end.toString();
  std::set<int64_t> seen;
  for (size_t i = 0; i < collected.events.size(); ++i) {
    const auto& event = collected.events[i];
    if (i > 0) {
      ASSERT_GT(event.revision, collected.events[i - 1].revision) << "out of order at " << i;
    }
    seen.insert(event.revision);
    if (*event.value == "u") {
      EXPECT_EQ(valueOf(event.prev_value), "c");
    } else {
      EXPECT_EQ(event.prev_value, nullptr);
    }
  }
  EXPECT_EQ(seen, expected);

  // A watch started afterwards from the same revision replays exactly the same sequence.
  auto replay = store().watch("/cw/", start);
  ASSERT_TRUE(replay.isOk());
  auto replayed = collectEvents(**replay, kTotal, 180'000);
  ASSERT_EQ(replayed.events.size(), kTotal) << replayed.end.toString();
  for (size_t i = 0; i < kTotal; ++i) {
    ASSERT_EQ(replayed.events[i].revision, collected.events[i].revision);
  }
}

TEST_P(StorageWatchSuite, CancelEndsTheWatch) {
  auto watch = store().watch("/cancel/", store().currentRevision().valueOr(0));
  ASSERT_TRUE(watch.isOk());
  std::atomic<bool> returned{false};
  core::Status status;
  std::thread reader([&] {
    // Blocks far longer than the test waits unless cancel() wakes it.
    auto batch = (*watch)->next(std::chrono::minutes(5));
    if (!batch.isOk()) status = batch.status();
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*watch)->cancel();
  reader.join();
  EXPECT_TRUE(returned);
  EXPECT_FALSE(status.isOk());
  EXPECT_FALSE((*watch)->next(std::chrono::milliseconds(10)).isOk());
  // Writes continue normally afterwards.
  EXPECT_TRUE(store().create("/cancel/a", "v").isOk());
}

TEST_P(StorageWatchSuite, ManyWatchersSeeTheSameEvents) {
  int64_t start = store().currentRevision().valueOr(0);
  std::vector<WatchPtr> watches;
  for (int i = 0; i < 4; ++i) {
    auto watch = store().watch(i % 2 == 0 ? "/mw/" : "/mw/a", start);
    ASSERT_TRUE(watch.isOk());
    watches.push_back(std::move(watch).value());
  }
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store()
                    .create("/mw/" + std::string(i % 2 == 0 ? "a" : "b") + std::to_string(i), "v")
                    .isOk());
  }
  for (int i = 0; i < 4; ++i) {
    size_t want = i % 2 == 0 ? 10 : 5;
    auto collected = collectEvents(*watches[i], want);
    EXPECT_EQ(collected.events.size(), want) << "watcher " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageWatchSuite, ::testing::Values("sqlite", "etcd"),
                         backendName);

}  // namespace
}  // namespace flotilla::storage
