#include "controllers/taint_manager/taint_manager.h"

#include <gtest/gtest.h>

#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

nlohmann::json binding(const nlohmann::json& tolerations, const nlohmann::json& failover) {
  nlohmann::json placement = {{"clusterAffinity", {{"clusterNames", {"m1", "m2"}}}}};
  if (!tolerations.is_null()) placement["clusterTolerations"] = tolerations;
  nlohmann::json b = {
      {"apiVersion", "work.karmada.io/v1alpha2"},
      {"kind", "ResourceBinding"},
      {"metadata",
       {{"name", "web-deployment"},
        {"namespace", "default"},
        {"annotations", {{kAppliedPlacementAnnotation, placement.dump()}}}}},
      {"spec",
       {{"resource",
         {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"namespace", "default"},
          {"name", "web"}}},
        {"replicas", 3},
        {"placement", placement},
        {"clusters", {{{"name", "m1"}, {"replicas", 1}}, {{"name", "m2"}, {"replicas", 2}}}}}}};
  if (!failover.is_null()) b["spec"]["failover"] = failover;
  return b;
}

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer rbs, crbs, clusters;
  std::shared_ptr<core::FakeClock> clock = std::make_shared<core::FakeClock>();
  TaintManager manager{host, {&rbs, &crbs, &clusters}, nullptr, clock};

  Fixture() {
    for (const char* name : {"m1", "m2"}) {
      EXPECT_TRUE(host->create(kClustersGvr, "", testing::readyCluster(name), {}));
    }
  }
  void taint(const std::string& cluster, const std::string& effect) {
    auto c = (*host->get(kClustersGvr, "", cluster, ""))->json();
    c["spec"]["taints"] = {{{"key", "failover.flotilla.io/down"},
                            {"effect", effect},
                            {"timeAdded", nowText(*clock)}}};
    ASSERT_TRUE(host->update(kClustersGvr, "", c, {}, ""));
  }
  core::Result<runtime::ReconcileResult> reconcile() {
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    testing::loadCache(*host, kClustersGvr, clusters);
    return manager.reconcile({"default", "web-deployment"});
  }
  nlohmann::json spec() {
    return (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json()["spec"];
  }
};

TEST(TaintManagerTest, Table) {
  struct Row {
    const char* name;
    std::string effect;  // taint on m1; "" = none
    nlohmann::json tolerations;
    nlohmann::json failover;
    bool evicted;
    std::string purge_mode;
  };
  const nlohmann::json forever = {
      {{"key", "failover.flotilla.io/down"}, {"operator", "Exists"}, {"effect", "NoExecute"}}};
  const std::vector<Row> rows = {
      {"no taint", "", nullptr, nullptr, false, ""},
      {"NoSchedule does not evict", "NoSchedule", nullptr, nullptr, false, ""},
      {"untolerated NoExecute evicts Gracefully by default", "NoExecute", nullptr, nullptr, true,
       "Gracefully"},
      {"policy purge mode Directly", "NoExecute", nullptr, {{"cluster", {{"purgeMode", "Directly"}}}},
       true, "Directly"},
      {"empty cluster failover means Gracefully", "NoExecute", nullptr,
       {{"cluster", nlohmann::json::object()}}, true, "Gracefully"},
      {"tolerated forever stays", "NoExecute", forever, nullptr, false, ""},
  };
  for (const auto& r : rows) {
    Fixture f;
    if (!r.effect.empty()) f.taint("m1", r.effect);
    ASSERT_TRUE(f.host->create(kResourceBindingsGvr, "default",
                               binding(r.tolerations, r.failover), {}));
    auto result = f.reconcile();
    ASSERT_TRUE(result.isOk()) << r.name << ": " << result.status().toString();
    const auto spec = f.spec();
    if (!r.evicted) {
      EXPECT_EQ(spec["clusters"].size(), 2u) << r.name;
      EXPECT_FALSE(spec.contains("gracefulEvictionTasks")) << r.name;
      continue;
    }
    ASSERT_EQ(spec["clusters"].size(), 1u) << r.name;
    EXPECT_EQ(spec["clusters"][0]["name"], "m2") << r.name;
    ASSERT_EQ(spec["gracefulEvictionTasks"].size(), 1u) << r.name;
    const auto& task = spec["gracefulEvictionTasks"][0];
    EXPECT_EQ(task["fromCluster"], "m1") << r.name;
    EXPECT_EQ(task["purgeMode"], r.purge_mode) << r.name;
    EXPECT_EQ(task["replicas"], 1) << r.name;
    EXPECT_EQ(task["reason"], "TaintUntolerated") << r.name;
    EXPECT_EQ(task["producer"], "TaintManager") << r.name;
  }
}

TEST(TaintManagerTest, TolerationSecondsDelayTheEviction) {
  Fixture f;
  f.taint("m1", "NoExecute");
  const nlohmann::json thirty = {{{"key", "failover.flotilla.io/down"},
                                  {"operator", "Exists"},
                                  {"effect", "NoExecute"},
                                  {"tolerationSeconds", 30}}};
  ASSERT_TRUE(f.host->create(kResourceBindingsGvr, "default", binding(thirty, nullptr), {}));
  auto first = f.reconcile();
  ASSERT_TRUE(first.isOk());
  ASSERT_TRUE(first->requeue_after.has_value());
  EXPECT_EQ(*first->requeue_after, std::chrono::seconds(30));
  EXPECT_EQ(f.spec()["clusters"].size(), 2u);
  f.clock->advance(std::chrono::seconds(31));
  ASSERT_TRUE(f.reconcile().isOk());
  EXPECT_EQ(f.spec()["clusters"].size(), 1u);
  EXPECT_EQ(f.spec()["gracefulEvictionTasks"][0]["fromCluster"], "m1");
}

TEST(TaintManagerTest, IdempotentAndMapsClusterEvents) {
  Fixture f;
  f.taint("m1", "NoExecute");
  ASSERT_TRUE(f.host->create(kResourceBindingsGvr, "default", binding(nullptr, nullptr), {}));
  testing::loadCache(*f.host, kResourceBindingsGvr, f.rbs);
  EXPECT_EQ(bindingsOnCluster(f.rbs, f.crbs, "m1").size(), 1u);
  EXPECT_EQ(bindingsOnCluster(f.rbs, f.crbs, "m9").size(), 0u);
  ASSERT_TRUE(f.reconcile().isOk());
  const auto rv = (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))
                      ->json()["metadata"]["resourceVersion"];
  ASSERT_TRUE(f.reconcile().isOk());
  EXPECT_EQ((*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))
                ->json()["metadata"]["resourceVersion"],
            rv);
  EXPECT_EQ(f.spec()["gracefulEvictionTasks"].size(), 1u);
  testing::loadCache(*f.host, kResourceBindingsGvr, f.rbs);
  EXPECT_TRUE(bindingsOnCluster(f.rbs, f.crbs, "m1").empty());
}

// Karmada's --resource-eviction-rate: past the burst, bindings wait for a token.
TEST(TaintManagerTest, EvictionsAreRateLimited) {
  auto host = std::make_shared<client::FakeClient>();
  auto clock = std::make_shared<core::FakeClock>();
  client::Indexer rbs, crbs, clusters;
  TaintManagerOptions options;
  options.eviction_rate = 0.5;
  options.eviction_burst = 2;
  TaintManager manager{host, {&rbs, &crbs, &clusters}, nullptr, clock, options};
  for (const char* name : {"m1", "m2"}) {
    ASSERT_TRUE(host->create(kClustersGvr, "", testing::readyCluster(name), {}));
  }
  auto c = (*host->get(kClustersGvr, "", "m1", ""))->json();
  c["spec"]["taints"] = {{{"key", "down"}, {"effect", "NoExecute"}, {"timeAdded", nowText(*clock)}}};
  ASSERT_TRUE(host->update(kClustersGvr, "", c, {}, ""));
  std::vector<std::string> names = {"a", "b", "c"};
  for (const auto& n : names) {
    auto b = binding(nullptr, nullptr);
    b["metadata"]["name"] = n;
    ASSERT_TRUE(host->create(kResourceBindingsGvr, "default", b, {}));
  }
  testing::loadCache(*host, kResourceBindingsGvr, rbs);
  testing::loadCache(*host, kClustersGvr, clusters);
  auto evicted = [&](const std::string& n) {
    return (*host->get(kResourceBindingsGvr, "default", n, ""))->json()["spec"]["clusters"].size() ==
           1u;
  };
  for (const auto& n : names) ASSERT_TRUE(manager.reconcile({"default", n}).isOk());
  EXPECT_TRUE(evicted("a"));
  EXPECT_TRUE(evicted("b"));
  EXPECT_FALSE(evicted("c")) << "over the burst of 2";
  auto r = manager.reconcile({"default", "c"});
  ASSERT_TRUE(r.isOk());
  ASSERT_TRUE(r->requeue_after.has_value());
  EXPECT_EQ(*r->requeue_after, std::chrono::seconds(2));
  clock->advance(std::chrono::seconds(2));
  ASSERT_TRUE(manager.reconcile({"default", "c"}).isOk());
  EXPECT_TRUE(evicted("c"));
}

}  // namespace
}  // namespace flotilla::controllers
