#include "controllers/detector/detector.h"

#include <gtest/gtest.h>

#include "controllers/scheduler/scheduler_controller.h"
#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

const client::GroupVersionResource kDeployments{"apps", "v1", "deployments"};

nlohmann::json policy(const std::string& name, const std::string& selected) {
  return {{"apiVersion", "policy.karmada.io/v1alpha1"},
          {"kind", "PropagationPolicy"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec",
           {{"resourceSelectors",
             {{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", selected}}}},
            {"placement", {{"clusterAffinity", {{"clusterNames", {"m1", "m2"}}}}}}}}};
}

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer pps, cpps, rbs, crbs;
  client::InformerPtr informer;
  std::unique_ptr<Detector> detector;

  Fixture() {
    EXPECT_TRUE(host->create(kDeployments, "default", testing::deployment("default", "web", 3), {}));
    informer = std::make_shared<client::Informer>(host, client::InformerOptions{kDeployments});
    informer->start();
    EXPECT_TRUE(informer->waitForSync(std::chrono::seconds(10)));
    TemplateKind kind{kDeployments, {"apps", "v1", "Deployment"}, true, informer};
    detector = std::make_unique<Detector>(host, kind, DetectorCaches{&pps, &cpps, &rbs, &crbs},
                                          nullptr);
    rbs.addIndex(kRequiredByIndex, requiredByIndex);  // as the composition root does
  }
  ~Fixture() { informer->stop(); }
  void reconcile() {
    testing::loadCache(*host, kPropagationPoliciesGvr, pps);
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    auto r = detector->reconcile({"default", "web"});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
  }
  // The cached template must catch up with our own writes before the next reconcile.
  void waitForTemplateRv() {
    const std::string rv = (*host->get(kDeployments, "default", "web", ""))->resourceVersion();
    for (int i = 0; i < 500; ++i) {
      auto o = informer->indexer().get("default", "web");
      if (o && o->resourceVersion() == rv) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "informer did not catch up";
  }
};

TEST(DetectorTest, MatchingPolicyClaimsTemplateAndCreatesBinding) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kPropagationPoliciesGvr, "default", policy("pp", "web"), {}));
  f.reconcile();
  auto templ = (*f.host->get(kDeployments, "default", "web", ""))->json();
  EXPECT_EQ(templ["metadata"]["annotations"][policies::kPPNameAnnotation], "pp");
  EXPECT_TRUE(templ["metadata"]["labels"].contains(policies::kPPPermanentIdLabel));

  auto rb = f.host->get(kResourceBindingsGvr, "default", "web-deployment", "");
  ASSERT_TRUE(rb) << rb.status().toString();
  const auto& b = (*rb)->json();
  EXPECT_EQ(b["kind"], "ResourceBinding");
  EXPECT_EQ(b["spec"]["resource"]["kind"], "Deployment");
  EXPECT_EQ(b["spec"]["resource"]["name"], "web");
  EXPECT_EQ(b["spec"]["replicas"], 3);
  EXPECT_EQ(b["spec"]["replicaRequirements"]["resourceRequest"]["cpu"], "100m");
  EXPECT_EQ(b["spec"]["placement"]["clusterAffinity"]["clusterNames"][1], "m2");
  EXPECT_TRUE(b["metadata"]["labels"].contains(kRBPermanentIdLabel));
  EXPECT_EQ(b["metadata"]["annotations"][policies::kPPNameAnnotation], "pp");
  EXPECT_EQ(b["metadata"]["ownerReferences"][0]["kind"], "Deployment");
}

TEST(DetectorTest, InputHashIgnoresStatusAndVersionOnly) {
  const std::string base =
      R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","resourceVersion":"1",)"
      R"("labels":{"x":"1"}},"spec":{"r":1},"status":{"s":1}})";
  struct Row {
    const char* name;
    std::string text;
    bool same;
  };
  const std::vector<Row> rows = {
      {"identical", base, true},
      {"status changed",
       R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","resourceVersion":"1",)"
       R"("labels":{"x":"1"}},"spec":{"r":1},"status":{"s":2}})",
       true},
      {"status added",
       R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","resourceVersion":"1",)"
       R"("labels":{"x":"1"}},"spec":{"r":1}})",
       true},
      {"resourceVersion changed",
       R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","resourceVersion":"9",)"
       R"("labels":{"x":"1"}},"spec":{"r":1},"status":{"s":1}})",
       true},
      {"spec changed",
       R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","resourceVersion":"1",)"
       R"("labels":{"x":"1"}},"spec":{"r":2},"status":{"s":1}})",
       false},
      {"label changed",
       R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","resourceVersion":"1",)"
       R"("labels":{"x":"2"}},"spec":{"r":1},"status":{"s":1}})",
       false},
      {"other top-level member",
       R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","resourceVersion":"1",)"
       R"("labels":{"x":"1"}},"spec":{"r":1},"data":{},"status":{"s":1}})",
       false},
  };
  const auto hash_of = [](const std::string& text) {
    auto o = client::Object::parse(text);
    EXPECT_TRUE(o);
    return detectorInputHash(o ? *o : nullptr);
  };
  const std::size_t want = hash_of(base);
  for (const auto& r : rows) {
    EXPECT_EQ(hash_of(r.text) == want, r.same) << r.name;
  }
  EXPECT_EQ(detectorInputHash(nullptr), 0u);
}

TEST(DetectorTest, SettledPassStillSeesWhatItOwns) {
  // After a pass that found nothing to do, a binding status write changes no input; a change
  // of the binding's spec behind our back does, and is put right.
  Fixture f;
  ASSERT_TRUE(f.host->create(kPropagationPoliciesGvr, "default", policy("pp", "web"), {}));
  f.reconcile();
  f.waitForTemplateRv();
  f.reconcile();  // nothing to write: settled
  auto rb = (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  rb["status"] = {{"conditions", nlohmann::json::array()}};
  ASSERT_TRUE(f.host->update(kResourceBindingsGvr, "default", rb, {}, "status"));
  f.reconcile();
  const std::string version =
      (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->resourceVersion();
  f.reconcile();
  EXPECT_EQ((*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))
                ->resourceVersion(),
            version);
  rb = (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  rb["spec"]["replicas"] = 7;
  ASSERT_TRUE(f.host->update(kResourceBindingsGvr, "default", rb, {}, ""));
  f.reconcile();
  EXPECT_EQ((*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))
                ->json()["spec"]["replicas"],
            3);
}

TEST(DetectorTest, ReplicaChangeUpdatesBindingAndKeepsSchedule) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kPropagationPoliciesGvr, "default", policy("pp", "web"), {}));
  f.reconcile();
  // The scheduler's result must survive detector updates.
  auto rb = (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  rb["spec"]["clusters"] = {{{"name", "m1"}, {"replicas", 3}}};
  ASSERT_TRUE(f.host->update(kResourceBindingsGvr, "default", rb, {}, ""));
  auto templ = (*f.host->get(kDeployments, "default", "web", ""))->json();
  templ["spec"]["replicas"] = 5;
  ASSERT_TRUE(f.host->update(kDeployments, "default", templ, {}, ""));
  f.waitForTemplateRv();
  f.reconcile();
  rb = (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  EXPECT_EQ(rb["spec"]["replicas"], 5);
  EXPECT_EQ(rb["spec"]["clusters"][0]["name"], "m1");
}

TEST(DetectorTest, PolicyDeletionReleasesClaimAndDeletesBinding) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kPropagationPoliciesGvr, "default", policy("pp", "web"), {}));
  f.reconcile();
  f.waitForTemplateRv();
  ASSERT_TRUE(f.host->remove(kPropagationPoliciesGvr, "default", "pp", {}).isOk());
  f.reconcile();
  auto templ = (*f.host->get(kDeployments, "default", "web", ""))->json();
  EXPECT_FALSE(templ["metadata"].contains("annotations") &&
               templ["metadata"]["annotations"].contains(policies::kPPNameAnnotation));
  EXPECT_EQ(f.host->get(kResourceBindingsGvr, "default", "web-deployment", "").status().code(),
            core::Code::NotFound);
}

TEST(DetectorTest, NonMatchingPolicyMakesNoBinding) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kPropagationPoliciesGvr, "default", policy("pp", "other"), {}));
  f.reconcile();
  EXPECT_EQ(f.host->get(kResourceBindingsGvr, "default", "web-deployment", "").status().code(),
            core::Code::NotFound);
}

TEST(DetectorTest, DependencyBindingSurvivesWhileRequired) {
  const client::GroupVersionResource kConfigMaps{"", "v1", "configmaps"};
  auto host = std::make_shared<client::FakeClient>();
  ASSERT_TRUE(host->create(kConfigMaps, "default",
                           {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "cfg"}, {"namespace", "default"}}}},
                           {}));
  const nlohmann::json parent = {{"apiVersion", "work.karmada.io/v1alpha2"},
                                 {"kind", "ResourceBinding"},
                                 {"metadata", {{"name", "web-deployment"}, {"namespace", "default"}}},
                                 {"spec", nlohmann::json::object()}};
  ASSERT_TRUE(host->create(kResourceBindingsGvr, "default", parent, {}));
  const nlohmann::json dep = {
      {"apiVersion", "work.karmada.io/v1alpha2"},
      {"kind", "ResourceBinding"},
      {"metadata", {{"name", "cfg-configmap"}, {"namespace", "default"}}},
      {"spec",
       {{"resource", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "cfg"}}},
        {"requiredBy", {{{"namespace", "default"}, {"name", "web-deployment"}}}}}}};
  ASSERT_TRUE(host->create(kResourceBindingsGvr, "default", dep, {}));
  EXPECT_TRUE(isDependencyBinding(dep));
  EXPECT_FALSE(isDependencyBinding(parent));

  auto informer = std::make_shared<client::Informer>(host, client::InformerOptions{kConfigMaps});
  informer->start();
  ASSERT_TRUE(informer->waitForSync(std::chrono::seconds(10)));
  client::Indexer pps, cpps, rbs, crbs;
  TemplateKind kind{kConfigMaps, {"", "v1", "ConfigMap"}, true, informer};
  Detector detector(host, kind, DetectorCaches{&pps, &cpps, &rbs, &crbs}, nullptr);
  auto reconcile = [&] {
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    auto r = detector.reconcile({"default", "cfg"});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
  };
  reconcile();  // no policy claims the ConfigMap, but web-deployment requires it
  EXPECT_TRUE(host->get(kResourceBindingsGvr, "default", "cfg-configmap", "").isOk());
  ASSERT_TRUE(host->remove(kResourceBindingsGvr, "default", "web-deployment", {}).isOk());
  reconcile();
  EXPECT_EQ(host->get(kResourceBindingsGvr, "default", "cfg-configmap", "").status().code(),
            core::Code::NotFound);
  informer->stop();
}

// A workload's binding goes (template deleted): the dependency bindings it alone required go
// too; one also required by another workload only loses that entry.
TEST(DetectorTest, DeletedWorkloadReleasesItsDependencies) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kPropagationPoliciesGvr, "default", policy("pp", "web"), {}));
  f.reconcile();
  ASSERT_TRUE(f.host->get(kResourceBindingsGvr, "default", "web-deployment", "").isOk());
  auto dep = [](const std::string& name, const nlohmann::json& required_by) {
    return nlohmann::json{
        {"apiVersion", "work.karmada.io/v1alpha2"},
        {"kind", "ResourceBinding"},
        {"metadata", {{"name", name + "-configmap"}, {"namespace", "default"}}},
        {"spec",
         {{"resource", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", name}}},
          {"requiredBy", required_by}}}};
  };
  const nlohmann::json web = {{"namespace", "default"}, {"name", "web-deployment"}};
  const nlohmann::json api = {{"namespace", "default"}, {"name", "api-deployment"}};
  ASSERT_TRUE(f.host->create(kResourceBindingsGvr, "default", dep("only", nlohmann::json::array({web})), {}));
  ASSERT_TRUE(f.host->create(kResourceBindingsGvr, "default", dep("shared", nlohmann::json::array({web, api})), {}));
  ASSERT_TRUE(f.host->remove(kDeployments, "default", "web", {}).isOk());
  for (int i = 0; i < 500 && f.informer->indexer().get("default", "web"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  f.reconcile();
  EXPECT_EQ(f.host->get(kResourceBindingsGvr, "default", "web-deployment", "").status().code(),
            core::Code::NotFound);
  EXPECT_EQ(f.host->get(kResourceBindingsGvr, "default", "only-configmap", "").status().code(),
            core::Code::NotFound);
  auto shared = f.host->get(kResourceBindingsGvr, "default", "shared-configmap", "");
  ASSERT_TRUE(shared.isOk());
  EXPECT_EQ((*shared)->json()["spec"]["requiredBy"], nlohmann::json::array({api}));
}

}  // namespace
}  // namespace flotilla::controllers
