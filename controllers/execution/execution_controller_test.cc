#include "controllers/execution/execution_controller.h"

#include <gtest/gtest.h>

#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

const client::GroupVersionResource kDeployments{"apps", "v1", "deployments"};

nlohmann::json workFor(const nlohmann::json& manifest, const std::string& conflict = "abort") {
  nlohmann::json m = manifest;
  m["metadata"]["labels"][kManagedLabel] = "true";
  m["metadata"]["annotations"][kWorkNameAnnotation] = "web-abc";
  m["metadata"]["annotations"][kWorkNamespaceAnnotation] = "karmada-es-m1";
  m["metadata"]["annotations"][kTemplateGenerationAnnotation] = "1";
  return {{"apiVersion", "work.karmada.io/v1alpha1"},
          {"kind", "Work"},
          {"metadata",
           {{"name", "web-abc"},
            {"namespace", "karmada-es-m1"},
            {"finalizers", {kExecutionFinalizer}},
            {"annotations", {{kConflictResolutionAnnotation, conflict}}}}},
          {"spec", {{"workload", {{"manifests", {m}}}}}}};
}

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  std::shared_ptr<testing::ServedFakeClient> member = std::make_shared<testing::ServedFakeClient>();
  std::shared_ptr<StaticMemberClients> members = std::make_shared<StaticMemberClients>();
  client::Indexer works;
  std::unique_ptr<ExecutionController> controller;
  Fixture() {
    members->set("m1", member);
    controller = std::make_unique<ExecutionController>(host, works, members,
                                                       std::make_shared<core::FakeClock>());
  }
  nlohmann::json reconcile() {
    testing::loadCache(*host, kWorksGvr, works);
    auto r = controller->reconcile({"karmada-es-m1", "web-abc"});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    auto w = host->get(kWorksGvr, "karmada-es-m1", "web-abc", "");
    return w ? (*w)->json() : nlohmann::json();
  }
};

TEST(ExecutionControllerTest, CreatesMemberObjectAndCollectsStatus) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kWorksGvr, "karmada-es-m1",
                             workFor(testing::deployment("default", "web", 2)), {}));
  auto w = f.reconcile();
  auto d = f.member->get(kDeployments, "default", "web");
  ASSERT_TRUE(d) << d.status().toString();
  EXPECT_EQ((*d)->json()["spec"]["replicas"], 2);
  EXPECT_EQ(conditionStatus(w["status"]["conditions"], "Applied"), "True");

  // The member's controllers report status; the next reconcile collects it.
  auto live = (*d)->json();
  live["status"] = {{"replicas", 2}, {"readyReplicas", 2}, {"availableReplicas", 2},
                    {"updatedReplicas", 2}, {"observedGeneration", 1}};
  ASSERT_TRUE(f.member->update(kDeployments, "default", live, {}, "status"));
  w = f.reconcile();
  ASSERT_EQ(w["status"]["manifestStatuses"].size(), 1u) << w.dump();
  ASSERT_TRUE(w["status"]["manifestStatuses"][0].contains("status"))
      << (*f.member->get(kDeployments, "default", "web"))->json().dump();
  const auto& ms = w["status"]["manifestStatuses"][0];
  EXPECT_EQ(ms["identifier"]["kind"], "Deployment");
  EXPECT_EQ(ms["identifier"]["resource"], "deployments");
  EXPECT_EQ(ms["status"]["readyReplicas"], 2);
}

TEST(ExecutionControllerTest, ConflictResolutionTable) {
  struct Row {
    const char* name;
    std::string conflict;
    bool applied;
    int replicas_after;
  };
  const std::vector<Row> rows = {{"abort leaves foreign object", "abort", false, 7},
                                 {"overwrite takes it over", "overwrite", true, 2}};
  for (const auto& row : rows) {
    Fixture f;
    ASSERT_TRUE(f.member->create(kDeployments, "default", testing::deployment("default", "web", 7)));
    ASSERT_TRUE(f.host->create(kWorksGvr, "karmada-es-m1",
                               workFor(testing::deployment("default", "web", 2), row.conflict), {}));
    auto w = f.reconcile();
    EXPECT_EQ(conditionStatus(w["status"]["conditions"], "Applied"), row.applied ? "True" : "False")
        << row.name;
    EXPECT_EQ((*f.member->get(kDeployments, "default", "web"))->json()["spec"]["replicas"],
              row.replicas_after)
        << row.name;
  }
}

TEST(ExecutionControllerTest, DeletedWorkRemovesMemberObjectThenFinalizer) {
  Fixture f;
  ASSERT_TRUE(f.host->create(kWorksGvr, "karmada-es-m1",
                             workFor(testing::deployment("default", "web", 2)), {}));
  f.reconcile();
  ASSERT_TRUE(f.member->get(kDeployments, "default", "web"));
  // What the API server does on delete of an object with finalizers.
  auto w = (*f.host->get(kWorksGvr, "karmada-es-m1", "web-abc", ""))->json();
  w["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  ASSERT_TRUE(f.host->update(kWorksGvr, "karmada-es-m1", w, {}, ""));
  w = f.reconcile();
  EXPECT_EQ(f.member->get(kDeployments, "default", "web").status().code(), core::Code::NotFound);
  EXPECT_TRUE(w["metadata"]["finalizers"].empty());
}

}  // namespace
}  // namespace flotilla::controllers
