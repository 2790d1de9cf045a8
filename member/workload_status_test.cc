#include "member/workload_status.h"

#include <gtest/gtest.h>

namespace flotilla::member {
namespace {

Json readyPod(bool ready) {
  return {{"metadata", {{"name", "p"}}},
          {"status",
           {{"phase", "Running"},
            {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

Json deployment(int replicas, Json strategy = Json::object()) {
  return {{"metadata", {{"name", "web"}, {"generation", 4}}},
          {"spec", {{"replicas", replicas}, {"strategy", strategy}}}};
}

TEST(MaxUnavailable, Table) {
  struct Row {
    const char* name;
    Json deployment;
    int32_t want;
  };
  std::vector<Row> rows = {
      {"default 25% of 4", deployment(4), 1},
      {"default 25% of 3 rounds down", deployment(3), 0},
      {"absolute", deployment(10, {{"rollingUpdate", {{"maxUnavailable", 3}}}}), 3},
      {"percent", deployment(10, {{"rollingUpdate", {{"maxUnavailable", "50%"}}}}), 5},
      {"recreate", deployment(10, {{"type", "Recreate"}}), 0},
      {"clamped", deployment(2, {{"rollingUpdate", {{"maxUnavailable", 5}}}}), 2},
  };
  for (const auto& row : rows) EXPECT_EQ(maxUnavailable(row.deployment), row.want) << row.name;
}

TEST(DeploymentStatus, Table) {
  struct Row {
    const char* name;
    int replicas;
    std::vector<OwnedReplicaSet> sets;
    Json want_counts;
    std::string available, progressing_reason;
  };
  auto rs = [](const char* name, int spec, int have, int ready) {
    return OwnedReplicaSet{name, spec, {{"replicas", have}, {"readyReplicas", ready}, {"availableReplicas", ready}}};
  };
  std::vector<Row> rows = {
      {"just created", 3, {rs("web-new", 3, 0, 0)},
       {{"unavailableReplicas", 3}}, "False", "NewReplicaSetCreated"},
      {"complete", 3, {rs("web-new", 3, 3, 3)},
       {{"replicas", 3}, {"updatedReplicas", 3}, {"readyReplicas", 3}, {"availableReplicas", 3}},
       "True", "NewReplicaSetAvailable"},
      {"rolling: old still serving", 4, {rs("web-old", 4, 4, 4), rs("web-new", 4, 4, 2)},
       {{"replicas", 8}, {"updatedReplicas", 4}, {"readyReplicas", 6}, {"availableReplicas", 6},
        {"unavailableReplicas", 2}},
       "True", "NewReplicaSetCreated"},
      {"scaled to zero", 0, {rs("web-new", 0, 0, 0)}, Json::object(), "True",
       "NewReplicaSetAvailable"},
  };
  for (const auto& row : rows) {
    Json s = deploymentStatus(deployment(row.replicas), row.sets, "web-new", "2026-01-01T00:00:00Z");
    EXPECT_EQ(s["observedGeneration"], 4) << row.name;
    for (const char* f : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
                          "unavailableReplicas"}) {
      EXPECT_EQ(s.value(f, 0), row.want_counts.value(f, 0)) << row.name << " " << f;
    }
    EXPECT_EQ(conditionStatus(s["conditions"], "Available"), row.available) << row.name;
    for (const auto& c : s["conditions"]) {
      if (c["type"] == "Progressing") {
        EXPECT_EQ(c["reason"], row.progressing_reason) << row.name;
      }
    }
  }
}

TEST(DeploymentStatus, ConditionTimestampsMoveOnlyOnChange) {
  Json d = deployment(1);
  d["status"] = deploymentStatus(d, {{"web-new", 1, {{"replicas", 1}, {"availableReplicas", 1}}}},
                                 "web-new", "2026-01-01T00:00:00Z");
  Json again = deploymentStatus(d, {{"web-new", 1, {{"replicas", 1}, {"availableReplicas", 1}}}},
                                "web-new", "2026-01-01T00:05:00Z");
  EXPECT_EQ(again, d["status"]);  // nothing changed: no write
  Json down = deploymentStatus(d, {{"web-new", 1, {{"replicas", 1}}}}, "web-new", "2026-01-01T00:09:00Z");
  for (const auto& c : down["conditions"]) {
    if (c["type"] == "Available") {
      EXPECT_EQ(c["status"], "False");
      EXPECT_EQ(c["lastTransitionTime"], "2026-01-01T00:09:00Z");
    }
  }
}

TEST(DeploymentStatus, ProgressDeadline) {
  Json d = deployment(2);
  d["spec"]["progressDeadlineSeconds"] = 60;
  const std::vector<OwnedReplicaSet> stuck = {{"web-new", 2, {{"replicas", 2}, {"availableReplicas", 1}}}};
  d["status"] = deploymentStatus(d, stuck, "web-new", "2026-01-01T00:00:00Z");
  d["status"] = deploymentStatus(d, stuck, "web-new", "2026-01-01T00:00:30Z");
  auto reason = [](const Json& status) {
    for (const auto& c : status["conditions"]) {
      if (c["type"] == "Progressing") return c["reason"].get<std::string>();
    }
    return std::string();
  };
  // Nothing progressed since the first pass: the condition stays as it was (no write).
  EXPECT_EQ(reason(d["status"]), "NewReplicaSetCreated");
  EXPECT_EQ(reason(deploymentStatus(d, stuck, "web-new", "2026-01-01T00:01:00Z")),
            "ProgressDeadlineExceeded");
  // Progress before the deadline keeps it going.
  const std::vector<OwnedReplicaSet> better = {
      {"web-new", 2, {{"replicas", 2}, {"availableReplicas", 2}, {"readyReplicas", 2}}}};
  EXPECT_EQ(reason(deploymentStatus(d, better, "web-new", "2026-01-01T00:00:50Z")),
            "NewReplicaSetAvailable");
}

// The Progressing condition over a rollout, pass by pass, as kube's deployment controller words
// it: created, then updated only when pods progressed, then available; a new template starts
// over with the new replica set's name.
TEST(DeploymentStatus, ProgressingAcrossPasses) {
  auto rs = [](const char* name, int spec, int have, int ready) {
    return OwnedReplicaSet{name, spec, {{"replicas", have}, {"readyReplicas", ready}, {"availableReplicas", ready}}};
  };
  struct Pass {
    const char* name;
    std::vector<OwnedReplicaSet> sets;
    std::string new_rs, reason;
  };
  const std::vector<Pass> passes = {
      {"created with its pods", {rs("web-a", 2, 2, 0)}, "web-a", "NewReplicaSetCreated"},
      {"nothing new", {rs("web-a", 2, 2, 0)}, "web-a", "NewReplicaSetCreated"},
      {"one pod ready", {rs("web-a", 2, 2, 1)}, "web-a", "ReplicaSetUpdated"},
      {"all ready", {rs("web-a", 2, 2, 2)}, "web-a", "NewReplicaSetAvailable"},
      {"new template", {rs("web-a", 2, 2, 2), rs("web-b", 2, 2, 0)}, "web-b",
       "NewReplicaSetCreated"},
      {"new pods ready, old scaled down", {rs("web-a", 0, 0, 0), rs("web-b", 2, 2, 2)}, "web-b",
       "NewReplicaSetAvailable"},
  };
  Json d = deployment(2);
  for (const auto& pass : passes) {
    d["status"] = deploymentStatus(d, pass.sets, pass.new_rs, "2026-01-01T00:00:00Z");
    std::string reason;
    for (const auto& c : d["status"]["conditions"]) {
      if (c["type"] == "Progressing") reason = c["reason"];
    }
    EXPECT_EQ(reason, pass.reason) << pass.name;
  }
}

TEST(StatusCanWait, Table) {
  using TimePoint = std::chrono::steady_clock::time_point;
  const TimePoint t0{};
  const TimePoint deadline = t0 + std::chrono::seconds(1);
  auto started = [](const char* name) {
    return Json{{"metadata", {{"name", name}}},
                {"status", {{"phase", "Pending"}, {"startTime", "2026-01-01T00:00:00Z"}}}};
  };
  Json ready = readyPod(true);
  Json soon = started("soon");
  Json late = started("late");
  Json unknown = started("unknown");
  Json unscheduled = {{"metadata", {{"name", "soon"}}}, {"status", {{"phase", "Pending"}}}};
  Json going = started("soon");
  going["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  Json crashed = readyPod(false);  // Running, not Ready: no kubelet step due
  crashed["metadata"]["name"] = "soon";
  const ReadyAt ready_at = [&](const Json& pod) -> std::optional<TimePoint> {
    const std::string name = pod["metadata"]["name"];
    if (name == "soon") return t0 + std::chrono::milliseconds(500);
    if (name == "late") return t0 + std::chrono::seconds(5);
    return std::nullopt;
  };
  struct Row {
    const char* name;
    std::vector<const Json*> pods;
    bool want;
  };
  const std::vector<Row> rows = {
      {"no pods", {}, false},
      {"all ready: nothing to wait for", {&ready, &ready}, false},
      {"one due soon", {&ready, &soon}, true},
      {"one due after the window", {&soon, &late}, false},
      {"ready time unknown (restart)", {&unknown}, false},
      {"unschedulable", {&unscheduled}, false},
      {"being deleted", {&going}, false},
      {"running but not ready", {&crashed}, false},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(statusCanWait(row.pods, ready_at, deadline), row.want) << row.name;
  }
}

TEST(ReplicaSetStatus, CountsReadyPods) {
  Json rs = {{"metadata", {{"generation", 2}}}, {"spec", {{"replicas", 3}}}};
  const std::vector<Json> pods = {readyPod(true), readyPod(false), readyPod(true)};
  Json s = replicaSetStatus(rs, {&pods[0], &pods[1], &pods[2]});
  EXPECT_EQ(s["replicas"], 3);
  EXPECT_EQ(s["readyReplicas"], 2);
  EXPECT_EQ(s["availableReplicas"], 2);
  EXPECT_EQ(s["observedGeneration"], 2);
  EXPECT_FALSE(replicaSetStatus(rs, {}).contains("readyReplicas"));
}

TEST(ReplicaSetStatus, FromCounts) {
  const Json fresh = {{"metadata", {{"name", "web-abc"}}}, {"spec", {{"replicas", 2}}}};
  const Json scaled = {{"metadata", {{"generation", 3}}},
                       {"status", {{"replicas", 1}, {"conditions", Json::array({{{"type", "X"}}})}}}};
  struct Row {
    const char* name;
    const Json& rs;
    int64_t replicas, ready;
    Json want;
  };
  const std::vector<Row> rows = {
      {"new: pods being created, none Ready", fresh, 2, 0,
       {{"replicas", 2}, {"fullyLabeledReplicas", 2}, {"observedGeneration", 1}}},
      {"no pods: zero counters omitted", fresh, 0, 0, {{"replicas", 0}, {"observedGeneration", 1}}},
      {"keeps conditions, counts replaced", scaled, 3, 2,
       {{"replicas", 3},
        {"fullyLabeledReplicas", 3},
        {"readyReplicas", 2},
        {"availableReplicas", 2},
        {"observedGeneration", 3},
        {"conditions", Json::array({{{"type", "X"}}})}}},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(replicaSetStatus(row.rs, row.replicas, row.ready), row.want) << row.name;
  }
}

Json jobPod(const char* phase) {
  return {{"metadata", {{"name", std::string("pod-") + phase}}}, {"status", {{"phase", phase}}}};
}

TEST(PlanJob, Table) {
  struct Row {
    const char* name;
    Json spec;
    std::vector<Json> pods;
    int32_t create;
    size_t deleted;
    std::string complete, failed;
  };
  std::vector<Row> rows = {
      {"starts parallelism pods", {{"completions", 5}, {"parallelism", 2}}, {}, 2, 0, "", ""},
      {"never more than remaining completions", {{"completions", 3}, {"parallelism", 5}},
       {jobPod("Succeeded"), jobPod("Succeeded")}, 1, 0, "", ""},
      {"tops up", {{"completions", 4}, {"parallelism", 2}}, {jobPod("Running"), jobPod("Succeeded")},
       1, 0, "", ""},
      {"complete", {{"completions", 1}}, {jobPod("Succeeded")}, 0, 0, "True", ""},
      {"work queue completes when one succeeded and none run", {{"parallelism", 2}},
       {jobPod("Succeeded"), jobPod("Succeeded")}, 0, 0, "True", ""},
      {"failed pods are retried", {{"backoffLimit", 2}}, {jobPod("Failed")}, 1, 0, "", ""},
      {"backoff limit", {{"backoffLimit", 1}, {"parallelism", 2}, {"completions", 4}},
       {jobPod("Failed"), jobPod("Failed"), jobPod("Running")}, 0, 1, "", "True"},
      {"suspended", {{"suspend", true}}, {jobPod("Running")}, 0, 1, "", ""},
  };
  for (const auto& row : rows) {
    Json job = {{"metadata", {{"name", "j"}}}, {"spec", row.spec}};
    JobPlan plan = planJob(job, row.pods, "2026-01-01T00:00:00Z");
    EXPECT_EQ(plan.create, row.create) << row.name;
    EXPECT_EQ(plan.delete_pods.size(), row.deleted) << row.name;
    const Json conditions = plan.status.value("conditions", Json::array());
    EXPECT_EQ(conditionStatus(conditions, "Complete"), row.complete) << row.name;
    EXPECT_EQ(conditionStatus(conditions, "Failed"), row.failed) << row.name;
  }
}

TEST(PlanJob, CompleteJobHasCompletionTimeAndCounts) {
  Json job = {{"metadata", {{"name", "j"}}}, {"spec", {{"completions", 2}}}};
  JobPlan plan = planJob(job, {jobPod("Succeeded"), jobPod("Succeeded")}, "2026-01-01T00:00:09Z");
  EXPECT_TRUE(plan.finished);
  EXPECT_EQ(plan.status["succeeded"], 2);
  EXPECT_EQ(plan.status["completionTime"], "2026-01-01T00:00:09Z");
  EXPECT_FALSE(plan.status.contains("active"));
  EXPECT_EQ(conditionStatus(plan.status["conditions"], "SuccessCriteriaMet"), "True");
}

TEST(TemplateHash, StableAndSensitive) {
  Json a = {{"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1"}}}}}}};
  Json b = a;
  b["spec"]["containers"][0]["image"] = "nginx:2";
  EXPECT_EQ(templateHash(a), templateHash(a));
  EXPECT_NE(templateHash(a), templateHash(b));
  EXPECT_EQ(templateHash(a).find_first_not_of("bcdfghjklmnpqrstvwxz2456789"), std::string::npos);
}

// The hash names ReplicaSets (<deployment>-<hash>): it must stay what FNV-1a over dump() gave,
// or every Deployment would roll out again after an upgrade.
TEST(TemplateHash, SameAsOverDump) {
  const auto over_dump = [](const Json& t) {
    uint32_t h = 2166136261u;
    for (unsigned char c : t.dump()) {
      h ^= c;
      h *= 16777619u;
    }
    static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string out;
    for (int i = 0; i < 10; ++i) {
      out.push_back(kAlphabet[h % 27]);
      h /= 27;
      if (h == 0 && i >= 7) break;
    }
    return out;
  };
  const struct {
    const char* name;
    Json pod_template;
  } cases[] = {
      {"empty", Json::object()},
      {"plain", {{"metadata", {{"labels", {{"app", "web"}}}}},
                 {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1"}}}}}}}},
      {"numbers and booleans",
       {{"spec", {{"terminationGracePeriodSeconds", 30}, {"hostNetwork", false},
                  {"priority", -5}, {"ratio", 0.25}, {"nothing", nullptr}}}}},
      {"escapes", {{"metadata", {{"annotations", {{"a", "quote \" slash \\ tab \t nl \n \x01 end"}}}}}}},
      {"non-ASCII", {{"metadata", {{"annotations", {{"note", "caf\u00e9 \u65e5\u672c \U0001F600"}}}}}}},
  };
  for (const auto& c : cases) EXPECT_EQ(templateHash(c.pod_template), over_dump(c.pod_template)) << c.name;
}

TEST(StatefulSetStatus, RevisionsSettleWhenAllUpdated) {
  Json sts = {{"metadata", {{"generation", 1}}}, {"spec", {{"replicas", 2}}}};
  Json p = readyPod(true);
  p["metadata"]["labels"]["controller-revision-hash"] = "web-abc";
  Json s = statefulSetStatus(sts, {p, p}, "web-abc");
  EXPECT_EQ(s["replicas"], 2);
  EXPECT_EQ(s["readyReplicas"], 2);
  EXPECT_EQ(s["updatedReplicas"], 2);
  EXPECT_EQ(s["currentReplicas"], 2);
  EXPECT_EQ(s["currentRevision"], "web-abc");
}

}  // namespace
}  // namespace flotilla::member
