#include "controllers/scheduler/scheduler_controller.h"

#include <gtest/gtest.h>

#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

nlohmann::json binding(const nlohmann::json& placement, int replicas) {
  return {{"apiVersion", "work.karmada.io/v1alpha2"},
          {"kind", "ResourceBinding"},
          {"metadata", {{"name", "web-deployment"}, {"namespace", "default"}}},
          {"spec",
           {{"resource",
             {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"namespace", "default"},
              {"name", "web"}, {"uid", "u1"}}},
            {"replicas", replicas},
            {"replicaRequirements", {{"resourceRequest", {{"cpu", "100m"}}}}},
            {"placement", placement}}}};
}

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer rbs, crbs, clusters;
  std::unique_ptr<SchedulerController> controller;
  Fixture() {
    for (const char* name : {"m1", "m2", "m3"}) {
      EXPECT_TRUE(host->create(kClustersGvr, "", testing::readyCluster(name), {}));
    }
    controller = std::make_unique<SchedulerController>(
        host, SchedulerCaches{&rbs, &crbs, &clusters, nullptr}, nullptr,
        std::make_shared<core::FakeClock>());
  }
  nlohmann::json schedule() {
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    testing::loadCache(*host, kClustersGvr, clusters);
    auto r = controller->reconcile({"default", "web-deployment"});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  }
};

TEST(SchedulerControllerTest, PlacementsTable) {
  struct Row {
    const char* name;
    nlohmann::json placement;
    int replicas;
    std::map<std::string, int> want;  // cluster -> replicas (0 = duplicated without count)
  };
  const std::vector<Row> rows = {
      {"duplicated to named clusters",
       nlohmann::json::parse(R"({"clusterAffinity": {"clusterNames": ["m1", "m2"]},
           "replicaScheduling": {"replicaSchedulingType": "Duplicated"}})"),
       2,
       {{"m1", 2}, {"m2", 2}}},
      {"divided by static weight",
       nlohmann::json::parse(R"({"clusterAffinity": {"clusterNames": ["m1", "m2"]},
           "replicaScheduling": {"replicaSchedulingType": "Divided",
             "replicaDivisionPreference": "Weighted",
             "weightPreference": {"staticWeightList": [
               {"targetCluster": {"clusterNames": ["m1"]}, "weight": 1},
               {"targetCluster": {"clusterNames": ["m2"]}, "weight": 2}]}}})"),
       3,
       {{"m1", 1}, {"m2", 2}}},
  };
  for (const auto& row : rows) {
    Fixture f;
    ASSERT_TRUE(f.host->create(kResourceBindingsGvr, "default", binding(row.placement, row.replicas),
                               {}));
    const auto b = f.schedule();
    std::map<std::string, int> got;
    for (const auto& c : b["spec"]["clusters"]) got[c["name"]] = c.value("replicas", 0);
    EXPECT_EQ(got, row.want) << row.name;
    EXPECT_EQ(conditionStatus(b["status"]["conditions"], "Scheduled"), "True") << row.name;
    EXPECT_EQ(b["metadata"]["annotations"][kAppliedPlacementAnnotation],
              row.placement.dump()) << row.name;
    EXPECT_FALSE(needsScheduling(b)) << row.name;
  }
}

TEST(SchedulerControllerTest, StaleCacheAfterOwnWritesIsNoConflict) {
  // The spec and status writes of one pass each bring an event; a pass that runs before the
  // cache has caught up must not schedule again from the version our writes replaced (its
  // writes would fail with 409 Conflict).
  struct Row {
    const char* name;
    int passes;
  };
  const std::vector<Row> rows = {{"one stale pass", 1}, {"several stale passes", 3}};
  for (const auto& row : rows) {
    Fixture f;
    ASSERT_TRUE(f.host->create(
        kResourceBindingsGvr, "default",
        binding({{"clusterAffinity", {{"clusterNames", {"m1", "m2"}}}}}, 2), {}));
    const auto scheduled = f.schedule();
    const std::string version = scheduled["metadata"]["resourceVersion"];
    for (int i = 0; i < row.passes; ++i) {
      // The cache still holds the binding as it was before the first pass.
      auto r = f.controller->reconcile({"default", "web-deployment"});
      EXPECT_TRUE(r.isOk()) << row.name << ": " << r.status().toString();
    }
    const auto b = (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
    EXPECT_EQ(b["metadata"]["resourceVersion"], version) << row.name;
    // Once the cache has our writes, the key is reconciled from the cache again.
    testing::loadCache(*f.host, kResourceBindingsGvr, f.rbs);
    EXPECT_TRUE(f.controller->reconcile({"default", "web-deployment"}).isOk()) << row.name;
    EXPECT_EQ((*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))
                  ->json()["metadata"]["resourceVersion"],
              version) << row.name;
  }
}

TEST(SchedulerControllerTest, NoFitExplainsAndKeepsClusters) {
  Fixture f;
  ASSERT_TRUE(f.host->create(
      kResourceBindingsGvr, "default",
      binding({{"clusterAffinity", {{"clusterNames", {"nowhere"}}}}}, 1), {}));
  const auto b = f.schedule();
  EXPECT_FALSE(b["spec"].contains("clusters"));
  EXPECT_EQ(conditionStatus(b["status"]["conditions"], "Scheduled"), "False");
  EXPECT_EQ(b["status"]["conditions"][0]["reason"], "NoClusterFit");
  EXPECT_FALSE(b["status"]["conditions"][0].value("message", "").empty());
}

TEST(SchedulerControllerTest, OtherSchedulerNameIsIgnored) {
  Fixture f;
  auto b = binding({{"clusterAffinity", {{"clusterNames", {"m1"}}}}}, 1);
  b["spec"]["schedulerName"] = "someone-else";
  ASSERT_TRUE(f.host->create(kResourceBindingsGvr, "default", b, {}));
  EXPECT_FALSE(f.schedule()["spec"].contains("clusters"));
}

TEST(SchedulerControllerTest, DependencyFollowsRequiringBinding) {
  Fixture f;
  auto parent = binding({{"clusterAffinity", {{"clusterNames", {"m1", "m3"}}}}}, 1);
  ASSERT_TRUE(f.host->create(kResourceBindingsGvr, "default", parent, {}));
  f.schedule();
  ASSERT_TRUE(f.host->create(
      kResourceBindingsGvr, "default",
      {{"metadata", {{"name", "cfg-configmap"}, {"namespace", "default"}}},
       {"spec",
        {{"resource", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "cfg"}}},
         {"requiredBy", {{{"namespace", "default"}, {"name", "web-deployment"}}}}}}},
      {}));
  testing::loadCache(*f.host, kResourceBindingsGvr, f.rbs);
  ASSERT_TRUE(f.controller->reconcile({"default", "cfg-configmap"}).isOk());
  auto dep = (*f.host->get(kResourceBindingsGvr, "default", "cfg-configmap", ""))->json();
  ASSERT_EQ(dep["spec"]["clusters"].size(), 2u);
  EXPECT_EQ(dep["spec"]["clusters"][0]["name"], "m1");
  EXPECT_EQ(dep["spec"]["clusters"][1]["name"], "m3");
}

}  // namespace
}  // namespace flotilla::controllers
