#include "controllers/eviction/graceful_eviction_controller.h"

#include <gtest/gtest.h>

#include "controllers/testing/served_fake_client.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

struct Fixture {
  std::shared_ptr<client::FakeClient> host = std::make_shared<client::FakeClient>();
  client::Indexer rbs, crbs;
  std::shared_ptr<core::FakeClock> clock = std::make_shared<core::FakeClock>();
  GracefulEvictionController controller{host, {&rbs, &crbs}, clock, {std::chrono::seconds(60)}};

  // A binding evicted from "primary" and rescheduled to "backup" whose health is `health`.
  void create(const nlohmann::json& task, const std::string& health, bool scheduled = true) {
    nlohmann::json b = {
        {"apiVersion", "work.karmada.io/v1alpha2"},
        {"kind", "ResourceBinding"},
        {"metadata", {{"name", "web-deployment"}, {"namespace", "default"}, {"generation", 3}}},
        {"spec",
         {{"resource",
           {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"namespace", "default"},
            {"name", "web"}}},
          {"clusters", {{{"name", "backup"}, {"replicas", 2}}}},
          {"gracefulEvictionTasks", {task}}}},
        {"status", {{"schedulerObservedGeneration", scheduled ? 3 : 2}}}};
    if (!health.empty()) {
      b["status"]["aggregatedStatus"] = {
          {{"clusterName", "backup"}, {"applied", true}, {"health", health}}};
    }
    ASSERT_TRUE(host->create(kResourceBindingsGvr, "default", b, {}));
  }
  core::Result<runtime::ReconcileResult> reconcile() {
    testing::loadCache(*host, kResourceBindingsGvr, rbs);
    return controller.reconcile({"default", "web-deployment"});
  }
  nlohmann::json tasks() {
    return (*host->get(kResourceBindingsGvr, "default", "web-deployment", ""))
        ->json()["spec"]
        .value("gracefulEvictionTasks", nlohmann::json::array());
  }
};

nlohmann::json task(const std::string& mode, const std::string& created) {
  nlohmann::json t = {{"fromCluster", "primary"},
                      {"purgeMode", mode},
                      {"reason", "TaintUntolerated"},
                      {"producer", "TaintManager"}};
  if (!created.empty()) t["creationTimestamp"] = created;
  return t;
}

TEST(GracefulEvictionControllerTest, Table) {
  struct Row {
    const char* name;
    std::string mode;
    bool stamped;        // task already has creationTimestamp (= now)
    std::string health;  // of the new placement
    bool scheduled;
    int64_t advance_seconds;
    bool kept;
  };
  const std::vector<Row> rows = {
      {"new task is stamped and kept", "Gracefully", false, "Healthy", true, 0, true},
      {"healthy new placement releases the old copy", "Gracefully", true, "Healthy", true, 0,
       false},
      {"unhealthy new placement keeps it", "Gracefully", true, "Unhealthy", true, 0, true},
      {"no status yet keeps it", "Gracefully", true, "", true, 0, true},
      {"stale schedule keeps it", "Gracefully", true, "Healthy", false, 0, true},
      {"timeout releases it", "Gracefully", true, "Unhealthy", true, 61, false},
      {"Never keeps it although healthy", "Never", true, "Healthy", true, 0, true},
      {"Never keeps it after the timeout", "Never", true, "Unhealthy", true, 3600, true},
      {"Directly task goes once healthy", "Directly", true, "Healthy", true, 0, false},
  };
  for (const auto& r : rows) {
    Fixture f;
    const std::string created = r.stamped ? nowText(*f.clock) : "";
    f.create(task(r.mode, created), r.health, r.scheduled);
    f.clock->advance(std::chrono::seconds(r.advance_seconds));
    auto result = f.reconcile();
    ASSERT_TRUE(result.isOk()) << r.name << ": " << result.status().toString();
    const auto tasks = f.tasks();
    EXPECT_EQ(tasks.size(), r.kept ? 1u : 0u) << r.name;
    if (r.kept && !r.stamped) {
      EXPECT_EQ(tasks[0]["creationTimestamp"], nowText(*f.clock)) << r.name;
      ASSERT_TRUE(result->requeue_after.has_value()) << r.name;
      EXPECT_EQ(*result->requeue_after, std::chrono::seconds(60)) << r.name;
    }
  }
}

TEST(GracefulEvictionControllerTest, WaitsThenReleasesWhenHealthy) {
  Fixture f;
  f.create(task("Gracefully", ""), "Unhealthy");
  ASSERT_TRUE(f.reconcile().isOk());  // stamp
  f.clock->advance(std::chrono::seconds(20));
  auto r = f.reconcile();
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(f.tasks().size(), 1u);
  ASSERT_TRUE(r->requeue_after.has_value());
  EXPECT_EQ(*r->requeue_after, std::chrono::seconds(40));
  auto b = (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  b["status"]["aggregatedStatus"][0]["health"] = "Healthy";
  ASSERT_TRUE(f.host->update(kResourceBindingsGvr, "default", b, {}, "status"));
  ASSERT_TRUE(f.reconcile().isOk());
  auto after = (*f.host->get(kResourceBindingsGvr, "default", "web-deployment", ""))->json();
  EXPECT_FALSE(after["spec"].contains("gracefulEvictionTasks"));
}

}  // namespace
}  // namespace flotilla::controllers
