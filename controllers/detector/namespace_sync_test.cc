#include "controllers/detector/namespace_sync.h"

#include <gtest/gtest.h>

#include "api/work_types.h"
#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

nlohmann::json ns(const std::string& name, nlohmann::json labels = nlohmann::json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata", {{"name", name}, {"labels", labels}}}};
}

nlohmann::json cluster(const std::string& name) {
  return {{"apiVersion", "cluster.karmada.io/v1alpha1"},
          {"kind", "Cluster"},
          {"metadata", {{"name", name}}},
          {"spec", {{"syncMode", "Push"}}}};
}

TEST(NamespacePropagationTest, Table) {
  struct Case {
    std::string name;
    nlohmann::json ns;
    NamespacePropagation want;
  };
  const std::vector<Case> cases = {
      {"plain", ns("shop"), NamespacePropagation::Propagate},
      {"default", ns("default"), NamespacePropagation::Propagate},
      {"kube prefix", ns("kube-system"), NamespacePropagation::Reserved},
      {"karmada system", ns("karmada-system"), NamespacePropagation::Reserved},
      {"karmada cluster", ns("karmada-cluster"), NamespacePropagation::Reserved},
      {"execution", ns("karmada-es-m1"), NamespacePropagation::Reserved},
      {"skip label", ns("quiet", {{kSkipAutoPropagationLabel, "true"}}),
       NamespacePropagation::Skip},
      {"skip label not true", ns("loud", {{kSkipAutoPropagationLabel, "false"}}),
       NamespacePropagation::Propagate},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(namespacePropagation(c.ns), c.want) << c.name;
  }
}

TEST(NamespaceWorkTest, CarriesNamespaceWithKarmadaMetadata) {
  const auto w = *namespaceWork(ns("shop", {{"team", "a"}}), "m1", nullptr);
  EXPECT_EQ(w["metadata"]["namespace"], "karmada-es-m1");
  EXPECT_EQ(w["metadata"]["name"], api::workName("", "shop", "Namespace"));
  EXPECT_EQ(w["metadata"]["finalizers"][0], kExecutionFinalizer);
  EXPECT_EQ(namespaceOfWork(w), "shop");
  const auto& m = w["spec"]["workload"]["manifests"][0];
  EXPECT_EQ(m["kind"], "Namespace");
  EXPECT_EQ(m["metadata"]["name"], "shop");
  EXPECT_EQ(m["metadata"]["labels"]["team"], "a");
  EXPECT_EQ(m["metadata"]["labels"][kManagedLabel], "true");
  EXPECT_EQ(m["metadata"]["annotations"][kConflictResolutionAnnotation], "overwrite");
  // Stable across re-renders: the permanent id is kept.
  EXPECT_EQ(*namespaceWork(ns("shop", {{"team", "a"}}), "m1", w), w);
}

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer namespaces, clusters, works, cops;
  NamespaceSync sync{host, {&namespaces, &clusters, &works, &cops}};

  void reconcile(const std::string& name) {
    testing::loadCache(*host, kNamespacesGvr, namespaces);
    testing::loadCache(*host, kClustersGvr, clusters);
    testing::loadCache(*host, kWorksGvr, works);
    testing::loadCache(*host, kClusterOverridePoliciesGvr, cops);
    auto r = sync.reconcile({"", name});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
  }
  bool hasWork(const std::string& c, const std::string& name) {
    auto w = host->get(kWorksGvr, api::executionNamespace(c), api::workName("", name, "Namespace"),
                       "");
    return w.isOk() && !(*w)->deleting();
  }
};

TEST(NamespaceSyncTest, WorkPerClusterThenDeletedWithTheNamespace) {
  Fixture f;
  for (const char* c : {"m1", "m2"}) ASSERT_TRUE(f.host->create(kClustersGvr, "", cluster(c), {}));
  ASSERT_TRUE(f.host->create(kNamespacesGvr, "", ns("shop"), {}));
  f.reconcile("shop");
  EXPECT_TRUE(f.hasWork("m1", "shop"));
  EXPECT_TRUE(f.hasWork("m2", "shop"));
  f.reconcile("shop");  // idempotent
  ASSERT_TRUE(f.host->remove(kNamespacesGvr, "", "shop", {}).isOk());
  f.reconcile("shop");
  EXPECT_FALSE(f.hasWork("m1", "shop"));
  EXPECT_FALSE(f.hasWork("m2", "shop"));
}

TEST(NamespaceSyncTest, SkippedAndReservedNamespacesGetNoWork) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kClustersGvr, "", cluster("m1"), {}));
  ASSERT_TRUE(
      f.host->create(kNamespacesGvr, "", ns("quiet", {{kSkipAutoPropagationLabel, "true"}}), {}));
  ASSERT_TRUE(f.host->create(kNamespacesGvr, "", ns("kube-public"), {}));
  f.reconcile("quiet");
  f.reconcile("kube-public");
  EXPECT_FALSE(f.hasWork("m1", "quiet"));
  EXPECT_FALSE(f.hasWork("m1", "kube-public"));
}

TEST(NamespaceSyncTest, SkipLabelAddedLaterKeepsExistingWork) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kClustersGvr, "", cluster("m1"), {}));
  ASSERT_TRUE(f.host->create(kNamespacesGvr, "", ns("shop"), {}));
  f.reconcile("shop");
  ASSERT_TRUE(f.hasWork("m1", "shop"));
  ASSERT_TRUE(f.host->update(kNamespacesGvr, "", ns("shop", {{kSkipAutoPropagationLabel, "true"}}),
                             {}, ""));
  f.reconcile("shop");
  EXPECT_TRUE(f.hasWork("m1", "shop"));
}

// Karmada's namespace controller applies ClusterOverridePolicies to each cluster's copy.
TEST(NamespaceSyncTest, ClusterOverridePoliciesApplyPerCluster) {
  Fixture f;
  for (const char* c : {"m1", "m2"}) ASSERT_TRUE(f.host->create(kClustersGvr, "", cluster(c), {}));
  ASSERT_TRUE(f.host->create(
      kClusterOverridePoliciesGvr, "",
      nlohmann::json::parse(R"({"apiVersion":"policy.karmada.io/v1alpha1",
        "kind":"ClusterOverridePolicy","metadata":{"name":"ns-labels"},
        "spec":{"resourceSelectors":[{"apiVersion":"v1","kind":"Namespace","name":"shop"}],
                "overrideRules":[{"targetCluster":{"clusterNames":["m1"]},
                  "overriders":{"labelsOverrider":[{"operator":"add",
                                                    "value":{"istio-injection":"enabled"}}]}}]}})"),
      {}));
  ASSERT_TRUE(f.host->create(kNamespacesGvr, "", ns("shop"), {}));
  f.reconcile("shop");
  auto work = [&](const char* c) {
    return (*f.host->get(kWorksGvr, api::executionNamespace(c), api::workName("", "shop", "Namespace"),
                         ""))
        ->json();
  };
  const auto m1 = work("m1");
  EXPECT_EQ(m1["spec"]["workload"]["manifests"][0]["metadata"]["labels"]["istio-injection"],
            "enabled");
  EXPECT_NE(m1["metadata"]["annotations"].value("policy.karmada.io/applied-cluster-overrides", "")
                .find("ns-labels"),
            std::string::npos);
  const auto m2 = work("m2");
  EXPECT_FALSE(m2["spec"]["workload"]["manifests"][0]["metadata"]["labels"].contains(
      "istio-injection"));
  EXPECT_FALSE(m2["metadata"]["annotations"].contains("policy.karmada.io/applied-cluster-overrides"));
}

}  // namespace
}  // namespace flotilla::controllers
