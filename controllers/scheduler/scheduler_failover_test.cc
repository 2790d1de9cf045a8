// The scheduler controller's part in cluster failover (karmada.md §2d, §2e): clusters with a
// graceful-eviction task are left out, the scheduling group falls through to the next one when
// the current one cannot fit, it never moves back on its own, and rescheduleTriggeredAt (what
// `flotilla failback` writes) starts again from the first group.
#include <gtest/gtest.h>

#include "controllers/scheduler/scheduler_controller.h"
#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

const nlohmann::json kGroups = nlohmann::json::parse(R"({
  "clusterAffinities": [
    {"affinityName": "primary", "clusterNames": ["m1"]},
    {"affinityName": "backup", "clusterNames": ["m2"]}],
  "replicaScheduling": {"replicaSchedulingType": "Duplicated"}})");

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer rbs, crbs, clusters;
  std::shared_ptr<core::FakeClock> clock = std::make_shared<core::FakeClock>();
  std::unique_ptr<SchedulerController> controller;
  Fixture() {
    for (const char* name : {"m1", "m2"}) {
      EXPECT_TRUE(host->create(kClustersGvr, "", testing::readyCluster(name), {}));
    }
    controller = std::make_unique<SchedulerController>(
        host, SchedulerCaches{&rbs, &crbs, &clusters, nullptr}, nullptr, clock);
    EXPECT_TRUE(host->create(
        kResourceBindingsGvr, "default",
        {{"apiVersion", "work.karmada.io/v1alpha2"},
         {"kind", "ResourceBinding"},
         {"metadata", {{"name", "web-deployment"}, {"namespace", "default"}, {"generation", 1}}},
         {"spec",
          {{"resource",
            {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"namespace", "default"},
             {"name", "web"}, {"uid", "u1"}}},
           {"replicas", 2},
           {"replicaRequirements", {{"resourceRequest", {{"cpu", "100m"}}}}},
           {"placement", kGroups}}}},
        {}));
  }
  nlohmann::json get() {
    return (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  }
  // Writes the spec the way the API server would: generation moves with it.
  void editSpec(const std::function<void(nlohmann::json&)>& edit) {
    auto b = get();
    edit(b["spec"]);
    b["metadata"]["generation"] = b["metadata"].value("generation", 1) + 1;
    ASSERT_TRUE(host->update(kResourceBindingsGvr, "default", b, {}, ""));
  }
  void setTaint(const std::string& cluster, const std::string& effect) {
    auto c = (*host->get(kClustersGvr, "", cluster, ""))->json();
    if (effect.empty()) {
      c["spec"].erase("taints");
    } else {
      c["spec"]["taints"] = {{{"key", "down"}, {"effect", effect}}};
    }
    ASSERT_TRUE(host->update(kClustersGvr, "", c, {}, ""));
  }
  std::pair<std::string, std::string> schedule() {
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    testing::loadCache(*host, kClustersGvr, clusters);
    auto r = controller->reconcile({"default", "web-deployment"});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    const auto b = get();
    std::string names;
    for (const auto& c : b["spec"].value("clusters", nlohmann::json::array())) {
      names += (names.empty() ? "" : ",") + c.value("name", "");
    }
    return {names, b["status"].value("schedulerObservingAffinityName", "")};
  }
};

TEST(SchedulerFailoverTest, EvictionFallsThroughAndFailbackReturns) {
  Fixture f;
  EXPECT_EQ(f.schedule(), (std::pair<std::string, std::string>{"m1", "primary"}));

  // The taint manager evicts m1 (NoExecute taint): the group falls through to backup.
  f.setTaint("m1", "NoExecute");
  f.editSpec([](nlohmann::json& spec) {
    spec["clusters"] = nlohmann::json::array();
    spec["gracefulEvictionTasks"] = {{{"fromCluster", "m1"},
                                      {"purgeMode", "Gracefully"},
                                      {"reason", "TaintUntolerated"},
                                      {"producer", "TaintManager"}}};
  });
  EXPECT_EQ(f.schedule(), (std::pair<std::string, std::string>{"m2", "backup"}));

  // m1 recovers and the task is gone: the scheduler does not move back on its own.
  f.setTaint("m1", "");
  f.editSpec([](nlohmann::json& spec) { spec.erase("gracefulEvictionTasks"); });
  EXPECT_EQ(f.schedule(), (std::pair<std::string, std::string>{"m2", "backup"}));

  // Failback: rescheduleTriggeredAt later than lastScheduledTime starts from the first group.
  f.clock->advance(std::chrono::seconds(2));
  const std::string now = nowText(*f.clock);
  f.editSpec([&](nlohmann::json& spec) { spec["rescheduleTriggeredAt"] = now; });
  EXPECT_TRUE(needsScheduling(f.get()));
  EXPECT_EQ(f.schedule(), (std::pair<std::string, std::string>{"m1", "primary"}));
  EXPECT_FALSE(needsScheduling(f.get()));
}

TEST(SchedulerFailoverTest, EvictedClusterIsExcludedEvenWithoutTaint) {
  Fixture f;
  f.editSpec([](nlohmann::json& spec) {
    spec["gracefulEvictionTasks"] = {{{"fromCluster", "m1"},
                                      {"purgeMode", "Never"},
                                      {"reason", "TaintUntolerated"},
                                      {"producer", "TaintManager"}}};
  });
  EXPECT_EQ(f.schedule(), (std::pair<std::string, std::string>{"m2", "backup"}));
}

TEST(SchedulerFailoverTest, NoGroupFitsKeepsObservedGroup) {
  Fixture f;
  EXPECT_EQ(f.schedule(), (std::pair<std::string, std::string>{"m1", "primary"}));
  f.setTaint("m2", "NoSchedule");
  f.editSpec([](nlohmann::json& spec) {
    spec["clusters"] = nlohmann::json::array();
    spec["gracefulEvictionTasks"] = {{{"fromCluster", "m1"},
                                      {"purgeMode", "Gracefully"},
                                      {"reason", "TaintUntolerated"},
                                      {"producer", "TaintManager"}}};
  });
  const auto [names, group] = f.schedule();
  EXPECT_EQ(names, "");
  EXPECT_EQ(group, "primary");
  EXPECT_EQ(conditionStatus(f.get()["status"]["conditions"], "Scheduled"), "False");
}

}  // namespace
}  // namespace flotilla::controllers
