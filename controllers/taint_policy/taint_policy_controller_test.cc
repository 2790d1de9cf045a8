#include "controllers/taint_policy/taint_policy_controller.h"

#include <gtest/gtest.h>

#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

nlohmann::json policy(const std::string& name, const nlohmann::json& target) {
  nlohmann::json p = {
      {"apiVersion", "policy.karmada.io/v1alpha1"},
      {"kind", "ClusterTaintPolicy"},
      {"metadata", {{"name", name}}},
      {"spec",
       {{"addOnConditions",
         {{{"conditionType", "Ready"}, {"operator", "In"}, {"statusValues", {"False", "Unknown"}}}}},
        {"removeOnConditions",
         {{{"conditionType", "Ready"}, {"operator", "In"}, {"statusValues", {"True"}}}}},
        {"taints", {{{"key", "failover.flotilla.io/down"}, {"effect", "NoExecute"}}}}}}};
  if (!target.is_null()) p["spec"]["targetClusters"] = target;
  return p;
}

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer clusters, policies;
  std::shared_ptr<core::FakeClock> clock = std::make_shared<core::FakeClock>();
  TaintPolicyController controller{host, clusters, policies, clock};

  void setReady(const std::string& name, const std::string& ready) {
    auto current = host->get(kClustersGvr, "", name, "");
    nlohmann::json c = current ? (*current)->json() : testing::readyCluster(name);
    c["status"]["conditions"][0]["status"] = ready;
    if (current) {
      ASSERT_TRUE(host->update(kClustersGvr, "", c, {}, "status"));
    } else {
      ASSERT_TRUE(host->create(kClustersGvr, "", c, {}));
    }
  }
  nlohmann::json reconcile(const std::string& name) {
    testing::loadCache(*host, kClustersGvr, clusters);
    testing::loadCache(*host, kClusterTaintPoliciesGvr, policies);
    auto r = controller.reconcile({"", name});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return (*host->get(kClustersGvr, "", name, ""))->json()["spec"].value(
        "taints", nlohmann::json::array());
  }
};

TEST(TaintPolicyControllerTest, Table) {
  struct Row {
    const char* name;
    std::string ready;
    nlohmann::json target;  // null = all clusters
    bool with_policy;
    size_t want_taints;
  };
  const std::vector<Row> rows = {
      {"not ready gets the NoExecute taint", "False", nullptr, true, 1},
      {"unknown gets it too", "Unknown", nullptr, true, 1},
      {"ready stays clean", "True", nullptr, true, 0},
      {"policy for other clusters", "False", {{"clusterNames", {"m2"}}}, true, 0},
      {"no policy", "False", nullptr, false, 0},
  };
  for (const auto& r : rows) {
    Fixture f;
    f.setReady("m1", r.ready);
    if (r.with_policy) {
      ASSERT_TRUE(f.host->create(kClusterTaintPoliciesGvr, "", policy("down", r.target), {}));
    }
    const auto taints = f.reconcile("m1");
    ASSERT_EQ(taints.size(), r.want_taints) << r.name;
    if (r.want_taints == 1) {
      EXPECT_EQ(taints[0]["key"], "failover.flotilla.io/down") << r.name;
      EXPECT_EQ(taints[0]["effect"], "NoExecute") << r.name;
      EXPECT_EQ(taints[0]["timeAdded"], nowText(*f.clock)) << r.name;
    }
  }
}

TEST(TaintPolicyControllerTest, AddedWhenDownRemovedWhenBackOthersKept) {
  Fixture f;
  f.setReady("m1", "True");
  auto c = (*f.host->get(kClustersGvr, "", "m1", ""))->json();
  c["spec"]["taints"] = {{{"key", "cluster.karmada.io/unschedulable"}, {"effect", "NoSchedule"}}};
  ASSERT_TRUE(f.host->update(kClustersGvr, "", c, {}, ""));
  ASSERT_TRUE(f.host->create(kClusterTaintPoliciesGvr, "", policy("down", nullptr), {}));
  EXPECT_EQ(f.reconcile("m1").size(), 1u);
  f.setReady("m1", "False");
  EXPECT_EQ(f.reconcile("m1").size(), 2u);
  const auto rv = (*f.host->get(kClustersGvr, "", "m1", ""))->json()["metadata"]["resourceVersion"];
  f.clock->advance(std::chrono::seconds(5));
  EXPECT_EQ(f.reconcile("m1").size(), 2u);  // steady: no write, timeAdded unchanged
  EXPECT_EQ((*f.host->get(kClustersGvr, "", "m1", ""))->json()["metadata"]["resourceVersion"], rv);
  f.setReady("m1", "True");
  const auto taints = f.reconcile("m1");
  ASSERT_EQ(taints.size(), 1u);
  EXPECT_EQ(taints[0]["key"], "cluster.karmada.io/unschedulable");
}

TEST(TaintPolicyControllerTest, MissingClusterIsSuccess) {
  Fixture f;
  testing::loadCache(*f.host, kClustersGvr, f.clusters);
  EXPECT_TRUE(f.controller.reconcile({"", "gone"}).isOk());
}

}  // namespace
}  // namespace flotilla::controllers
