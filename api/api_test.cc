#include <gtest/gtest.h>

#include "api/cluster_types.h"
#include "api/policy_types.h"
#include "api/pricebook_types.h"
#include "api/resource_quantity.h"
#include "api/work_types.h"
#include "api/yaml.h"

namespace flotilla::api {
namespace {

TEST(Codec, PropagationPolicyRoundTripsUnknownFields) {
  Json in = Json::parse(R"({
    "apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
    "metadata": {"name": "nginx", "namespace": "default", "creationTimestamp": "x",
                 "labels": {"a": "b"}},
    "spec": {
      "resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "nginx",
                             "futureField": 7}],
      "placement": {"clusterAffinity": {"clusterNames": ["m1", "m2"]},
                    "replicaScheduling": {"replicaSchedulingType": "Divided",
                      "weightPreference": {"staticWeightList": [
                        {"targetCluster": {"clusterNames": ["m1"]}, "weight": 1}]}},
                    "newPlacementKnob": {"x": 1}},
      "priority": 0,
      "unknownTopLevel": true
    },
    "status": {"whatever": 1}
  })");
  auto pp = fromJson<PropagationPolicy>(in);
  ASSERT_TRUE(pp.isOk()) << pp.status().toString();
  EXPECT_EQ(pp->spec.resource_selectors[0].name, "nginx");
  EXPECT_EQ(pp->spec.placement.cluster_affinity->cluster_names.size(), 2u);
  EXPECT_EQ(pp->spec.priority, 0);
  EXPECT_EQ(pp->metadata.labels.at("a"), "b");
  EXPECT_EQ(toJson(*pp), in);
}

TEST(Codec, TypeErrorsNameEveryField) {
  Json in = Json::parse(R"({"spec": {"priority": "high", "resourceSelectors": [{"kind": 3}]}})");
  auto pp = fromJson<PropagationPolicy>(in);
  ASSERT_FALSE(pp.isOk());
  ASSERT_EQ(pp.status().causes().size(), 2u);
  EXPECT_EQ(pp.status().causes()[0].field, "spec.resourceSelectors[0].kind");
  EXPECT_EQ(pp.status().causes()[1].field, "spec.priority");
}

TEST(Codec, ClusterAndBindingAndWorkRoundTrip) {
  const char* kDocs[] = {
      R"({"apiVersion":"cluster.karmada.io/v1alpha1","kind":"Cluster","metadata":{"name":"m1"},
          "spec":{"syncMode":"Push","apiEndpoint":"https://1.2.3.4","provider":"aws",
                  "region":"us-east-1","zones":["a"],"taints":[{"key":"k","effect":"NoSchedule"}],
                  "resourceModels":[{"grade":0,"ranges":[{"name":"cpu","min":"0","max":"1"}]}]},
          "status":{"kubernetesVersion":"v1.32.0","resourceSummary":{"allocatable":{"cpu":"4"},
                    "allocatableModelings":[{"grade":0,"count":2}]},
                    "nodeSummary":{"totalNum":3,"readyNum":3}}})",
      R"({"apiVersion":"work.karmada.io/v1alpha2","kind":"ResourceBinding",
          "metadata":{"name":"nginx-deployment","namespace":"default"},
          "spec":{"resource":{"apiVersion":"apps/v1","kind":"Deployment","name":"nginx",
                  "namespace":"default"},"replicas":3,
                  "replicaRequirements":{"resourceRequest":{"cpu":"100m"}},
                  "clusters":[{"name":"m1","replicas":2},{"name":"m2","replicas":1}],
                  "gracefulEvictionTasks":[{"fromCluster":"m3","reason":"TaintUntolerated",
                    "producer":"TaintManager"}]},
          "status":{"schedulerObservingAffinityName":"primary","aggregatedStatus":[
             {"clusterName":"m1","applied":true,"health":"Healthy","status":{"replicas":2}}]}})",
      R"({"apiVersion":"work.karmada.io/v1alpha1","kind":"Work",
          "metadata":{"name":"w","namespace":"karmada-es-m1"},
          "spec":{"workload":{"manifests":[{"kind":"ConfigMap","x":{"y":1}}]}}})",
      R"({"apiVersion":"estimator.flotilla.io/v1alpha1","kind":"PriceBook",
          "metadata":{"name":"prices"},
          "spec":{"currency":"USD","rules":[{"targetCluster":{"fieldSelector":{
            "matchExpressions":[{"key":"provider","operator":"In","values":["aws"]}]}},
            "prices":{"cpu":"0.031","memory":"0.004"}}]}})",
  };
  auto check = [](const Json& in, auto tag) {
    using T = decltype(tag);
    auto v = fromJson<T>(in);
    ASSERT_TRUE(v.isOk()) << v.status().toString();
    EXPECT_EQ(toJson(*v), in);
  };
  check(Json::parse(kDocs[0]), Cluster{});
  check(Json::parse(kDocs[1]), ResourceBinding{});
  check(Json::parse(kDocs[2]), Work{});
  check(Json::parse(kDocs[3]), PriceBook{});
  auto pb = fromJson<PriceBook>(Json::parse(kDocs[3]));
  EXPECT_EQ(pb->spec.effectiveBilling(), "Requests");
}

TEST(Defaults, PropagationPolicy) {
  auto pp = fromYaml<PropagationPolicy>(R"(
kind: PropagationPolicy
metadata: {name: p, namespace: ns1}
spec:
  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]
  placement:
    replicaScheduling: {}
    spreadConstraints: [{maxGroups: 2}]
  failover:
    application:
      decisionConditions: {}
      purgeMode: Graciously
)");
  ASSERT_TRUE(pp.isOk()) << pp.status().toString();
  setDefaults(*pp);
  const auto& s = pp->spec;
  EXPECT_EQ(s.resource_selectors[0].namespace_, "ns1");
  EXPECT_EQ(s.preemption, "Never");
  EXPECT_EQ(s.scheduler_name, "default-scheduler");
  EXPECT_EQ(s.conflict_resolution, "Abort");
  EXPECT_EQ(s.placement.replica_scheduling->replica_scheduling_type, "Divided");
  EXPECT_EQ(s.placement.replica_scheduling->replica_division_preference, "Weighted");
  EXPECT_EQ(s.placement.spread_constraints[0].spread_by_field, "cluster");
  EXPECT_EQ(s.placement.spread_constraints[0].min_groups, 1);
  EXPECT_EQ(s.failover->application->purge_mode, "Gracefully");
  EXPECT_EQ(s.failover->application->grace_period_seconds, 600);
  EXPECT_EQ(s.failover->application->decision_conditions.toleration_seconds, 300);
}

TEST(Defaults, ReplicaSchedulingNilVersusEmpty) {
  Placement nil_rs;
  Placement empty_rs;
  empty_rs.replica_scheduling.emplace();
  EXPECT_EQ(effectiveReplicaSchedulingType(nil_rs), "Duplicated");
  EXPECT_EQ(effectiveReplicaSchedulingType(empty_rs), "Divided");
  EXPECT_EQ(effectiveDivisionPreference(empty_rs), "Weighted");
}

TEST(Names, BindingAndWork) {
  EXPECT_EQ(bindingName("Deployment", "nginx"), "nginx-deployment");
  EXPECT_EQ(bindingName("ClusterRole", "system:foo"), "system.foo-clusterrole");
  EXPECT_EQ(workName("karmada", "derived-nginx", "Service"), "derived-nginx-6d759d674c");
  EXPECT_EQ(executionNamespace("m1"), "karmada-es-m1");
}

TEST(Quantity, ParseAndFormat) {
  struct Row {
    const char* name;
    const char* in;
    int64_t milli;
    const char* canonical;
  };
  const Row rows[] = {
      {"millicores", "500m", 500, "500m"}, {"cores", "2", 2000, "2"},
      {"fraction", "1.5", 1500, "1500m"},  {"binary", "1Gi", 1073741824000LL, "1Gi"},
      {"decimal_k", "2k", 2000000, "2k"},  {"exponent", "1e3", 1000000, "1k"},
      {"nano_rounds_up", "1n", 1, "1m"},   {"zero", "0", 0, "0"},
  };
  for (const auto& r : rows) {
    auto q = parseQuantity(r.in);
    ASSERT_TRUE(q.isOk()) << r.name;
    EXPECT_EQ(q->milli, r.milli) << r.name;
    EXPECT_EQ(formatQuantity(q->milli, q->format), r.canonical) << r.name;
  }
  for (const char* bad : {"", "abc", "1Xi", "1.2.3", "m"}) {
    EXPECT_FALSE(parseQuantity(bad).isOk()) << bad;
  }
  ResourceList a{{"cpu", "500m"}, {"memory", "1Gi"}};
  ASSERT_TRUE(addResourceList(a, {{"cpu", "500m"}, {"memory", "512Mi"}, {"pods", "1"}}).isOk());
  EXPECT_EQ(a.at("cpu"), "1");
  EXPECT_EQ(a.at("memory"), "1536Mi");
  EXPECT_EQ(a.at("pods"), "1");
}

TEST(Yaml, ScalarsAndQuoting) {
  auto j = yamlToJson("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: hello\ng: [x, 2]\n");
  ASSERT_TRUE(j.isOk());
  EXPECT_EQ(*j,
            Json::parse(R"({"a":1,"b":"1","c":true,"d":null,"e":1.5,"f":"hello","g":["x",2]})"));
  auto back = yamlToJson(jsonToYaml(*j));
  ASSERT_TRUE(back.isOk());
  EXPECT_EQ(*back, *j);
  EXPECT_FALSE(yamlToJson("a: [").isOk());
}

TEST(Tolerations, Matching) {
  Taint t{"k", "v", "NoSchedule", ""};
  EXPECT_TRUE(toleratesTaint(Toleration{"k", "Equal", "v", "NoSchedule"}, t));
  EXPECT_FALSE(toleratesTaint(Toleration{"k", "Equal", "w", "NoSchedule"}, t));
  EXPECT_TRUE(toleratesTaint(Toleration{"", "Exists", "", ""}, t));
  EXPECT_FALSE(toleratesTaint(Toleration{"k", "Exists", "", "NoExecute"}, t));
  EXPECT_FALSE(toleratesTaint(Toleration{"k", "Lt", "v", ""}, t));
}

}  // namespace
}  // namespace flotilla::api
