#include "interpreter/replica.h"

#include <gtest/gtest.h>

namespace flotilla::interpreter {
namespace {

using api::Json;

Json workload(const std::string& kind, Json spec_extra, Json pod_spec) {
  Json o = {{"apiVersion", "apps/v1"},
            {"kind", kind},
            {"metadata", {{"name", "w"}, {"namespace", "ns1"}}},
            {"spec", spec_extra}};
  if (kind == "Pod") {
    o["spec"] = pod_spec;
  } else if (kind == "CronJob") {
    o["spec"]["jobTemplate"]["spec"]["template"]["spec"] = pod_spec;
  } else {
    o["spec"]["template"]["spec"] = pod_spec;
  }
  return o;
}

const Json kPod = Json::parse(R"({
  "containers": [
    {"name": "a", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}},
    {"name": "b", "resources": {"limits": {"cpu": "500m", "memory": "128Mi"},
                                "requests": {"memory": "64Mi"}}}],
  "nodeSelector": {"disk": "ssd"},
  "tolerations": [{"key": "k", "operator": "Exists"}],
  "priorityClassName": "high"
})");

TEST(InterpretReplica, Replicas) {
  struct Row {
    const char* name;
    Json object;
    bool has_hook;
    int32_t replicas;
  };
  const Row rows[] = {
      {"deployment", workload("Deployment", {{"replicas", 3}}, kPod), true, 3},
      {"deployment_nil_replicas_zero", workload("Deployment", Json::object(), kPod), true, 0},
      {"statefulset", workload("StatefulSet", {{"replicas", 2}}, kPod), true, 2},
      {"replicaset", workload("ReplicaSet", {{"replicas", 4}}, kPod), true, 4},
      {"job_min_parallelism_completions",
       workload("Job", {{"parallelism", 5}, {"completions", 3}}, kPod), true, 3},
      {"job_completions_nil_uses_parallelism", workload("Job", {{"parallelism", 5}}, kPod), true,
       5},
      {"job_parallelism_smaller", workload("Job", {{"parallelism", 2}, {"completions", 8}}, kPod),
       true, 2},
      {"pod_is_one", workload("Pod", nullptr, kPod), true, 1},
      {"daemonset_no_hook", workload("DaemonSet", Json::object(), kPod), false, 0},
      {"cronjob_no_hook", workload("CronJob", Json::object(), kPod), false, 0},
  };
  for (const auto& r : rows) {
    auto res = interpretReplica(r.object);
    ASSERT_TRUE(res.isOk()) << r.name << ": " << res.status().toString();
    EXPECT_EQ(res->has_hook, r.has_hook) << r.name;
    EXPECT_EQ(res->replicas, r.replicas) << r.name;
  }
}

TEST(InterpretReplica, Requirements) {
  auto res = interpretReplica(workload("Deployment", {{"replicas", 1}}, kPod));
  ASSERT_TRUE(res.isOk());
  ASSERT_TRUE(res->requirements.has_value());
  const auto& req = *res->requirements;
  // Limits stand in for missing requests: cpu 250m + 500m; memory 64Mi + 64Mi.
  EXPECT_EQ(req.resource_request.at("cpu"), "750m");
  EXPECT_EQ(req.resource_request.at("memory"), "128Mi");
  ASSERT_TRUE(req.node_claim.has_value());
  EXPECT_EQ(req.node_claim->node_selector.at("disk"), "ssd");
  EXPECT_EQ(req.node_claim->tolerations.size(), 1u);
  EXPECT_FALSE(req.node_claim->hard_node_affinity.has_value());
  EXPECT_EQ(req.namespace_, "ns1");
  EXPECT_EQ(req.priority_class_name, "high");
  auto gate_off =
      interpretReplica(workload("Deployment", {{"replicas", 1}}, kPod), ReplicaOptions{false});
  EXPECT_TRUE(gate_off->requirements->namespace_.empty());
}

TEST(EffectivePodRequest, Table) {
  struct Row {
    const char* name;
    const char* spec;
    api::ResourceList want;
  };
  const Row rows[] = {
      {"sum_of_containers",
       R"({"containers":[{"resources":{"requests":{"cpu":"1"}}},{"resources":{"requests":{"cpu":"1500m"}}}]})",
       {{"cpu", "2500m"}}},
      {"init_container_max_wins",
       R"({"containers":[{"resources":{"requests":{"cpu":"100m","memory":"1Gi"}}}],
           "initContainers":[{"resources":{"requests":{"cpu":"2"}}},{"resources":{"requests":{"cpu":"1"}}}]})",
       {{"cpu", "2"}, {"memory", "1Gi"}}},
      {"overhead_added",
       R"({"containers":[{"resources":{"requests":{"cpu":"100m"}}}],"overhead":{"cpu":"50m"}})",
       {{"cpu", "150m"}}},
      {"extended_resource",
       R"({"containers":[{"resources":{"limits":{"nvidia.com/gpu":"1"}}},{"resources":{"limits":{"nvidia.com/gpu":"2"}}}]})",
       {{"nvidia.com/gpu", "3"}}},
      {"nothing_requested", R"({"containers":[{"name":"x"}]})", {}},
  };
  for (const auto& r : rows) {
    auto got = effectivePodRequest(Json::parse(r.spec));
    ASSERT_TRUE(got.isOk()) << r.name;
    EXPECT_EQ(*got, r.want) << r.name;
  }
  EXPECT_FALSE(effectivePodRequest(
                   Json::parse(R"({"containers":[{"resources":{"requests":{"cpu":"lots"}}}]})"))
                   .isOk());
}

TEST(InterpretReplica, HardNodeAffinityAndNoRequirements) {
  Json spec = {{"affinity",
                {{"nodeAffinity",
                  {{"requiredDuringSchedulingIgnoredDuringExecution",
                    {{"nodeSelectorTerms", Json::array()}}}}}}},
               {"containers", Json::array()}};
  auto res = interpretReplica(workload("Deployment", {{"replicas", 1}}, spec));
  ASSERT_TRUE(res.isOk());
  ASSERT_TRUE(res->requirements->node_claim->hard_node_affinity.has_value());
  auto none =
      interpretReplica(workload("Deployment", {{"replicas", 1}}, {{"containers", Json::array()}}));
  EXPECT_FALSE(none->requirements.has_value());
}

TEST(ReviseReplica, Table) {
  struct Row {
    const char* name;
    const char* kind;
    const char* field;
    bool ok;
  };
  const Row rows[] = {
      {"deployment", "Deployment", "replicas", true},
      {"statefulset", "StatefulSet", "replicas", true},
      {"replicaset", "ReplicaSet", "replicas", true},
      {"job_parallelism", "Job", "parallelism", true},
      {"daemonset_unsupported", "DaemonSet", "", false},
  };
  for (const auto& r : rows) {
    Json o = {{"kind", r.kind}, {"spec", {{"replicas", 1}}}};
    auto got = reviseReplica(o, 7);
    EXPECT_EQ(got.isOk(), r.ok) << r.name;
    if (r.ok) {
      EXPECT_EQ((*got)["spec"][r.field], 7) << r.name;
    }
    // In place: the same result on the object itself, which an error leaves unchanged.
    Json in_place = o;
    EXPECT_EQ(reviseReplicaInPlace(in_place, 7).isOk(), r.ok) << r.name;
    EXPECT_EQ(in_place, r.ok ? *got : o) << r.name;
  }
}

}  // namespace
}  // namespace flotilla::interpreter
