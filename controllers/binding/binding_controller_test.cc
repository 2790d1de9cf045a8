#include "controllers/binding/binding_controller.h"

#include <gtest/gtest.h>

#include "api/work_types.h"
#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

const client::GroupVersionResource kDeployments{"apps", "v1", "deployments"};

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer rbs, crbs, works, clusters, ops, cops;
  client::InformerPtr informer;
  TemplateStore templates;
  std::unique_ptr<BindingController> controller;

  Fixture() {
    works.addIndex(kWorkBindingIndex, workBindingIndex);
    auto d = testing::deployment("default", "web", 3);
    d["metadata"]["generation"] = 4;
    EXPECT_TRUE(host->create(kDeployments, "default", d, {}));
    for (const char* name : {"m1", "m2"}) {
      EXPECT_TRUE(host->create(kClustersGvr, "", testing::readyCluster(name), {}));
    }
    informer = std::make_shared<client::Informer>(host, client::InformerOptions{kDeployments});
    informer->start();
    EXPECT_TRUE(informer->waitForSync(std::chrono::seconds(10)));
    templates.add({kDeployments, {"apps", "v1", "Deployment"}, true, informer});
    controller = std::make_unique<BindingController>(
        host, BindingCaches{&rbs, &crbs, &works, &clusters, &ops, &cops}, &templates);
  }
  ~Fixture() { informer->stop(); }
  void setClusters(const nlohmann::json& clusters_json) {
    auto existing = host->get(kResourceBindingsGvr, "default", "web-deployment", "");
    nlohmann::json b = {
        {"apiVersion", "work.karmada.io/v1alpha2"},
        {"kind", "ResourceBinding"},
        {"metadata",
         {{"name", "web-deployment"},
          {"namespace", "default"},
          {"labels", {{kRBPermanentIdLabel, "rb-id"}}}}},
        {"spec",
         {{"resource",
           {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"namespace", "default"},
            {"name", "web"}}},
          {"replicas", 3},
          {"clusters", clusters_json}}}};
    if (existing) {
      ASSERT_TRUE(host->update(kResourceBindingsGvr, "default", b, {}, ""));
    } else {
      ASSERT_TRUE(host->create(kResourceBindingsGvr, "default", b, {}));
    }
  }
  void reconcile() {
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    testing::loadCache(*host, kWorksGvr, works);
    testing::loadCache(*host, kClustersGvr, clusters);
    testing::loadCache(*host, kOverridePoliciesGvr, ops);
    auto r = controller->reconcile({"default", "web-deployment"});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
  }
  core::Result<client::ObjectPtr> work(const std::string& cluster) {
    return host->get(kWorksGvr, api::executionNamespace(cluster),
                     api::workName("default", "web", "Deployment"), "");
  }
};

TEST(BindingControllerTest, OneWorkPerClusterWithRevisedReplicasAndLabels) {
  Fixture f;
  f.setClusters({{{"name", "m1"}, {"replicas", 1}}, {{"name", "m2"}, {"replicas", 2}}});
  f.reconcile();
  auto w1 = f.work("m1");
  ASSERT_TRUE(w1) << w1.status().toString();
  const auto& w = (*w1)->json();
  const auto& m = w["spec"]["workload"]["manifests"][0];
  EXPECT_EQ(m["spec"]["replicas"], 1);
  EXPECT_FALSE(m["metadata"].contains("uid"));
  EXPECT_FALSE(m["metadata"].contains("resourceVersion"));
  EXPECT_EQ(m["metadata"]["labels"][kManagedLabel], "true");
  EXPECT_EQ(m["metadata"]["labels"][kRBPermanentIdLabel], "rb-id");
  EXPECT_EQ(m["metadata"]["annotations"][kTemplateGenerationAnnotation], "4");
  EXPECT_EQ(m["metadata"]["annotations"][kWorkNamespaceAnnotation], "karmada-es-m1");
  EXPECT_EQ(m["metadata"]["annotations"][kConflictResolutionAnnotation], "abort");
  EXPECT_EQ(w["metadata"]["annotations"][kRBNameAnnotation], "web-deployment");
  EXPECT_EQ(w["metadata"]["finalizers"][0], kExecutionFinalizer);
  EXPECT_EQ(m["metadata"]["labels"][kWorkPermanentIdLabel],
            w["metadata"]["labels"][kWorkPermanentIdLabel]);
  auto w2 = f.work("m2");
  ASSERT_TRUE(w2);
  EXPECT_EQ((*w2)->json()["spec"]["workload"]["manifests"][0]["spec"]["replicas"], 2);
}

TEST(BindingControllerTest, StaleWorksAreRemoved) {
  Fixture f;
  f.setClusters({{{"name", "m1"}, {"replicas", 1}}, {{"name", "m2"}, {"replicas", 2}}});
  f.reconcile();
  f.setClusters({{{"name", "m2"}, {"replicas", 3}}});
  f.reconcile();
  EXPECT_EQ(f.work("m1").status().code(), core::Code::NotFound);
  ASSERT_TRUE(f.work("m2"));
  EXPECT_EQ((*f.work("m2"))->json()["spec"]["workload"]["manifests"][0]["spec"]["replicas"], 3);
}

TEST(BindingControllerTest, OverridePolicyApplies) {
  Fixture f;
  ASSERT_TRUE(f.host->create(
      kOverridePoliciesGvr, "default",
      {{"apiVersion", "policy.karmada.io/v1alpha1"},
       {"kind", "OverridePolicy"},
       {"metadata", {{"name", "op"}, {"namespace", "default"}}},
       {"spec",
        {{"resourceSelectors", {{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}}}},
         {"overrideRules",
          {{{"targetCluster", {{"clusterNames", {"m1"}}}},
            {"overriders",
             {{"labelsOverrider",
               {{{"operator", "add"}, {"value", {{"tier", "gold"}}}}}}}}}}}}}},
      {}));
  f.setClusters({{{"name", "m1"}, {"replicas", 3}}});
  f.reconcile();
  auto w = f.work("m1");
  ASSERT_TRUE(w);
  EXPECT_EQ((*w)->json()["spec"]["workload"]["manifests"][0]["metadata"]["labels"]["tier"], "gold");
  EXPECT_TRUE((*w)->json()["metadata"]["annotations"].contains(kAppliedOverridesAnnotation));
}

TEST(BindingControllerTest, DeletedBindingRemovesWorks) {
  Fixture f;
  f.setClusters({{{"name", "m1"}, {"replicas", 3}}});
  f.reconcile();
  ASSERT_TRUE(f.host->remove(kResourceBindingsGvr, "default", "web-deployment", {}).isOk());
  f.reconcile();
  EXPECT_EQ(f.work("m1").status().code(), core::Code::NotFound);
}

}  // namespace
}  // namespace flotilla::controllers
