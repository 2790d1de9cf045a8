#include "controllers/cluster_status/cluster_status_controller.h"

#include <gtest/gtest.h>

#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

using testing::ServedFakeClient;

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  std::shared_ptr<ServedFakeClient> member = std::make_shared<ServedFakeClient>();
  std::shared_ptr<StaticMemberClients> members = std::make_shared<StaticMemberClients>();
  std::shared_ptr<core::FakeClock> clock = std::make_shared<core::FakeClock>();
  client::Indexer clusters;
  std::unique_ptr<ClusterStatusController> controller;

  Fixture() {
    members->set("m1", member);
    EXPECT_TRUE(host->create(kClustersGvr, "",
                             {{"apiVersion", "cluster.karmada.io/v1alpha1"},
                              {"kind", "Cluster"},
                              {"metadata", {{"name", "m1"}}},
                              {"spec", {{"syncMode", "Push"}}}},
                             {}));
    ClusterStatusOptions o;
    o.failure_threshold = std::chrono::seconds(30);
    controller =
        std::make_unique<ClusterStatusController>(host, clusters, members, clock, o);
  }
  nlohmann::json reconcile() {
    testing::loadCache(*host, kClustersGvr, clusters);
    auto r = controller->reconcile({"", "m1"});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return (*host->get(kClustersGvr, "", "m1", ""))->json();
  }
};

TEST(ClusterStatusControllerTest, HealthyMemberReportsVersionApisAndResources) {
  Fixture f;
  auto& m = f.member->fake();
  ASSERT_TRUE(m.create(kNodesGvr, "",
                       {{"metadata", {{"name", "n1"}}},
                        {"status",
                         {{"allocatable", {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}}},
                          {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}},
                       {}));
  ASSERT_TRUE(m.create(kPodsGvr, "default",
                       {{"metadata", {{"name", "p1"}}},
                        {"spec",
                         {{"nodeName", "n1"},
                          {"containers",
                           {{{"name", "c"},
                             {"resources", {{"requests", {{"cpu", "500m"}}}}}}}}}},
                        {"status", {{"phase", "Running"}}}},
                       {}));
  ASSERT_TRUE(m.create(kPodsGvr, "default",
                       {{"metadata", {{"name", "pending"}}},
                        {"spec",
                         {{"containers",
                           {{{"name", "c"}, {"resources", {{"requests", {{"cpu", "1"}}}}}}}}}}},
                       {}));
  const auto c = f.reconcile();
  const auto& s = c["status"];
  EXPECT_EQ(s["kubernetesVersion"], "v1.32.0");
  EXPECT_EQ(conditionStatus(s["conditions"], "Ready"), "True");
  EXPECT_EQ(s["nodeSummary"]["totalNum"], 1);
  EXPECT_EQ(s["nodeSummary"]["readyNum"], 1);
  EXPECT_EQ(s["resourceSummary"]["allocatable"]["cpu"], "4");
  EXPECT_EQ(s["resourceSummary"]["allocated"]["cpu"], "500m");
  EXPECT_EQ(s["resourceSummary"]["allocated"]["pods"], "1");
  EXPECT_EQ(s["resourceSummary"]["allocating"]["cpu"], "1");
  bool apps = false;
  for (const auto& e : s["apiEnablements"]) apps = apps || e["groupVersion"] == "apps/v1";
  EXPECT_TRUE(apps);
  EXPECT_FALSE(c["spec"].contains("taints") && !c["spec"]["taints"].empty());
}

TEST(ClusterStatusControllerTest, SummaryTable) {
  // Pods are read from their text (phase, nodeName, the containers' resources, overhead); the
  // sums must be those of the whole pod.
  struct Row {
    const char* name;
    std::vector<std::string> pods;
    nlohmann::json want_allocated;
    nlohmann::json want_allocating;
  };
  const std::vector<Row> rows = {
      {"limits stand in for requests; init containers take the max; overhead adds",
       {R"({"metadata":{"name":"a","managedFields":[{"manager":"m"}]},"spec":{"nodeName":"n1",)"
        R"("containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"1"},)"
        R"("requests":{"memory":"1Gi"}}},{"name":"d","resources":{"requests":{"cpu":"250m"}}}],)"
        R"("initContainers":[{"name":"i","resources":{"requests":{"cpu":"2"}}}],)"
        R"("overhead":{"cpu":"100m"}},"status":{"phase":"Running","conditions":[]}})"},
       {{"cpu", "2100m"}, {"memory", "1Gi"}, {"pods", "1"}},
       {{"pods", "0"}}},
      {"finished pods count nowhere; unbound pods are allocating",
       {R"({"metadata":{"name":"done"},"spec":{"nodeName":"n1","containers":[{"resources":)"
        R"({"requests":{"cpu":"1"}}}]},"status":{"phase":"Succeeded"}})",
        R"({"metadata":{"name":"failed"},"spec":{"nodeName":"n1","containers":[{"resources":)"
        R"({"requests":{"cpu":"1"}}}]},"status":{"phase":"Failed"}})",
        R"({"metadata":{"name":"pending"},"spec":{"containers":[{"name":"c"}]}})"},
       {{"pods", "0"}},
       {{"pods", "1"}}},
  };
  for (const auto& row : rows) {
    std::vector<client::ObjectPtr> pods;
    for (const auto& text : row.pods) {
      auto p = client::Object::parse(text);
      ASSERT_TRUE(p) << row.name;
      pods.push_back(*p);
    }
    const auto out = summarizeResources({}, pods);
    EXPECT_EQ(out["resourceSummary"]["allocated"], row.want_allocated) << row.name;
    EXPECT_EQ(out["resourceSummary"]["allocating"], row.want_allocating) << row.name;
  }
}

TEST(ClusterStatusControllerTest, UnreachableAfterThresholdGetsTaint) {
  Fixture f;
  EXPECT_EQ(conditionStatus(f.reconcile()["status"]["conditions"], "Ready"), "True");
  f.member->setReachable(false);
  // Within the failure threshold the cluster stays Ready.
  auto c = f.reconcile();
  EXPECT_EQ(conditionStatus(c["status"]["conditions"], "Ready"), "True");
  f.clock->advance(std::chrono::seconds(31));
  c = f.reconcile();
  EXPECT_EQ(conditionStatus(c["status"]["conditions"], "Ready"), "False");
  ASSERT_EQ(c["spec"]["taints"].size(), 1u);
  EXPECT_EQ(c["spec"]["taints"][0]["key"], kTaintUnreachable);
  EXPECT_EQ(c["spec"]["taints"][0]["effect"], "NoSchedule");
  // Recovery removes the taint.
  f.member->setReachable(true);
  c = f.reconcile();
  EXPECT_EQ(conditionStatus(c["status"]["conditions"], "Ready"), "True");
  EXPECT_TRUE(c["spec"]["taints"].empty());
}

// A member that accepts connections but answers nothing: one probe takes the probe timeout,
// and that long counts towards the failure threshold (the member was unresponsive from the
// probe's start), so a timeout longer than the threshold turns the cluster NotReady at once.
TEST(ClusterStatusControllerTest, FrozenMemberFailsByProbeTimeout) {
  struct Row {
    std::chrono::milliseconds threshold;
    std::string ready_after_first_failed_probe;
  };
  const Row rows[] = {{std::chrono::seconds(3), "False"}, {std::chrono::seconds(30), "True"}};
  for (const Row& row : rows) {
    Fixture f;
    ClusterStatusOptions o;
    o.failure_threshold = row.threshold;
    o.probe_timeout = std::chrono::seconds(5);
    f.controller = std::make_unique<ClusterStatusController>(f.host, f.clusters, f.members,
                                                             f.clock, o);
    EXPECT_EQ(conditionStatus(f.reconcile()["status"]["conditions"], "Ready"), "True");
    std::vector<std::chrono::milliseconds> waited;
    f.member->setFrozen([&](std::chrono::milliseconds timeout) {
      waited.push_back(timeout);
      f.clock->advance(timeout);
    });
    auto c = f.reconcile();
    EXPECT_EQ(waited, std::vector<std::chrono::milliseconds>{std::chrono::seconds(5)});
    EXPECT_EQ(conditionStatus(c["status"]["conditions"], "Ready"),
              row.ready_after_first_failed_probe)
        << row.threshold.count();
    f.member->setFrozen(nullptr);
    c = f.reconcile();
    EXPECT_EQ(conditionStatus(c["status"]["conditions"], "Ready"), "True");
  }
}

TEST(ClusterStatusControllerTest, StaleCacheNeitherFailsNorDropsAnotherWritersTaint) {
  // The cache lags the server: another writer (taint-policy) added a NoExecute taint that the
  // cached copy lacks. The status write from the stale copy conflicts and is redone from the
  // current version; the readiness taint joins the other writer's taint instead of replacing it.
  Fixture f;
  EXPECT_EQ(conditionStatus(f.reconcile()["status"]["conditions"], "Ready"), "True");
  f.member->setReachable(false);
  f.reconcile();
  f.clock->advance(std::chrono::seconds(31));
  testing::loadCache(*f.host, kClustersGvr, f.clusters);  // the cache as of now
  auto fresh = (*f.host->get(kClustersGvr, "", "m1", ""))->json();
  fresh["spec"]["taints"] = {{{"key", "cluster.karmada.io/not-ready"}, {"effect", "NoExecute"}}};
  ASSERT_TRUE(f.host->update(kClustersGvr, "", fresh, {}, ""));
  auto r = f.controller->reconcile({"", "m1"});  // from the stale cache
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  auto c = (*f.host->get(kClustersGvr, "", "m1", ""))->json();
  EXPECT_EQ(conditionStatus(c["status"]["conditions"], "Ready"), "False");
  ASSERT_EQ(c["spec"]["taints"].size(), 2u) << c["spec"].dump();
  EXPECT_EQ(c["spec"]["taints"][0]["effect"], "NoExecute");
  EXPECT_EQ(c["spec"]["taints"][1]["key"], kTaintUnreachable);
}

TEST(ClusterStatusControllerTest, CollectsAtMostEveryCollectPeriod) {
  Fixture f;
  auto& m = f.member->fake();
  auto add_node = [&m](const std::string& name) {
    ASSERT_TRUE(m.create(kNodesGvr, "",
                         {{"metadata", {{"name", name}}},
                          {"status", {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}},
                         {}));
  };
  add_node("n1");
  EXPECT_EQ(f.reconcile()["status"]["nodeSummary"]["totalNum"], 1);
  struct Step {
    const char* name;
    std::chrono::seconds advance;
    bool unreachable;
    int want_nodes;  // -1: not reported (unhealthy probes leave the last collection)
  };
  add_node("n2");
  const Step steps[] = {
      {"probe within the collect period keeps the last collection", std::chrono::seconds(2),
       false, 1},
      {"collect period over: collected again", std::chrono::seconds(9), false, 2},
      {"unreachable: nothing collected", std::chrono::seconds(1), true, 2},
      {"healthy again: collected at once", std::chrono::seconds(1), false, 3},
  };
  for (const auto& step : steps) {
    if (std::string(step.name).rfind("healthy again", 0) == 0) add_node("n3");
    f.clock->advance(step.advance);
    f.member->setReachable(!step.unreachable);
    EXPECT_EQ(f.reconcile()["status"]["nodeSummary"]["totalNum"], step.want_nodes) << step.name;
  }
}

TEST(ClusterStatusControllerTest, ReadinessTaintsTable) {
  const nlohmann::json user = {{"key", "team"}, {"value", "a"}, {"effect", "NoSchedule"}};
  struct Row {
    const char* name;
    nlohmann::json in;
    bool ready, unreachable;
    std::vector<std::string> keys;
  };
  const std::vector<Row> rows = {
      {"ready keeps user taints", {user}, true, false, {"team"}},
      {"not ready adds not-ready", {user}, false, false, {"team", kTaintNotReady}},
      {"unreachable replaces not-ready",
       {{{"key", kTaintNotReady}, {"effect", "NoSchedule"}}},
       false,
       true,
       {kTaintUnreachable}},
      {"ready drops system taints",
       {{{"key", kTaintUnreachable}, {"effect", "NoSchedule"}}},
       true,
       false,
       {}},
  };
  for (const auto& row : rows) {
    const auto out = readinessTaints(row.in, row.ready, row.unreachable, "now");
    std::vector<std::string> keys;
    for (const auto& t : out) keys.push_back(t["key"]);
    EXPECT_EQ(keys, row.keys) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::controllers
