#include "controllers/application_failover/application_failover_controller.h"

#include <gtest/gtest.h>

#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

Json binding(const Json& failover) {
  Json b = {
      {"apiVersion", "work.karmada.io/v1alpha2"},
      {"kind", "ResourceBinding"},
      {"metadata", {{"name", "web-deployment"}, {"namespace", "default"}}},
      {"spec",
       {{"resource",
         {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"namespace", "default"},
          {"name", "web"}}},
        {"replicas", 3},
        {"propagateDeps", true},
        {"clusters", {{{"name", "m1"}, {"replicas", 1}}, {{"name", "m2"}, {"replicas", 2}}}}}}};
  if (!failover.is_null()) b["spec"]["failover"] = failover;
  return b;
}

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer rbs, crbs;
  std::shared_ptr<core::FakeClock> clock = std::make_shared<core::FakeClock>();
  ApplicationFailoverController controller{host, {&rbs, &crbs}, nullptr, clock};

  explicit Fixture(const Json& failover) {
    EXPECT_TRUE(host->create(kResourceBindingsGvr, "default", binding(failover), {}));
  }
  void health(const std::string& m1, const std::string& m2) {
    auto b = (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
    b["status"]["aggregatedStatus"] = {{{"clusterName", "m1"}, {"applied", true}, {"health", m1}},
                                       {{"clusterName", "m2"}, {"applied", true}, {"health", m2}}};
    ASSERT_TRUE(host->update(kResourceBindingsGvr, "default", b, {}, "status"));
  }
  core::Result<runtime::ReconcileResult> reconcile() {
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    return controller.reconcile({"default", "web-deployment"});
  }
  Json spec() {
    return (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json()["spec"];
  }
};

const Json kFailover = {{"application",
                         {{"decisionConditions", {{"tolerationSeconds", 60}}},
                          {"purgeMode", "Gracefully"},
                          {"gracePeriodSeconds", 120}}}};

TEST(ApplicationFailoverControllerTest, UnhealthyPastTheTolerationIsEvicted) {
  Fixture f(kFailover);
  f.health("Unhealthy", "Healthy");
  auto r = f.reconcile();
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->requeue_after, std::chrono::nanoseconds(60s));
  EXPECT_EQ(f.spec()["clusters"].size(), 2u);  // within the toleration
  EXPECT_EQ(f.controller.trackedBindings(), 1u);

  f.clock->advance(59s);
  ASSERT_TRUE(f.reconcile().isOk());
  EXPECT_EQ(f.spec()["clusters"].size(), 2u);

  f.clock->advance(1s);
  r = f.reconcile();
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  const Json spec = f.spec();
  ASSERT_EQ(spec["clusters"].size(), 1u);
  EXPECT_EQ(spec["clusters"][0]["name"], "m2");
  ASSERT_EQ(spec["gracefulEvictionTasks"].size(), 1u);
  const Json& task = spec["gracefulEvictionTasks"][0];
  EXPECT_EQ(task["fromCluster"], "m1");
  EXPECT_EQ(task["reason"], "ApplicationFailure");
  EXPECT_EQ(task["producer"], "resource-binding-application-failover-controller");
  EXPECT_EQ(task["purgeMode"], "Gracefully");
  EXPECT_EQ(task["gracePeriodSeconds"], 120);
  EXPECT_EQ(task["replicas"], 1);
  EXPECT_EQ(f.controller.trackedBindings(), 0u);
}

TEST(ApplicationFailoverControllerTest, RecoveryResetsTheTimer) {
  Fixture f(kFailover);
  f.health("Unhealthy", "Healthy");
  ASSERT_TRUE(f.reconcile().isOk());
  f.clock->advance(50s);
  f.health("Healthy", "Healthy");
  ASSERT_TRUE(f.reconcile().isOk());
  EXPECT_EQ(f.controller.trackedBindings(), 0u);
  f.health("Unhealthy", "Healthy");
  f.clock->advance(30s);
  ASSERT_TRUE(f.reconcile().isOk());  // a new timer starts now
  f.clock->advance(30s);
  ASSERT_TRUE(f.reconcile().isOk());
  EXPECT_EQ(f.spec()["clusters"].size(), 2u) << "only 30 s of the new unhealthy spell";
}

TEST(ApplicationFailoverControllerTest, WithoutApplicationFailoverNothingHappens) {
  for (const Json& failover : {Json(), Json{{"cluster", {{"purgeMode", "Directly"}}}}}) {
    SCOPED_TRACE(failover.dump());
    Fixture f(failover);
    f.health("Unhealthy", "Unhealthy");
    auto r = f.reconcile();
    ASSERT_TRUE(r.isOk());
    EXPECT_FALSE(r->requeue_after.has_value());
    f.clock->advance(1h);
    ASSERT_TRUE(f.reconcile().isOk());
    EXPECT_EQ(f.spec()["clusters"].size(), 2u);
    EXPECT_EQ(f.controller.trackedBindings(), 0u);
  }
}

TEST(ApplicationFailoverControllerTest, NeverPurgeKeepsTheOldCopyUntilAPersonActs) {
  Fixture f(Json{{"application", {{"decisionConditions", {{"tolerationSeconds", 0}}},
                                   {"purgeMode", "Never"}}}});
  f.health("Healthy", "Unhealthy");
  ASSERT_TRUE(f.reconcile().isOk());
  const Json spec = f.spec();
  ASSERT_EQ(spec["gracefulEvictionTasks"].size(), 1u);
  EXPECT_EQ(spec["gracefulEvictionTasks"][0]["fromCluster"], "m2");
  EXPECT_EQ(spec["gracefulEvictionTasks"][0]["suppressDeletion"], true);
  // The evicted cluster is not tracked again while its task exists.
  ASSERT_TRUE(f.reconcile().isOk());
  EXPECT_EQ(f.spec()["gracefulEvictionTasks"].size(), 1u);
}

TEST(ApplicationFailoverControllerTest, DeletedBindingForgetsItsTimers) {
  Fixture f(kFailover);
  f.health("Unhealthy", "Healthy");
  ASSERT_TRUE(f.reconcile().isOk());
  EXPECT_EQ(f.controller.trackedBindings(), 1u);
  ASSERT_TRUE(f.host->remove(kResourceBindingsGvr, "default", "web-deployment", {}).isOk());
  ASSERT_TRUE(f.reconcile().isOk());
  EXPECT_EQ(f.controller.trackedBindings(), 0u);
}

}  // namespace
}  // namespace flotilla::controllers
