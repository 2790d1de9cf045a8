#include "planner/convert.h"

#include <gtest/gtest.h>

#include "api/yaml.h"

namespace flotilla::planner {
namespace {

struct PlacementCase {
  std::string name;
  std::string yaml;         // a Placement
  std::string want_field;   // first cause's field; empty = valid
};

class ToPlacementTest : public ::testing::TestWithParam<PlacementCase> {};

TEST_P(ToPlacementTest, Validates) {
  auto placement = api::fromYaml<api::Placement>(GetParam().yaml);
  ASSERT_TRUE(placement.isOk()) << placement.status().message();
  Problems problems;
  toPlacement(*placement, "spec.placement", problems);
  if (GetParam().want_field.empty()) {
    EXPECT_TRUE(problems.ok()) << problems.causes().front().field << ": "
                               << problems.causes().front().message;
  } else {
    ASSERT_FALSE(problems.ok());
    EXPECT_EQ(problems.causes().front().field, GetParam().want_field);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Validation, ToPlacementTest,
    ::testing::Values(
        PlacementCase{"Empty", "{}", ""},
        PlacementCase{"FullyValid",
                      "clusterAffinity: {labelSelector: {matchLabels: {a: b}}, fieldSelector: "
                      "{matchExpressions: [{key: region, operator: In, values: [r1]}]}}\n"
                      "spreadConstraints: [{spreadByField: region, minGroups: 1, maxGroups: 2}, "
                      "{spreadByField: cluster, minGroups: 1, maxGroups: 3}]\n"
                      "replicaScheduling: {replicaSchedulingType: Divided, weightPreference: "
                      "{dynamicWeight: AvailableReplicas}}",
                      ""},
        PlacementCase{"FieldSelectorBadKey",
                      "clusterAffinity: {fieldSelector: {matchExpressions: [{key: name, "
                      "operator: In, values: [x]}]}}",
                      "spec.placement.clusterAffinity.fieldSelector.matchExpressions[0].key"},
        PlacementCase{"FieldSelectorBadOperator",
                      "clusterAffinity: {fieldSelector: {matchExpressions: [{key: zone, "
                      "operator: Exists}]}}",
                      "spec.placement.clusterAffinity.fieldSelector.matchExpressions[0].operator"},
        PlacementCase{"BadLabelSelector",
                      "clusterAffinity: {labelSelector: {matchExpressions: [{key: a, operator: "
                      "In}]}}",
                      "spec.placement.clusterAffinity.labelSelector"},
        PlacementCase{"AffinityAndAffinities",
                      "clusterAffinity: {}\nclusterAffinities: [{affinityName: a}]",
                      "spec.placement.clusterAffinities"},
        PlacementCase{"DuplicateTermNames",
                      "clusterAffinities: [{affinityName: a}, {affinityName: a}]",
                      "spec.placement.clusterAffinities[1].affinityName"},
        PlacementCase{"OverflowNeedsDynamicOrAggregated",
                      "clusterAffinities: [{affinityName: a, clusterNames: [x], "
                      "overflowAffinities: [{affinityName: b, clusterNames: [y]}]}]",
                      "spec.placement.clusterAffinities[0].overflowAffinities"},
        PlacementCase{"LtTolerationRejected",
                      "clusterTolerations: [{key: a, operator: Lt, value: '1'}]",
                      "spec.placement.clusterTolerations[0].operator"},
        PlacementCase{"MaxBelowMin",
                      "spreadConstraints: [{spreadByField: cluster, minGroups: 3, maxGroups: 2}]",
                      "spec.placement.spreadConstraints[0].maxGroups"},
        PlacementCase{"RegionNeedsCluster",
                      "spreadConstraints: [{spreadByField: region, minGroups: 1, maxGroups: 2}]",
                      "spec.placement.spreadConstraints"},
        PlacementCase{"DuplicateSpreadField",
                      "spreadConstraints: [{spreadByField: cluster, maxGroups: 1}, "
                      "{spreadByField: cluster, maxGroups: 2}]",
                      "spec.placement.spreadConstraints[1].spreadByField"},
        PlacementCase{"StaticWeightBelowOne",
                      "replicaScheduling: {weightPreference: {staticWeightList: [{targetCluster: "
                      "{clusterNames: [a]}, weight: 0}]}}",
                      "spec.placement.replicaScheduling.weightPreference.staticWeightList[0]"
                      ".weight"}),
    [](const auto& info) { return info.param.name; });

TEST(ToPlacement, Defaults) {
  Problems problems;
  auto dup = toPlacement(api::Placement{}, "p", problems);
  EXPECT_FALSE(dup.replica_scheduling.has_value());  // nil => Duplicated
  auto divided = toPlacement(*api::fromYaml<api::Placement>("replicaScheduling: {}"), "p",
                             problems);
  ASSERT_TRUE(divided.replica_scheduling.has_value());
  EXPECT_EQ(divided.replica_scheduling->type, scheduler::ReplicaType::Divided);
  EXPECT_EQ(divided.replica_scheduling->division, scheduler::Division::Weighted);
  EXPECT_TRUE(problems.ok());
}

TEST(ToCluster, ConvertsQuantitiesAndEnablements) {
  auto cluster = api::fromYaml<api::Cluster>(R"(
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: m1, labels: {env: prod}}
spec:
  syncMode: Push
  provider: aws
  region: r1
  zone: z1
  taints: [{key: k, effect: NoSchedule}]
status:
  apiEnablements:
    - groupVersion: v1
      resources: [{name: configmaps, kind: ConfigMap}]
    - groupVersion: apps/v1
      resources: [{name: deployments, kind: Deployment}]
  resourceSummary:
    allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
    allocated: {cpu: 500m}
)");
  ASSERT_TRUE(cluster.isOk()) << cluster.status().message();
  Problems problems;
  scheduler::Cluster c = toCluster(*cluster, problems);
  EXPECT_TRUE(problems.ok());
  EXPECT_EQ(c.name, "m1");
  EXPECT_EQ(c.zones, std::vector<std::string>{"z1"});
  EXPECT_EQ(c.api_enablements, (std::vector<std::string>{"apps/v1/Deployment", "v1/ConfigMap"}));
  ASSERT_TRUE(c.resources.summary.has_value());
  EXPECT_EQ(c.resources.summary->allocatable.at("cpu"), 4000);
  EXPECT_EQ(c.resources.summary->allocatable.at("memory"), 8LL * 1024 * 1024 * 1024 * 1000);
  EXPECT_EQ(c.resources.summary->allocated.at("cpu"), 500);
  ASSERT_EQ(c.taints.size(), 1u);
}

TEST(ToPriceBook, ValidatesPricesAndBilling) {
  auto book = api::fromYaml<api::PriceBook>(R"(
apiVersion: estimator.flotilla.io/v1alpha1
kind: PriceBook
metadata: {name: b}
spec:
  currency: EUR
  billing: Hourly
  rules:
    - targetCluster: {}
      prices: {cpu: "0.01"}
    - targetCluster: {clusterNames: [x]}
      prices: {cpu: "cheap"}
)");
  ASSERT_TRUE(book.isOk()) << book.status().message();
  Problems problems;
  scheduler::PriceBook b = toPriceBook(*book, problems);
  ASSERT_EQ(problems.causes().size(), 2u);
  EXPECT_EQ(problems.causes()[0].field, "spec.billing");
  EXPECT_EQ(problems.causes()[1].field, "spec.rules[1].prices.cpu");
  EXPECT_FALSE(b.rules[0].target.has_value());  // {} prices every cluster
  EXPECT_EQ(b.rules[0].prices.at("cpu"), 10'000);
}

}  // namespace
}  // namespace flotilla::planner
