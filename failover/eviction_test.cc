#include "failover/eviction.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace flotilla::failover {
namespace {

using std::chrono::seconds;

std::chrono::system_clock::time_point at(const std::string& text) {
  std::chrono::system_clock::time_point t;
  EXPECT_TRUE(core::parseRfc3339(text, &t)) << text;
  return t;
}

TEST(EvictCluster, Table) {
  struct Row {
    const char* name;
    std::vector<api::TargetCluster> clusters;
    std::vector<api::GracefulEvictionTask> tasks;
    EvictionRequest request;
    bool changed;
    size_t clusters_left;
    size_t tasks_after;
  };
  const std::vector<api::TargetCluster> two = {{"m1", 2, {}}, {"m2", 3, {}}};
  api::GracefulEvictionTask existing;
  existing.from_cluster = "m1";
  existing.purge_mode = kPurgeGracefully;
  const std::vector<Row> rows = {
      {"moves the cluster into a task", two, {}, {"m1", "Gracefully"}, true, 1, 1},
      {"not a target: nothing", two, {}, {"m9", "Gracefully"}, true, 2, 1},
      {"task exists, cluster back in clusters: removed, no duplicate", two, {existing},
       {"m1", "Gracefully"}, true, 1, 1},
      {"task exists, cluster gone: no change", {{"m2", 3, {}}}, {existing}, {"m1", "Directly"},
       false, 1, 1},
  };
  for (auto r : rows) {
    EXPECT_EQ(evictCluster(r.clusters, r.tasks, r.request), r.changed) << r.name;
    EXPECT_EQ(r.clusters.size(), r.clusters_left) << r.name;
    EXPECT_EQ(r.tasks.size(), r.tasks_after) << r.name;
  }
}

TEST(EvictCluster, TaskCarriesReplicasModeAndHistory) {
  struct Row {
    const char* mode;
    std::string want_mode;
    bool grace, suppress;
  };
  for (const Row& r : std::vector<Row>{{"", "Gracefully", true, false},
                                       {"Graciously", "Gracefully", true, false},
                                       {"Immediately", "Directly", false, false},
                                       {"Directly", "Directly", false, false},
                                       {"Never", "Never", false, true}}) {
    std::vector<api::TargetCluster> clusters = {{"m1", 2, {}}, {"m2", 3, {}}};
    std::vector<api::GracefulEvictionTask> tasks;
    EvictionRequest req{"m2", r.mode};
    req.grace_period_seconds = 60;
    req.message = "taint failover/not-ready:NoExecute";
    ASSERT_TRUE(evictCluster(clusters, tasks, req));
    ASSERT_EQ(tasks.size(), 1u);
    const auto& t = tasks[0];
    EXPECT_EQ(t.from_cluster, "m2");
    EXPECT_EQ(t.purge_mode, r.want_mode) << r.mode;
    EXPECT_EQ(t.replicas, 3);
    EXPECT_EQ(t.reason, "TaintUntolerated");
    EXPECT_EQ(t.producer, "TaintManager");
    EXPECT_EQ(t.grace_period_seconds.has_value(), r.grace) << r.mode;
    EXPECT_EQ(t.suppress_deletion.value_or(false), r.suppress) << r.mode;
    EXPECT_EQ(t.clusters_before_failover, (std::vector<std::string>{"m1", "m2"}));
  }
}

TEST(ClustersKeptByEviction, DirectlyIsNotKept) {
  std::vector<api::GracefulEvictionTask> tasks(4);
  tasks[0].from_cluster = "a";
  tasks[0].purge_mode = "Directly";
  tasks[1].from_cluster = "b";
  tasks[1].purge_mode = "Gracefully";
  tasks[2].from_cluster = "c";
  tasks[2].purge_mode = "Never";
  tasks[3].from_cluster = "d";  // empty = Gracefully
  EXPECT_EQ(clustersKeptByEviction(tasks), (std::set<std::string>{"b", "c", "d"}));
}

TEST(AssessEvictionTasks, Table) {
  struct Row {
    const char* name;
    api::GracefulEvictionTask task;
    PlacementHealth placement;
    bool kept;
    std::optional<seconds> recheck;
  };
  auto task = [](const char* created, const char* mode, std::optional<int32_t> grace = {},
                 std::optional<bool> suppress = {}) {
    api::GracefulEvictionTask t;
    t.from_cluster = "primary";
    t.purge_mode = mode;
    t.creation_timestamp = created;
    t.grace_period_seconds = grace;
    t.suppress_deletion = suppress;
    return t;
  };
  const PlacementHealth healthy{true, {"backup"}, {{"backup", "Healthy"}}};
  const PlacementHealth unhealthy{true, {"backup"}, {{"backup", "Unhealthy"}}};
  const PlacementHealth no_status{true, {"backup"}, {}};
  const PlacementHealth not_scheduled{false, {"backup"}, {{"backup", "Healthy"}}};
  const PlacementHealth nowhere{true, {}, {}};
  const char* t0 = "2026-11-26T02:00:00Z";  // now is t0 + 100s
  const std::vector<Row> rows = {
      {"new task is stamped and kept", task("", "Gracefully"), healthy, true, seconds(600)},
      {"new task, own grace period", task("", "Gracefully", 30), healthy, true, seconds(30)},
      {"healthy new placement drops", task(t0, "Gracefully"), healthy, false, {}},
      {"unhealthy new placement keeps", task(t0, "Gracefully"), unhealthy, true, seconds(500)},
      {"no status yet keeps", task(t0, "Gracefully"), no_status, true, seconds(500)},
      {"not scheduled yet keeps", task(t0, "Gracefully"), not_scheduled, true, seconds(500)},
      {"nowhere to go keeps", task(t0, "Gracefully"), nowhere, true, seconds(500)},
      {"grace period over drops", task(t0, "Gracefully", 60), unhealthy, false, {}},
      {"Directly drops once healthy", task(t0, "Directly"), healthy, false, {}},
      {"Never keeps even when healthy", task(t0, "Never"), healthy, true, {}},
      {"Never keeps after the timeout", task(t0, "Never", 1), unhealthy, true, {}},
      {"suppressDeletion true keeps", task(t0, "Gracefully", {}, true), healthy, true, {}},
      {"suppressDeletion false drops", task(t0, "Never", {}, false), unhealthy, false, {}},
  };
  const auto now = at(t0) + seconds(100);
  for (const auto& r : rows) {
    const auto a = assessEvictionTasks({r.task}, r.placement, now, seconds(600));
    EXPECT_EQ(a.kept.size(), r.kept ? 1u : 0u) << r.name;
    EXPECT_EQ(a.dropped.size(), r.kept ? 0u : 1u) << r.name;
    EXPECT_EQ(a.recheck_after, r.recheck) << r.name;
    if (r.kept && r.task.creation_timestamp.empty()) {
      EXPECT_EQ(a.kept[0].creation_timestamp, "2026-11-26T02:01:40Z") << r.name;
      EXPECT_TRUE(a.changed) << r.name;
    }
    if (r.kept && !r.task.creation_timestamp.empty()) {
      EXPECT_FALSE(a.changed) << r.name;
    }
  }
}

}  // namespace
}  // namespace flotilla::failover
