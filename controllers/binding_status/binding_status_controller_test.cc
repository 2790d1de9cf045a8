#include "controllers/binding_status/binding_status_controller.h"

#include <gtest/gtest.h>

#include "controllers/binding/binding_controller.h"
#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

const client::GroupVersionResource kDeployments{"apps", "v1", "deployments"};

nlohmann::json work(const std::string& cluster, int ready, bool applied) {
  return {{"apiVersion", "work.karmada.io/v1alpha1"},
          {"kind", "Work"},
          {"metadata",
           {{"name", "web-abc"},
            {"namespace", "karmada-es-" + cluster},
            {"annotations",
             {{kRBNamespaceAnnotation, "default"}, {kRBNameAnnotation, "web-deployment"}}}}},
          {"status",
           {{"conditions",
             {{{"type", "Applied"}, {"status", applied ? "True" : "False"}, {"message", "x"}}}},
            {"manifestStatuses",
             {{{"identifier", {{"ordinal", 0}, {"version", "v1"}, {"kind", "Deployment"},
                               {"resource", "deployments"}, {"name", "web"}}},
               {"health", "Healthy"},
               {"status",
                {{"replicas", ready}, {"readyReplicas", ready}, {"availableReplicas", ready},
                 {"updatedReplicas", ready}, {"observedGeneration", 1},
                 {"generation", 1}, {"resourceTemplateGeneration", 1}}}}}}}}};
}

// The binding of Deployment default/web, scheduled 1 replica to m1 and 2 to m2.
nlohmann::json webBinding() {
  return {{"metadata", {{"name", "web-deployment"}, {"namespace", "default"}}},
          {"spec",
           {{"resource", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                          {"namespace", "default"}, {"name", "web"}}},
            {"clusters", {{{"name", "m1"}, {"replicas", 1}}, {{"name", "m2"}, {"replicas", 2}}}}}}};
}

TEST(BindingStatusControllerTest, AggregatesWorksIntoBindingAndTemplate) {
  auto host = std::make_shared<client::FakeClient>();
  auto d = testing::deployment("default", "web", 3);
  d["metadata"]["generation"] = 1;
  ASSERT_TRUE(host->create(kDeployments, "default", d, {}));
  ASSERT_TRUE(host->create(kResourceBindingsGvr, "default", webBinding(), {}));
  ASSERT_TRUE(host->create(kWorksGvr, "karmada-es-m1", work("m1", 1, true), {}));
  ASSERT_TRUE(host->create(kWorksGvr, "karmada-es-m2", work("m2", 2, true), {}));

  auto informer = std::make_shared<client::Informer>(host, client::InformerOptions{kDeployments});
  informer->start();
  ASSERT_TRUE(informer->waitForSync(std::chrono::seconds(10)));
  TemplateStore templates;
  templates.add({kDeployments, {"apps", "v1", "Deployment"}, true, informer});
  client::Indexer rbs, crbs, works;
  works.addIndex(kWorkBindingIndex, workBindingIndex);
  testing::loadCache(*host, kResourceBindingsGvr, rbs);
  testing::loadCache(*host, kWorksGvr, works);
  BindingStatusController controller(host, {&rbs, &crbs, &works}, &templates,
                                     std::make_shared<core::FakeClock>());
  auto r = controller.reconcile({"default", "web-deployment"});
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  informer->stop();

  auto b = (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  ASSERT_EQ(b["status"]["aggregatedStatus"].size(), 2u);
  EXPECT_EQ(b["status"]["aggregatedStatus"][0]["clusterName"], "m1");
  EXPECT_EQ(b["status"]["aggregatedStatus"][0]["applied"], true);
  EXPECT_EQ(conditionStatus(b["status"]["conditions"], "FullyApplied"), "True");
  auto t = (*host->get(kDeployments, "default", "web", ""))->json();
  EXPECT_EQ(t["status"]["readyReplicas"], 3);
  EXPECT_EQ(t["status"]["availableReplicas"], 3);
  EXPECT_EQ(conditionStatus(t["status"]["conditions"], "Available"), "True");
}


TEST(BindingStatusControllerTest, FirstReportWaitsForEveryWorkWithinTheSettleWindow) {
  // One row per situation: which Works exist and have reported, how far the clock moved since
  // the first reconcile, and whether the binding status was written.
  struct Row {
    const char* name;
    bool m2_exists;
    bool m2_reported;
    int advance_ms;
    bool written;
  };
  const std::vector<Row> rows = {
      {"all reported: written at once", true, true, 0, true},
      {"a Work not reported yet: held", true, false, 0, false},
      {"a Work missing: held", false, false, 0, false},
      {"a Work not reported after the window: written", true, false, 1000, true},
  };
  for (const auto& row : rows) {
    auto host = std::make_shared<client::FakeClient>();
    auto d = testing::deployment("default", "web", 3);
    ASSERT_TRUE(host->create(kDeployments, "default", d, {}));
    ASSERT_TRUE(host->create(kResourceBindingsGvr, "default", webBinding(), {}));
    ASSERT_TRUE(host->create(kWorksGvr, "karmada-es-m1", work("m1", 1, true), {}));
    if (row.m2_exists) {
      auto w2 = work("m2", 2, true);
      if (!row.m2_reported) w2.erase("status");
      ASSERT_TRUE(host->create(kWorksGvr, "karmada-es-m2", w2, {}));
    }
    TemplateStore templates;
    client::Indexer rbs, crbs, works;
    works.addIndex(kWorkBindingIndex, workBindingIndex);
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    testing::loadCache(*host, kWorksGvr, works);
    auto clock = std::make_shared<core::FakeClock>();
    BindingStatusController controller(host, {&rbs, &crbs, &works}, &templates, clock,
                                       BindingStatusOptions{std::chrono::milliseconds(1000)});
    auto r = controller.reconcile({"default", "web-deployment"});
    ASSERT_TRUE(r.isOk()) << row.name << ": " << r.status().toString();
    if (row.advance_ms > 0) {
      EXPECT_TRUE(r->requeue_after.has_value()) << row.name;
      clock->advance(std::chrono::milliseconds(row.advance_ms));
      r = controller.reconcile({"default", "web-deployment"});
      ASSERT_TRUE(r.isOk()) << row.name << ": " << r.status().toString();
    }
    auto b = (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
    EXPECT_EQ(b.contains("status") && b["status"].contains("aggregatedStatus"), row.written)
        << row.name << ": " << b.dump();
    if (!row.written) {
      ASSERT_TRUE(r->requeue_after.has_value()) << row.name;
      EXPECT_EQ(*r->requeue_after, std::chrono::milliseconds(1000)) << row.name;
    }
  }
}


TEST(BindingStatusControllerTest, HeldWorkReportsAreReadAgainWhenTheWorkMoves) {
  // A pass held for m2 keeps what it read of m1; m1 and m2 then report (new versions): the
  // written status carries their new reports, not the kept ones.
  struct Row {
    const char* name;
    int m1_ready_after;  // m1's readyReplicas once it reports again (1 = unchanged)
  };
  const std::vector<Row> rows = {{"m1 unchanged", 1}, {"m1 moved while held", 0}};
  for (const auto& row : rows) {
    auto host = std::make_shared<client::FakeClient>();
    ASSERT_TRUE(
        host->create(kDeployments, "default", testing::deployment("default", "web", 3), {}));
    ASSERT_TRUE(host->create(kResourceBindingsGvr, "default", webBinding(), {}));
    ASSERT_TRUE(host->create(kWorksGvr, "karmada-es-m1", work("m1", 1, true), {}));
    auto w2 = work("m2", 2, true);
    w2.erase("status");
    ASSERT_TRUE(host->create(kWorksGvr, "karmada-es-m2", w2, {}));
    TemplateStore templates;
    client::Indexer rbs, crbs, works;
    works.addIndex(kWorkBindingIndex, workBindingIndex);
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    testing::loadCache(*host, kWorksGvr, works);
    BindingStatusController controller(host, {&rbs, &crbs, &works}, &templates,
                                       std::make_shared<core::FakeClock>(),
                                       BindingStatusOptions{std::chrono::milliseconds(1000)});
    ASSERT_TRUE(controller.reconcile({"default", "web-deployment"}).isOk()) << row.name;
    if (row.m1_ready_after != 1) {
      auto w1 = (*host->get(kWorksGvr, "karmada-es-m1", "web-abc", ""))->json();
      w1["status"] = work("m1", row.m1_ready_after, true)["status"];
      ASSERT_TRUE(host->update(kWorksGvr, "karmada-es-m1", w1, {}, "status")) << row.name;
    }
    auto w2_now = (*host->get(kWorksGvr, "karmada-es-m2", "web-abc", ""))->json();
    w2_now["status"] = work("m2", 2, true)["status"];
    ASSERT_TRUE(host->update(kWorksGvr, "karmada-es-m2", w2_now, {}, "status")) << row.name;
    testing::loadCache(*host, kWorksGvr, works);
    ASSERT_TRUE(controller.reconcile({"default", "web-deployment"}).isOk()) << row.name;
    auto b = (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
    ASSERT_EQ(b["status"]["aggregatedStatus"].size(), 2u) << row.name << ": " << b.dump();
    EXPECT_EQ(b["status"]["aggregatedStatus"][0]["status"]["readyReplicas"], row.m1_ready_after)
        << row.name;
    EXPECT_EQ(b["status"]["aggregatedStatus"][1]["status"]["readyReplicas"], 2) << row.name;
    EXPECT_EQ(conditionStatus(b["status"]["conditions"], "FullyApplied"), "True") << row.name;
  }
}

}  // namespace
}  // namespace flotilla::controllers
