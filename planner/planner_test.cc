#include "planner/planner.h"

#include <gtest/gtest.h>

#include "api/yaml.h"
#include "planner/plan_json.h"
#include "planner/repository.h"

namespace flotilla::planner {
namespace {

// Two clusters with room for 10 and 5 replicas of 1 CPU each, plus a tainted one.
constexpr const char* kClusters = R"(
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: big, labels: {cloud: a}}
spec: {syncMode: Push, provider: a, region: r1}
status:
  apiEnablements:
    - {groupVersion: apps/v1, resources: [{name: deployments, kind: Deployment}]}
    - {groupVersion: v1, resources: [{name: configmaps, kind: ConfigMap}]}
  resourceSummary: {allocatable: {cpu: "10", pods: "100"}}
---
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: small, labels: {cloud: b}}
spec: {syncMode: Push, provider: b, region: r2}
status:
  apiEnablements:
    - {groupVersion: apps/v1, resources: [{name: deployments, kind: Deployment}]}
    - {groupVersion: v1, resources: [{name: configmaps, kind: ConfigMap}]}
  resourceSummary: {allocatable: {cpu: "5", pods: "100"}}
---
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: tainted}
spec:
  syncMode: Push
  taints: [{key: cluster.karmada.io/not-ready, effect: NoSchedule}]
status:
  apiEnablements:
    - {groupVersion: apps/v1, resources: [{name: deployments, kind: Deployment}]}
  resourceSummary: {allocatable: {cpu: "100", pods: "100"}}
)";

std::string deployment(const std::string& name, int replicas, const std::string& ns = "default") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: " + ns +
         ", uid: u-" + name + "}\nspec:\n  replicas: " + std::to_string(replicas) +
         "\n  template:\n    spec:\n      containers:\n        - name: c\n          image: "
         "example.com/app:1\n          resources: {requests: {cpu: '1'}}\n";
}

std::string policy(const std::string& name, const std::string& target,
                   const std::string& placement, const std::string& ns = "default") {
  return "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: " +
         name + ", namespace: " + ns + "}\nspec:\n  resourceSelectors:\n    - {apiVersion: " +
         "apps/v1, kind: Deployment, name: " + target + "}\n  placement: " + placement + "\n";
}

Repository repoOf(const std::vector<std::string>& docs) {
  Repository repo;
  for (size_t i = 0; i < docs.size(); ++i) {
    auto parsed = api::yamlDocumentsToJson(docs[i]);
    EXPECT_TRUE(parsed.isOk()) << parsed.status().message();
    for (const auto& d : *parsed) repo.add(d, "doc" + std::to_string(i));
  }
  return repo;
}

const Placement& placementOf(const Plan& plan, const std::string& name) {
  for (const auto& p : plan.placements) {
    if (p.resource.name == name) return p;
  }
  throw std::runtime_error("no placement " + name);
}

TEST(Planner, UnmatchedTemplateHasNoPolicy) {
  Repository repo = repoOf({kClusters, deployment("web", 3)});
  Plan p = plan(repo.inputs());
  ASSERT_EQ(p.placements.size(), 1u);
  EXPECT_FALSE(p.placements[0].policy.has_value());
  EXPECT_FALSE(p.placements[0].scheduled);
  EXPECT_EQ(p.placements[0].reason, kReasonNoPolicy);
  EXPECT_TRUE(p.errors.empty());
}

TEST(Planner, DividedDynamicRendersRevisedManifests) {
  Repository repo = repoOf(
      {kClusters, deployment("web", 6),
       policy("web", "web",
              "{replicaScheduling: {replicaSchedulingType: Divided, weightPreference: "
              "{dynamicWeight: AvailableReplicas}}}"),
       R"(
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: {name: mirror, namespace: default}
spec:
  overrideRules:
    - targetCluster: {clusterNames: [small]}
      overriders:
        imageOverrider: [{component: Registry, operator: replace, value: mirror.example.com}]
)"});
  Plan p = plan(repo.inputs());
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].message;
  const Placement& web = placementOf(p, "web");
  ASSERT_TRUE(web.scheduled) << web.message;
  ASSERT_TRUE(web.policy.has_value());
  EXPECT_EQ(web.policy->name, "web");
  EXPECT_TRUE(web.workload);
  // Webster 6 over available 10:5 -> 4:2.
  EXPECT_EQ(web.clusters, (std::vector<scheduler::TargetCluster>{{"big", 4}, {"small", 2}}));
  EXPECT_EQ(web.manifests.at("big")["spec"]["replicas"], 4);
  EXPECT_EQ(web.manifests.at("small")["spec"]["replicas"], 2);
  EXPECT_EQ(web.manifests.at("small")["spec"]["template"]["spec"]["containers"][0]["image"],
            "mirror.example.com/app:1");
  EXPECT_EQ(web.manifests.at("big")["spec"]["template"]["spec"]["containers"][0]["image"],
            "example.com/app:1");
  EXPECT_FALSE(web.manifests.at("big")["metadata"].contains("uid"));
}

TEST(Planner, PreviousBindingGivesSteadyMode) {
  const std::string placement =
      "{replicaScheduling: {replicaSchedulingType: Divided, weightPreference: "
      "{dynamicWeight: AvailableReplicas}}}";
  const std::string previous = R"(
apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: web-deployment, namespace: default}
spec:
  resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: web}
  clusters: [{name: small, replicas: 3}]
)";
  // Scale up from 3 to 6: the 3 on `small` stay, the 3 new ones split 10:5 -> 2:1.
  Repository repo = repoOf({kClusters, deployment("web", 6), policy("web", "web", placement),
                            previous});
  Plan p = plan(repo.inputs());
  EXPECT_EQ(placementOf(p, "web").clusters,
            (std::vector<scheduler::TargetCluster>{{"big", 2}, {"small", 4}}));

  // A reschedule trigger newer than the last schedule makes it Fresh: 6 over 10:(5+3).
  Repository fresh = repoOf(
      {kClusters, deployment("web", 6), policy("web", "web", placement),
       previous + "  rescheduleTriggeredAt: '2026-01-02T00:00:00Z'\nstatus: {lastScheduledTime: "
                  "'2026-01-01T00:00:00Z'}\n"});
  Plan pf = plan(fresh.inputs());
  EXPECT_EQ(placementOf(pf, "web").clusters,
            (std::vector<scheduler::TargetCluster>{{"big", 3}, {"small", 3}}));
}

TEST(Planner, InvalidPolicyIsReportedAndMatchesNothing) {
  Repository repo = repoOf(
      {kClusters, deployment("web", 2),
       policy("web", "web", "{spreadConstraints: [{spreadByField: cluster, minGroups: 3, "
                            "maxGroups: 2}]}")});
  Plan p = plan(repo.inputs());
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].source, "doc2");
  EXPECT_EQ(p.errors[0].object, "policy.karmada.io/v1alpha1 PropagationPolicy default/web");
  EXPECT_EQ(p.errors[0].field, "spec.placement.spreadConstraints[0].maxGroups");
  EXPECT_FALSE(placementOf(p, "web").policy.has_value());
}

TEST(Planner, UndecodableObjectIsReportedWithFieldPath) {
  Repository repo = repoOf({kClusters, R"(
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: bad, namespace: default}
spec:
  priority: high
  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]
)"});
  ASSERT_FALSE(repo.errors().empty());
  EXPECT_EQ(repo.errors()[0].field, "spec.priority");
}

TEST(Planner, NonWorkloadAndTaintsAndCost) {
  Repository repo = repoOf({kClusters, R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: default}
data: {a: b}
---
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: {name: all}
spec:
  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]
---
apiVersion: estimator.flotilla.io/v1alpha1
kind: PriceBook
metadata: {name: prices}
spec:
  currency: USD
  rules:
    - targetCluster: {clusterNames: [big]}
      prices: {cpu: "0.5"}
)",
                            deployment("web", 3),
                            policy("web", "web",
                                   "{replicaScheduling: {replicaSchedulingType: Duplicated}}")});
  Plan p = plan(repo.inputs());
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].field << " " << p.errors[0].message;
  const Placement& cfg = placementOf(p, "cfg");
  EXPECT_FALSE(cfg.workload);
  EXPECT_EQ(cfg.policy->kind, "ClusterPropagationPolicy");
  // `tainted` is rejected (NoSchedule, not tolerated).
  EXPECT_EQ(cfg.clusters, (std::vector<scheduler::TargetCluster>{{"big", 0}, {"small", 0}}));
  const Placement& web = placementOf(p, "web");
  ASSERT_TRUE(web.cost.has_value());
  EXPECT_EQ(web.cost->hourly_micros, 1'500'000);  // 3 replicas × 1 cpu × 0.5 on big
  EXPECT_EQ(web.cost->unpriced, std::vector<std::string>{"small"});

  api::Json j = planToJson(p, true);
  EXPECT_EQ(j["kind"], "Plan");
  const api::Json& jcfg = j["placements"][1];  // apps/v1 sorts before v1
  EXPECT_EQ(jcfg["resource"]["kind"], "ConfigMap");
  EXPECT_FALSE(jcfg["clusters"][0].contains("replicas"));
  const api::Json& jweb = j["placements"][0];
  EXPECT_EQ(jweb["cost"]["hourly"], "1.500000");
  EXPECT_EQ(jweb["explain"]["clusters"][2]["reason"],
            "untolerated taint cluster.karmada.io/not-ready");
}

TEST(Planner, MixedCurrenciesAreAnError) {
  Repository repo = repoOf({kClusters, R"(
apiVersion: estimator.flotilla.io/v1alpha1
kind: PriceBook
metadata: {name: a}
spec: {currency: USD, rules: [{targetCluster: {}, prices: {cpu: "1"}}]}
---
apiVersion: estimator.flotilla.io/v1alpha1
kind: PriceBook
metadata: {name: b}
spec: {currency: EUR, rules: [{targetCluster: {}, prices: {cpu: "1"}}]}
)"});
  Plan p = plan(repo.inputs());
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].field, "spec.currency");
}

TEST(Planner, SchedulingGroupsAndUnschedulable) {
  Repository repo = repoOf(
      {kClusters, deployment("web", 4), deployment("huge", 100),
       policy("web", "web",
              "{clusterAffinities: [{affinityName: primary, clusterNames: [tainted]}, "
              "{affinityName: backup, clusterNames: [small]}], replicaScheduling: "
              "{replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}}"),
       policy("huge", "huge",
              "{replicaScheduling: {replicaSchedulingType: Divided, "
              "replicaDivisionPreference: Aggregated}}")});
  Plan p = plan(repo.inputs());
  const Placement& web = placementOf(p, "web");
  ASSERT_TRUE(web.scheduled) << web.message;
  EXPECT_EQ(web.affinity_name, "backup");
  const Placement& huge = placementOf(p, "huge");
  EXPECT_FALSE(huge.scheduled);
  EXPECT_EQ(huge.reason, scheduler::kReasonUnschedulable);
  EXPECT_EQ(huge.message,
            "0/3 clusters fit: 1 untolerated taint cluster.karmada.io/not-ready, 2 insufficient "
            "capacity (need 100, available 15)");
}

TEST(Planner, ReservedNamespaceIsNotPropagated) {
  Repository repo = repoOf({kClusters, deployment("x", 1, "karmada-system")});
  Plan p = plan(repo.inputs());
  EXPECT_EQ(p.placements[0].reason, kReasonNotPropagated);
}

TEST(Planner, Deterministic) {
  std::vector<std::string> docs = {kClusters, deployment("a", 5), deployment("b", 7),
                                   policy("a", "a", "{replicaScheduling: {}}"),
                                   policy("b", "b",
                                          "{replicaScheduling: {replicaSchedulingType: Divided, "
                                          "weightPreference: {dynamicWeight: AvailableReplicas}}}")};
  const std::string first = planToJson(plan(repoOf(docs).inputs()), true).dump();
  std::reverse(docs.begin(), docs.end());
  EXPECT_EQ(planToJson(plan(repoOf(docs).inputs()), true).dump(), first);
}

TEST(Repository, FlattensLists) {
  Repository repo;
  repo.add(api::Json::parse(R"({"apiVersion":"v1","kind":"List","items":[
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"d"}},
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{}}]})"),
           "list.json");
  EXPECT_EQ(repo.inputs().templates.size(), 1u);
  ASSERT_EQ(repo.errors().size(), 1u);
  EXPECT_EQ(repo.errors()[0].source, "list.json items[1]");
  EXPECT_EQ(repo.errors()[0].field, "metadata.name");
}

// Workload affinity (gate WorkloadAffinity): groups come from the template label named by
// placement.workloadAffinity; peers are earlier placements of this plan and previous bindings.
std::string grouped(const std::string& name, const std::string& group) {
  std::string d = deployment(name, 1);
  const std::string meta = "metadata: {name: " + name + ",";
  return d.replace(d.find(meta), meta.size(), meta + " labels: {group: " + group + "},");
}

std::vector<std::string> namesOf(const Placement& p) {
  std::vector<std::string> out;
  for (const auto& c : p.clusters) out.push_back(c.name);
  return out;
}

TEST(Planner, WorkloadAntiAffinitySeparatesAGroup) {
  const std::string placement =
      "{clusterAffinity: {clusterNames: [big, small]}, replicaScheduling: "
      "{replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}, "
      "workloadAffinity: {antiAffinity: {groupByLabelKey: group}}}";
  Repository repo = repoOf({kClusters, grouped("a1", "g"), grouped("a2", "g"),
                            policy("p1", "a1", placement), policy("p2", "a2", placement)});
  PlanOptions off;
  Plan without = plan(repo.inputs(), off);
  EXPECT_EQ(namesOf(placementOf(without, "a1")), std::vector<std::string>{"big"});
  EXPECT_EQ(namesOf(placementOf(without, "a2")), std::vector<std::string>{"big"});

  PlanOptions on;
  on.workload_affinity_gate = true;
  Plan with = plan(repo.inputs(), on);
  EXPECT_EQ(namesOf(placementOf(with, "a1")), std::vector<std::string>{"big"});
  EXPECT_EQ(namesOf(placementOf(with, "a2")), std::vector<std::string>{"small"});
}

TEST(Planner, WorkloadAffinityFollowsTheGroup) {
  const std::string placement =
      "{clusterAffinity: {clusterNames: [big, small]}, replicaScheduling: "
      "{replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}, "
      "workloadAffinity: {affinity: {groupByLabelKey: group}}}";
  // a2 currently runs on small; its group's first member a1 lands on big.
  const std::string previous = R"(apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: a2-deployment, namespace: default}
spec:
  resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: a2}
  replicas: 1
  clusters: [{name: small, replicas: 1}]
)";
  Repository repo = repoOf({kClusters, grouped("a1", "g"), grouped("a2", "g"), previous,
                            policy("p1", "a1", placement), policy("p2", "a2", placement)});
  Plan without = plan(repo.inputs(), PlanOptions{});
  EXPECT_EQ(namesOf(placementOf(without, "a2")), std::vector<std::string>{"small"});

  PlanOptions on;
  on.workload_affinity_gate = true;
  Plan with = plan(repo.inputs(), on);
  EXPECT_EQ(namesOf(placementOf(with, "a1")), std::vector<std::string>{"big"});
  const Placement& a2 = placementOf(with, "a2");
  EXPECT_EQ(namesOf(a2), std::vector<std::string>{"big"});
  // small is explained as rejected by the affinity filter.
  for (const auto& e : a2.explain) {
    if (e.name == "small") {
      EXPECT_EQ(e.plugin, "WorkloadAffinity") << e.reason;
    }
  }
}

// With report_moves, every placement compares with the previous binding.
TEST(Planner, ReportMovesAgainstPreviousBindings) {
  const std::string previous = R"(apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: web-deployment, namespace: default}
spec:
  resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: web}
  replicas: 4
  clusters: [{name: small, replicas: 4}]
)";
  Repository repo = repoOf(
      {kClusters, deployment("web", 4), previous, deployment("new", 1),
       policy("pw", "web", "{clusterAffinity: {clusterNames: [big]}}"),
       policy("pn", "new", "{clusterAffinity: {clusterNames: [big]}}")});
  PlanOptions options;
  options.report_moves = true;
  Plan p = plan(repo.inputs(), options);
  const Placement& web = placementOf(p, "web");
  ASSERT_TRUE(web.moves.has_value());
  EXPECT_TRUE(web.moves->bound);
  EXPECT_EQ(web.moves->added, (std::vector<scheduler::TargetCluster>{{"big", 4}}));
  EXPECT_EQ(web.moves->removed, (std::vector<scheduler::TargetCluster>{{"small", 4}}));
  const Placement& fresh = placementOf(p, "new");
  ASSERT_TRUE(fresh.moves.has_value());
  EXPECT_FALSE(fresh.moves->bound);
  EXPECT_EQ(movesSummary(*fresh.moves, true), "+big:1");
  EXPECT_FALSE(plan(repo.inputs()).placements[0].moves.has_value());
}

}  // namespace
}  // namespace flotilla::planner
