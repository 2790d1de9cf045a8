#include "interpreter/aggregate_status.h"

#include <gtest/gtest.h>

namespace flotilla::interpreter {
namespace {

using api::Json;

api::AggregatedStatusItem item(const std::string& cluster, const char* status) {
  api::AggregatedStatusItem i;
  i.cluster_name = cluster;
  if (status != nullptr) i.status = Json::parse(status);
  i.applied = true;
  return i;
}

Json templ(const std::string& kind, int64_t generation, Json status = nullptr) {
  Json o = {{"kind", kind}, {"metadata", {{"name", "x"}, {"generation", generation}}}};
  if (!status.is_null()) o["status"] = status;
  return o;
}

TEST(AggregateStatus, WorkloadSumsAndObservedGeneration) {
  struct Row {
    const char* name;
    Json object;
    std::vector<api::AggregatedStatusItem> items;
    Json want_status;
  };
  const char* kFresh1 = R"({"replicas":2,"readyReplicas":2,"updatedReplicas":2,
      "availableReplicas":2,"observedGeneration":4,"generation":4,"resourceTemplateGeneration":3})";
  const char* kFresh2 = R"({"replicas":1,"readyReplicas":1,"updatedReplicas":1,
      "availableReplicas":1,"unavailableReplicas":1,"observedGeneration":7,"generation":7,
      "resourceTemplateGeneration":3})";
  const char* kStale = R"({"replicas":1,"observedGeneration":6,"generation":7,
      "resourceTemplateGeneration":3})";
  const char* kOldTemplate = R"({"replicas":1,"observedGeneration":7,"generation":7,
      "resourceTemplateGeneration":2})";
  const Row rows[] = {
      {"deployment_all_observed",
       templ("Deployment", 3, {{"observedGeneration", 2}}),
       {item("m1", kFresh1), item("m2", kFresh2)},
       Json::parse(R"({"replicas":3,"readyReplicas":3,"updatedReplicas":3,"availableReplicas":3,
                       "unavailableReplicas":1,"observedGeneration":3})")},
      {"deployment_member_not_observed_keeps_old",
       templ("Deployment", 3, {{"observedGeneration", 2}}),
       {item("m1", kFresh1), item("m2", kStale)},
       Json::parse(R"({"replicas":3,"readyReplicas":2,"updatedReplicas":2,"availableReplicas":2,
                       "observedGeneration":2})")},
      {"deployment_old_template_generation_keeps_old",
       templ("Deployment", 3, {{"observedGeneration", 2}}),
       {item("m1", kOldTemplate)},
       Json::parse(R"({"replicas":1,"observedGeneration":2})")},
      {"deployment_nil_status_counts_in_denominator",
       templ("Deployment", 3, {{"observedGeneration", 2}}),
       {item("m1", kFresh1), item("m2", nullptr)},
       Json::parse(R"({"replicas":2,"readyReplicas":2,"updatedReplicas":2,"availableReplicas":2,
                       "observedGeneration":2})")},
      {"replicaset",
       templ("ReplicaSet", 1),
       {item("m1", R"({"replicas":2,"readyReplicas":1,"availableReplicas":1,"observedGeneration":1,
                      "generation":1,"resourceTemplateGeneration":1})")},
       Json::parse(R"({"replicas":2,"readyReplicas":1,"availableReplicas":1,
                       "observedGeneration":1})")},
      {"daemonset",
       templ("DaemonSet", 2),
       {item("m1", R"({"currentNumberScheduled":1,"desiredNumberScheduled":1,"numberAvailable":1,
                      "numberReady":1,"updatedNumberScheduled":1,"observedGeneration":1,
                      "generation":1,"resourceTemplateGeneration":2})"),
        item("m2", R"({"currentNumberScheduled":2,"desiredNumberScheduled":2,"numberReady":2,
                      "numberMisscheduled":1,"numberUnavailable":2,"observedGeneration":1,
                      "generation":1,"resourceTemplateGeneration":2})")},
       Json::parse(R"({"currentNumberScheduled":3,"desiredNumberScheduled":3,"numberAvailable":1,
                       "numberMisscheduled":1,"numberReady":3,"updatedNumberScheduled":1,
                       "numberUnavailable":2,"observedGeneration":2})")},
      {"statefulset_compares_member_generation_quirk",
       templ("StatefulSet", 9),
       {item("m1", R"({"replicas":1,"readyReplicas":1,"currentReplicas":1,"updatedReplicas":1,
                      "availableReplicas":1,"observedGeneration":2,"generation":2,
                      "resourceTemplateGeneration":2})")},
       Json::parse(R"({"replicas":1,"readyReplicas":1,"currentReplicas":1,"updatedReplicas":1,
                       "availableReplicas":1,"observedGeneration":9})")},
      {"hpa",
       templ("HorizontalPodAutoscaler", 1),
       {item("m1", R"({"currentReplicas":2,"desiredReplicas":3})"),
        item("m2", R"({"currentReplicas":1,"desiredReplicas":1})")},
       Json::parse(R"({"currentReplicas":3,"desiredReplicas":4})")},
      {"pdb",
       templ("PodDisruptionBudget", 1),
       {item("m1", R"({"currentHealthy":2,"desiredHealthy":1,"expectedPods":2,
                      "disruptionsAllowed":1,"disruptedPods":{"p1":"t"}})"),
        item("m2", R"({"currentHealthy":1,"desiredHealthy":1,"expectedPods":1})")},
       Json::parse(R"({"currentHealthy":3,"desiredHealthy":2,"expectedPods":3,
                       "disruptionsAllowed":1,"disruptedPods":{"m1/p1":"t"}})")},
  };
  for (const auto& r : rows) {
    auto got = aggregateStatus(r.object, r.items);
    ASSERT_TRUE(got.isOk()) << r.name;
    EXPECT_EQ((*got)["status"], r.want_status) << r.name << "\n" << (*got)["status"].dump();
  }
}

TEST(AggregateStatus, Job) {
  const char* kComplete = R"({"succeeded":2,"startTime":"2026-01-01T00:00:05Z",
      "completionTime":"2026-01-01T00:01:00Z","conditions":[{"type":"Complete","status":"True"},
      {"type":"SuccessCriteriaMet","status":"True"}]})";
  const char* kComplete2 = R"({"succeeded":1,"startTime":"2026-01-01T00:00:01Z",
      "completionTime":"2026-01-01T00:02:00Z","conditions":[{"type":"Complete","status":"True"}]})";
  const char* kRunning = R"({"active":1,"startTime":"2026-01-01T00:00:03Z"})";
  const char* kFailed = R"({"failed":3,"conditions":[{"type":"Failed","status":"True"}]})";
  AggregateOptions opts{"2026-01-02T00:00:00Z"};
  {
    auto got =
        aggregateStatus(templ("Job", 1), {item("m1", kComplete), item("m2", kComplete2)}, opts);
    ASSERT_TRUE(got.isOk());
    const Json& s = (*got)["status"];
    EXPECT_EQ(s["succeeded"], 3);
    EXPECT_EQ(s["startTime"], "2026-01-01T00:00:01Z");
    EXPECT_EQ(s["completionTime"], "2026-01-01T00:02:00Z");
    ASSERT_EQ(s["conditions"].size(), 1u) << "SuccessCriteriaMet needs every member";
    EXPECT_EQ(s["conditions"][0]["type"], "Complete");
    EXPECT_EQ(s["conditions"][0]["reason"], "Completed");
    EXPECT_EQ(s["conditions"][0]["lastTransitionTime"], "2026-01-02T00:00:00Z");
  }
  {
    auto got = aggregateStatus(templ("Job", 1), {item("m1", kComplete), item("m2", kComplete)});
    EXPECT_EQ((*got)["status"]["conditions"][1]["type"], "SuccessCriteriaMet");
    EXPECT_EQ((*got)["status"]["conditions"][1]["reason"], "CompletionsReached");
  }
  {
    auto got = aggregateStatus(templ("Job", 1),
                               {item("m1", kFailed), item("m2", kRunning), item("m3", kFailed)});
    const Json& s = (*got)["status"];
    EXPECT_EQ(s["failed"], 6);
    EXPECT_EQ(s["active"], 1);
    EXPECT_EQ(s["conditions"][0]["type"], "Failed");
    EXPECT_EQ(s["conditions"][0]["reason"], "JobFailed");
    EXPECT_EQ(s["conditions"][0]["message"], "Job executed failed in member clusters m1,m3");
    EXPECT_FALSE(s.contains("startTime")) << "not every member has started";
  }
  {
    auto got = aggregateStatus(templ("Job", 1), {item("m1", kComplete), item("m2", kRunning)});
    EXPECT_FALSE((*got)["status"].contains("conditions"));
    EXPECT_EQ((*got)["status"]["startTime"], "2026-01-01T00:00:03Z");
  }
  {
    Json done =
        templ("Job", 1, Json::parse(R"({"conditions":[{"type":"Complete","status":"True"}]})"));
    auto got = aggregateStatus(done, {item("m1", kFailed)});
    EXPECT_EQ(*got, done) << "finished Jobs never change";
  }
}

TEST(AggregateStatus, PhasesAndLoadBalancers) {
  struct Row {
    const char* name;
    Json object;
    std::vector<api::AggregatedStatusItem> items;
    Json want_status;
  };
  const Row rows[] = {
      {"pod_failed_wins",
       templ("Pod", 1),
       {item("m1", R"({"phase":"Running"})"), item("m2", R"({"phase":"Failed"})")},
       {{"phase", "Failed"}}},
      {"pod_missing_status_is_pending",
       templ("Pod", 1),
       {item("m1", R"({"phase":"Running"})"), item("m2", nullptr)},
       {{"phase", "Pending"}}},
      {"pod_running_beats_succeeded",
       templ("Pod", 1),
       {item("m1", R"({"phase":"Succeeded"})"),
        item("m2", R"({"phase":"Running","containerStatuses":[{"name":"c","ready":true,
                      "restartCount":3,"state":{"running":{}}}]})")},
       Json::parse(
           R"({"phase":"Running","containerStatuses":[{"ready":true,"state":{"running":{}}}]})")},
      {"pod_all_succeeded",
       templ("Pod", 1),
       {item("m1", R"({"phase":"Succeeded"})")},
       {{"phase", "Succeeded"}}},
      {"pv_precedence",
       templ("PersistentVolume", 1),
       {item("m1", R"({"phase":"Bound"})"), item("m2", R"({"phase":"Available"})")},
       {{"phase", "Available"}}},
      {"pvc_all_bound",
       templ("PersistentVolumeClaim", 1),
       {item("m1", R"({"phase":"Bound"})"), item("m2", R"({"phase":"Bound"})")},
       {{"phase", "Bound"}}},
      {"pvc_lost_wins",
       templ("PersistentVolumeClaim", 1),
       {item("m1", R"({"phase":"Lost"})"), item("m2", R"({"phase":"Pending"})")},
       {{"phase", "Lost"}}},
      {"pvc_last_non_bound",
       templ("PersistentVolumeClaim", 1),
       {item("m1", R"({"phase":"Pending"})"), item("m2", R"({"phase":"Bound"})")},
       {{"phase", "Pending"}}},
      {"ingress_union_dedup_sorted",
       templ("Ingress", 1),
       {item("m1", R"({"loadBalancer":{"ingress":[{"ip":"10.0.0.2"},{"ip":"10.0.0.1"}]}})"),
        item("m2", R"({"loadBalancer":{"ingress":[{"ip":"10.0.0.1"},{"hostname":"a.example"}]}})")},
       Json::parse(R"({"loadBalancer":{"ingress":[{"hostname":"a.example"},{"ip":"10.0.0.1"},
                                                  {"ip":"10.0.0.2"}]}})")},
      {"cronjob",
       templ("CronJob", 1),
       {item("m1", R"({"active":[{"name":"j1"}],"lastScheduleTime":"2026-01-01T00:00:00Z"})"),
        item("m2", R"({"active":[{"name":"j2"}],"lastScheduleTime":"2026-01-02T00:00:00Z",
                      "lastSuccessfulTime":"2026-01-01T12:00:00Z"})")},
       Json::parse(R"({"active":[{"name":"j1"},{"name":"j2"}],
                       "lastScheduleTime":"2026-01-02T00:00:00Z",
                       "lastSuccessfulTime":"2026-01-01T12:00:00Z"})")},
  };
  for (const auto& r : rows) {
    auto got = aggregateStatus(r.object, r.items);
    ASSERT_TRUE(got.isOk()) << r.name;
    EXPECT_EQ((*got)["status"], r.want_status) << r.name << "\n" << (*got)["status"].dump();
  }
  Json lb = {{"kind", "Service"}, {"spec", {{"type", "LoadBalancer"}}}};
  auto got =
      aggregateStatus(lb, {item("m1", R"({"loadBalancer":{"ingress":[{"ip":"1.1.1.1"}]}})")});
  EXPECT_EQ((*got)["status"]["loadBalancer"]["ingress"][0]["ip"], "1.1.1.1");
  Json cip = {{"kind", "Service"}, {"spec", {{"type", "ClusterIP"}}}};
  EXPECT_EQ(*aggregateStatus(cip, {item("m1", R"({"loadBalancer":{}})")}), cip);
  Json cm = {{"kind", "ConfigMap"}};
  EXPECT_EQ(*aggregateStatus(cm, {item("m1", "{}")}), cm);
}

}  // namespace
}  // namespace flotilla::interpreter
