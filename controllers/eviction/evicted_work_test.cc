// The binding controller's part in graceful eviction: the Work of a cluster with a Gracefully or
// Never task stays (the old copy), a Directly task's Work goes at once, and dropping the task
// releases the Work.
#include <gtest/gtest.h>

#include "api/work_types.h"
#include "controllers/binding/binding_controller.h"
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
    EXPECT_TRUE(host->create(kDeployments, "default", testing::deployment("default", "web", 2), {}));
    for (const char* name : {"primary", "backup"}) {
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
  void setSpec(const nlohmann::json& clusters_json, const nlohmann::json& tasks) {
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
          {"replicas", 2},
          {"clusters", clusters_json}}}};
    if (!tasks.is_null()) b["spec"]["gracefulEvictionTasks"] = tasks;
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
    auto r = controller->reconcile({"default", "web-deployment"});
    EXPECT_TRUE(r.isOk()) << r.status().toString();
  }
  bool hasWork(const std::string& cluster) {
    return host->get(kWorksGvr, api::executionNamespace(cluster),
                     api::workName("default", "web", "Deployment"), "")
        .isOk();
  }
};

TEST(EvictedWorkTest, Table) {
  struct Row {
    const char* mode;
    bool primary_kept;
  };
  for (const Row& r : std::vector<Row>{{"Gracefully", true},
                                       {"", true},
                                       {"Never", true},
                                       {"Directly", false},
                                       {"Immediately", false}}) {
    Fixture f;
    f.setSpec({{{"name", "primary"}, {"replicas", 2}}}, nullptr);
    f.reconcile();
    ASSERT_TRUE(f.hasWork("primary"));
    f.setSpec({{{"name", "backup"}, {"replicas", 2}}},
              {{{"fromCluster", "primary"},
                {"purgeMode", r.mode},
                {"reason", "TaintUntolerated"},
                {"producer", "TaintManager"}}});
    f.reconcile();
    EXPECT_TRUE(f.hasWork("backup")) << r.mode;
    EXPECT_EQ(f.hasWork("primary"), r.primary_kept) << r.mode;
    // The task is dropped: the old copy goes.
    f.setSpec({{{"name", "backup"}, {"replicas", 2}}}, nullptr);
    f.reconcile();
    EXPECT_FALSE(f.hasWork("primary")) << r.mode;
    EXPECT_TRUE(f.hasWork("backup")) << r.mode;
  }
}

}  // namespace
}  // namespace flotilla::controllers
