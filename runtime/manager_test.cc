#include "runtime/manager.h"

#include <gtest/gtest.h>

#include <thread>

#include "client/fake_client.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;
const client::GroupVersionResource kCm{"", "v1", "configmaps"};

TEST(ManagerTest, SyncsRunsAndShutsDown) {
  auto fake = std::make_shared<client::FakeClient>();
  ASSERT_TRUE(fake->create(kCm, "a", {{"metadata", {{"name", "x"}}}}, {}));
  ManagerOptions o;
  o.metrics_port = 0;
  Manager m(fake, o);
  auto inf = m.informers().informerFor(kCm);
  std::atomic<int> reconciled{0};
  auto& c = m.addController({"counter"}, std::make_shared<FuncReconciler>([&](const Request& r) {
                              EXPECT_EQ(r.key(), "a/x");
                              ++reconciled;
                              return core::Result<ReconcileResult>(ReconcileResult{});
                            }));
  c.watch(*inf);
  std::thread t([&] { EXPECT_TRUE(m.run().isOk()); });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((!m.ready() || reconciled.load() == 0) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_TRUE(m.ready());
  EXPECT_EQ(reconciled.load(), 1);
  EXPECT_TRUE(m.leading()) << "without leader election every replica acts";
  EXPECT_NE(m.metricsPort(), 0);
  m.cancel();
  t.join();
  EXPECT_FALSE(c.running());
  EXPECT_NE(m.metrics().render().find("controller_runtime_reconcile_total{controller=\"counter\",result=\"success\"} 1"),
            std::string::npos);
}

TEST(ManagerTest, LeaderElectionGatesControllers) {
  auto fake = std::make_shared<client::FakeClient>();
  ASSERT_TRUE(fake->create(kCm, "a", {{"metadata", {{"name", "x"}}}}, {}));
  // Someone else holds a fresh lease: this manager must not act.
  ASSERT_TRUE(fake->create({"coordination.k8s.io", "v1", "leases"}, "kube-system",
                           {{"metadata", {{"name", "m"}}},
                            {"spec", {{"holderIdentity", "other"}, {"leaseDurationSeconds", 3600},
                                      {"renewTime", "2026-01-01T00:00:00.000000Z"}}}},
                           {}));
  ManagerOptions o;
  o.metrics_port = std::nullopt;
  LeaderElectionConfig le;
  le.lease_name = "m";
  le.identity = "me";
  le.retry_period = 10ms;
  o.leader_election = le;
  Manager m(fake, o);
  auto inf = m.informers().informerFor(kCm);
  std::atomic<int> reconciled{0};
  auto& c = m.addController({"gated"}, std::make_shared<FuncReconciler>([&](const Request&) {
                              ++reconciled;
                              return core::Result<ReconcileResult>(ReconcileResult{});
                            }));
  c.watch(*inf);
  std::thread t([&] { EXPECT_TRUE(m.run().isOk()); });
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(reconciled.load(), 0);
  EXPECT_FALSE(m.leading());
  m.cancel();
  t.join();
}

}  // namespace
}  // namespace flotilla::runtime
