#include "runtime/leader_election.h"

#include <gtest/gtest.h>

#include <thread>

#include "client/fake_client.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;
const client::GroupVersionResource kLeases{"coordination.k8s.io", "v1", "leases"};

LeaderElectionConfig cfg(const std::string& id) {
  LeaderElectionConfig c;
  c.lease_namespace = "kube-system";
  c.lease_name = "demo";
  c.identity = id;
  return c;  // 15 s / 10 s / 2 s defaults
}

TEST(LeaderElectionTest, OneLeaderThenTakeoverAfterExpiry) {
  auto fake = std::make_shared<client::FakeClient>();
  auto clock_a = std::make_shared<core::FakeClock>();
  auto clock_b = std::make_shared<core::FakeClock>();
  MetricsRegistry metrics;
  LeaderElector a(fake, cfg("a"), clock_a, &metrics);
  LeaderElector b(fake, cfg("b"), clock_b);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  EXPECT_FALSE(b.tryAcquireOrRenew());
  auto lease = fake->get(kLeases, "kube-system", "demo", "");
  ASSERT_TRUE(lease);
  const auto& spec = (*lease)->json()["spec"];
  EXPECT_EQ(spec["holderIdentity"], "a");
  EXPECT_EQ(spec["leaseDurationSeconds"], 15);
  EXPECT_EQ(spec["leaseTransitions"], 0);
  const std::string renew = spec["renewTime"];
  EXPECT_EQ(renew.size(), std::string("2023-11-14T22:13:20.000000Z").size()) << renew;
  EXPECT_EQ(renew.substr(renew.size() - 8), ".000000Z");

  // a keeps renewing: b never takes over however long it waits.
  for (int i = 0; i < 10; ++i) {
    clock_a->advance(2s);
    clock_b->advance(2s);
    ASSERT_TRUE(a.tryAcquireOrRenew());
    ASSERT_FALSE(b.tryAcquireOrRenew());
  }
  // a stops renewing: b needs a full lease duration of no change by its own clock.
  clock_b->advance(14s);
  EXPECT_FALSE(b.tryAcquireOrRenew());
  clock_b->advance(2s);
  EXPECT_TRUE(b.tryAcquireOrRenew());
  lease = fake->get(kLeases, "kube-system", "demo", "");
  EXPECT_EQ((*lease)->json()["spec"]["holderIdentity"], "b");
  EXPECT_EQ((*lease)->json()["spec"]["leaseTransitions"], 1);
  // a comes back: it sees a new holder and backs off.
  clock_a->advance(1s);
  EXPECT_FALSE(a.tryAcquireOrRenew());
}

TEST(LeaderElectionTest, PausedLeaderStopsActingAtRenewDeadline) {
  auto fake = std::make_shared<client::FakeClient>();
  auto clock = std::make_shared<core::FakeClock>();
  auto c = cfg("a");
  c.retry_period = 5ms;  // real-time sleeps of the loop
  std::atomic<bool> started{false}, stopped{false};
  c.on_started_leading = [&] { started = true; };
  c.on_stopped_leading = [&] { stopped = true; };
  LeaderElector a(fake, c, clock);
  client::Cancellation cancel;
  std::thread t([&] { a.run(cancel); });
  while (!started) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(a.leading());
  // Make renewals fail, then let the clock jump as if the process had been stopped for 11 s: the
  // gate closes immediately, whatever the renew loop is doing.
  fake->failNext(1000000, core::Status(core::Code::Unavailable, "apiserver unreachable"));
  clock->advance(11s);
  EXPECT_FALSE(a.leading());
  while (!stopped) std::this_thread::sleep_for(1ms);
  cancel.cancel();
  t.join();
}

TEST(LeaderElectionTest, ReleaseOnCancelHandsOverImmediately) {
  auto fake = std::make_shared<client::FakeClient>();
  auto clock = std::make_shared<core::FakeClock>();
  auto c = cfg("a");
  c.retry_period = 5ms;
  std::atomic<bool> started{false};
  c.on_started_leading = [&] { started = true; };
  LeaderElector a(fake, c, clock);
  client::Cancellation cancel;
  std::thread t([&] { a.run(cancel); });
  while (!started) std::this_thread::sleep_for(1ms);
  cancel.cancel();
  t.join();
  auto lease = fake->get(kLeases, "kube-system", "demo", "");
  EXPECT_EQ((*lease)->json()["spec"]["holderIdentity"], "");
  LeaderElector b(fake, cfg("b"), std::make_shared<core::FakeClock>());
  EXPECT_TRUE(b.tryAcquireOrRenew());
}

}  // namespace
}  // namespace flotilla::runtime
