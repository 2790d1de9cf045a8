#include "runtime/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;

// Waits generously (real time) for something that must happen.
template <typename F>
bool eventually(F f, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return f();
}

WorkQueueOptions fakeOptions(std::shared_ptr<core::FakeClock> clock) {
  WorkQueueOptions o;
  o.clock = clock;
  o.max_poll = 2ms;
  return o;
}

TEST(WorkQueueTest, DeduplicatesQueuedKeys) {
  WorkQueue q;
  q.add("a");
  q.add("a");
  q.add("b");
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
}

TEST(WorkQueueTest, KeyAddedWhileProcessingIsRequeuedAfterDone) {
  WorkQueue q;
  q.add("a");
  auto k = q.get();
  ASSERT_EQ(k, "a");
  q.add("a");
  EXPECT_EQ(q.len(), 0u) << "must not be handed out while processing";
  q.done("a");
  EXPECT_EQ(q.len(), 1u);
  EXPECT_EQ(q.get(), "a");
  q.done("a");
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, AddAfterWaitsForClock) {
  auto clock = std::make_shared<core::FakeClock>();
  WorkQueue q(fakeOptions(clock));
  q.addAfter("a", 1s);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(q.len(), 0u);
  clock->advance(999ms);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(q.len(), 0u);
  clock->advance(1ms);
  EXPECT_TRUE(eventually([&] { return q.len() == 1; }));
}

TEST(WorkQueueTest, AddAfterKeepsEarliestTime) {
  auto clock = std::make_shared<core::FakeClock>();
  WorkQueue q(fakeOptions(clock));
  q.addAfter("a", 10s);
  q.addAfter("a", 1s);
  clock->advance(1s);
  EXPECT_TRUE(eventually([&] { return q.len() == 1; }));
  EXPECT_EQ(q.get(), "a");
  q.done("a");
  clock->advance(20s);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(q.len(), 0u) << "the later duplicate was dropped";
}

TEST(WorkQueueTest, RealClockWakesForAnEarlierKeyOnly) {
  // The delay thread sleeps until the earliest key is due; a later key does not wake it, an
  // earlier one must.
  WorkQueue q;
  const auto start = std::chrono::steady_clock::now();
  q.addAfter("late", 60s);
  q.addAfter("later", 120s);
  q.addAfter("soon", 30ms);
  q.addAfter("soon-after", 60ms);
  EXPECT_EQ(q.get(), "soon");
  EXPECT_EQ(q.get(), "soon-after");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(q.len(), 0u);
  q.addAfter("late", 10ms);  // moved earlier: due at once
  EXPECT_EQ(q.get(), "late");
  q.shutDown();
}

TEST(WorkQueueTest, RateLimitedBackoffFollowsLimiter) {
  auto clock = std::make_shared<core::FakeClock>();
  WorkQueue q(fakeOptions(clock));
  // 5 ms, 10 ms, 20 ms, 40 ms.
  for (auto delay : {5ms, 10ms, 20ms, 40ms}) {
    q.addRateLimited("a");
    clock->advance(delay - 1ms);
    std::this_thread::sleep_for(10ms);
    EXPECT_EQ(q.len(), 0u) << delay.count();
    clock->advance(1ms);
    ASSERT_TRUE(eventually([&] { return q.len() == 1; })) << delay.count();
    ASSERT_EQ(q.get(), "a");
    q.done("a");
  }
  EXPECT_EQ(q.numRequeues("a"), 4);
  q.forget("a");
  EXPECT_EQ(q.numRequeues("a"), 0);
}

TEST(WorkQueueTest, NeverProcessesOneKeyConcurrently) {
  WorkQueue q;
  constexpr int kKeys = 10;
  std::atomic<int> in_flight[kKeys] = {};
  std::atomic<bool> violated{false};
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      while (auto k = q.get()) {
        const int i = std::stoi(*k);
        if (in_flight[i].fetch_add(1) != 0) violated = true;
        std::this_thread::sleep_for(50us);
        in_flight[i].fetch_sub(1);
        ++processed;
        q.done(*k);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&] {
      for (int n = 0; n < 2000; ++n) q.add(std::to_string(n % kKeys));
    });
  }
  for (auto& t : producers) t.join();
  q.shutDownWithDrain();
  for (auto& t : workers) t.join();
  EXPECT_FALSE(violated);
  EXPECT_GT(processed.load(), 0);
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, ShutdownDrainsQueuedKeysThenStops) {
  WorkQueue q;
  q.add("a");
  q.add("b");
  q.shutDown();
  q.add("c");  // ignored after shutdown
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.get(), std::nullopt);
  EXPECT_TRUE(q.shuttingDown());
}

TEST(WorkQueueTest, ShutdownWithDrainWaitsForInFlight) {
  WorkQueue q;
  q.add("a");
  auto k = q.get();
  std::atomic<bool> returned{false};
  std::thread t([&] {
    q.shutDownWithDrain();
    returned = true;
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(returned);
  q.done(*k);
  t.join();
  EXPECT_TRUE(returned);
}

TEST(WorkQueueTest, MetricsHooks) {
  auto clock = std::make_shared<core::FakeClock>();
  MetricsRegistry registry;
  auto o = fakeOptions(clock);
  o.name = "q1";
  o.metrics = prometheusQueueMetrics(registry, "q1");
  WorkQueue q(o);
  q.add("a");
  q.add("a");
  q.add("b");
  auto* adds = registry.counter("workqueue_adds_total", "", {"name"});
  auto* depth = registry.gauge("workqueue_depth", "", {"name"});
  EXPECT_EQ(adds->value({"q1"}), 2);
  EXPECT_EQ(depth->value({"q1"}), 2);
  clock->advance(2s);
  auto k = q.get();
  clock->advance(3s);
  q.done(*k);
  q.addRateLimited("c");
  EXPECT_EQ(registry.counter("workqueue_retries_total", "", {"name"})->value({"q1"}), 1);
  const std::string text = registry.render();
  EXPECT_NE(text.find("workqueue_queue_duration_seconds_sum{name=\"q1\"} 2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("workqueue_work_duration_seconds_sum{name=\"q1\"} 3"), std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE workqueue_depth gauge"), std::string::npos);
}

}  // namespace
}  // namespace flotilla::runtime
