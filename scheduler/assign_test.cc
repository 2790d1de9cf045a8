#include "scheduler/assign.h"

#include <gtest/gtest.h>

#include "scheduler/test_fixtures.h"

namespace flotilla::scheduler {
namespace {

using testing::divided;
using testing::duplicated;
using testing::names;

struct Row {
  std::string name;
  int32_t allocatable = 0;
  int32_t previous = 0;
  int64_t cost_score = 0;
  int32_t overflow_order = 0;
};

struct AssignCase {
  std::string name;
  std::optional<ReplicaScheduling> strategy;
  int32_t replicas;
  std::vector<Row> rows;
  std::vector<TargetCluster> want;
  std::string want_error;  // non-empty: the assignment must fail with this message
  bool fresh = false;
  bool workload = true;
  bool keep_empty = false;
};

class AssignTest : public ::testing::TestWithParam<AssignCase> {};

TEST_P(AssignTest, Assigns) {
  const auto& c = GetParam();
  std::vector<Cluster> clusters;
  clusters.reserve(c.rows.size());
  for (const Row& r : c.rows) clusters.push_back(testing::makeCluster(r.name));
  Binding binding;
  binding.replicas = c.replicas;
  if (c.workload) binding.requirements = estimator::ReplicaRequirements{};
  binding.placement.replica_scheduling = c.strategy;
  binding.fresh = c.fresh;
  std::vector<Candidate> candidates;
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const Row& r = c.rows[i];
    if (r.previous > 0) binding.previous.push_back({r.name, r.previous});
    Candidate cand;
    cand.cluster = &clusters[i];
    cand.allocatable = r.allocatable;
    cand.available = r.allocatable + r.previous;
    cand.cost_score = r.cost_score;
    cand.overflow_order = r.overflow_order;
    candidates.push_back(cand);
  }
  // A previous placement on a cluster that is no longer a candidate.
  if (c.name == "DynamicLostClusterReplaced") binding.previous.push_back({"gone", 4});
  AssignOutcome out = assignReplicas(binding, candidates, c.keep_empty);
  if (!c.want_error.empty()) {
    EXPECT_FALSE(out.status.isOk());
    EXPECT_EQ(out.status.message(), c.want_error);
    return;
  }
  ASSERT_TRUE(out.status.isOk()) << out.status.message();
  EXPECT_EQ(out.clusters, c.want);
}

ReplicaScheduling staticWeight(std::vector<std::pair<std::vector<std::string>, int64_t>> rules) {
  ReplicaScheduling rs = divided();
  rs.has_weight_preference = true;
  for (auto& [cluster_names, w] : rules) rs.static_weights.push_back({names(cluster_names), w});
  return rs;
}

const auto kDynamic = divided(Division::Weighted, true);
const auto kAggregated = divided(Division::Aggregated);

INSTANTIATE_TEST_SUITE_P(
    Strategies, AssignTest,
    ::testing::Values(
        // --- Duplicated and non-workloads ---
        AssignCase{"DuplicatedEveryClusterGetsAll", duplicated(), 3,
                   {{"a", 0}, {"b", 100}}, {{"a", 3}, {"b", 3}}},
        AssignCase{"NilStrategyIsDuplicated", std::nullopt, 2, {{"a"}, {"b"}},
                   {{"a", 2}, {"b", 2}}},
        AssignCase{"NonWorkloadNamesOnly", kDynamic, 0, {{"b"}, {"a"}}, {{"a", 0}, {"b", 0}},
                   "", false, false},
        AssignCase{"NoClustersIsAnError", kDynamic, 3, {}, {},
                   "no clusters available to schedule"},
        // --- Static weights: Webster over max matching weight, previous ignored ---
        AssignCase{"StaticWeights_3_2_1", staticWeight({{{"a"}, 3}, {{"b"}, 2}, {{"c"}, 1}}), 12,
                   {{"a"}, {"b"}, {"c"}}, {{"a", 6}, {"b", 4}, {"c", 2}}},
        AssignCase{"StaticMaxOfMatchingRules",
                   staticWeight({{{"a", "b"}, 1}, {{"a"}, 3}}), 8, {{"a"}, {"b"}},
                   {{"a", 6}, {"b", 2}}},
        AssignCase{"StaticZeroWeightDropped", staticWeight({{{"a", "b"}, 1}}), 4,
                   {{"a"}, {"b"}, {"c"}}, {{"a", 2}, {"b", 2}}},
        AssignCase{"StaticNoRuleMatchesMeansEqual", staticWeight({{{"x"}, 5}}), 3,
                   {{"a"}, {"b"}, {"c"}}, {{"a", 1}, {"b", 1}, {"c", 1}}},
        AssignCase{"StaticNilPreferenceMeansEqual", divided(), 4, {{"a"}, {"b"}, {"c"}},
                   {{"a", 2}, {"b", 1}, {"c", 1}}},
        AssignCase{"StaticIgnoresPreviousAndCapacity", divided(), 2,
                   {{"a", 0, 10}, {"b", 0, 0}}, {{"a", 1}, {"b", 1}}},
        // --- Dynamic weight (available replicas) ---
        AssignCase{"DynamicFirstSchedule", kDynamic, 6, {{"a", 10}, {"b", 5}, {"c", 0}},
                   {{"a", 4}, {"b", 2}}},
        AssignCase{"DynamicSteadyScaleUpAdds", kDynamic, 9,
                   {{"a", 6, 4}, {"b", 3, 2}, {"c", 3}}, {{"a", 5}, {"b", 3}, {"c", 1}}},
        AssignCase{"DynamicSteadyScaleDownProportional", kDynamic, 3,
                   {{"a", 0, 4}, {"b", 0, 2}, {"c", 50}}, {{"a", 2}, {"b", 1}}},
        AssignCase{"DynamicSteadyEqualKeeps", kDynamic, 6, {{"a", 0, 4}, {"b", 90, 2}},
                   {{"a", 4}, {"b", 2}}},
        AssignCase{"DynamicFreshStartsOver", kDynamic, 6, {{"a", 0, 4}, {"b", 10, 2}},
                   {{"a", 2}, {"b", 4}}, "", true},
        AssignCase{"DynamicLostClusterReplaced", kDynamic, 6, {{"b", 10, 2}, {"c", 10}},
                   {{"b", 4}, {"c", 2}}},
        AssignCase{"DynamicNotEnough", kDynamic, 10, {{"a", 3}, {"b", 4}}, {},
                   "Clusters available replicas 7 are not enough to schedule."},
        AssignCase{"DynamicKeepEmpty", kDynamic, 1, {{"a", 10}, {"b", 0}},
                   {{"a", 1}, {"b", 0}}, "", false, true, true},
        // --- Aggregated ---
        AssignCase{"AggregatedPacksLargestFirst", kAggregated, 6, {{"a", 10}, {"b", 20}, {"c", 5}},
                   {{"b", 6}}},
        AssignCase{"AggregatedSpillsToNext", kAggregated, 25, {{"a", 10}, {"b", 20}, {"c", 5}},
                   {{"a", 8}, {"b", 17}}},
        AssignCase{"AggregatedHoldersFirst", kAggregated, 8, {{"a", 3, 2}, {"b", 20}},
                   {{"a", 3}, {"b", 5}}},
        AssignCase{"AggregatedEqualWeightKeepsRanking", kAggregated, 5, {{"a", 10}, {"b", 10}},
                   {{"a", 5}}},
        AssignCase{"AggregatedCheaperFirst", kAggregated, 5, {{"a", 10, 0, 0}, {"b", 10, 0, 100}},
                   {{"b", 5}}},
        AssignCase{"AggregatedCheaperFirstEvenIfSmaller", kAggregated, 5,
                   {{"a", 50, 0, 0}, {"b", 10, 0, 100}}, {{"b", 5}}},
        AssignCase{"AggregatedNotEnough", kAggregated, 9, {{"a", 4}, {"b", 4}}, {},
                   "Clusters available replicas 8 are not enough to schedule."},
        // --- Overflow tiers ---
        AssignCase{"OverflowFillsPrimaryFirst", kAggregated, 6,
                   {{"a", 4, 0, 0, 0}, {"b", 10, 0, 0, 1}}, {{"a", 4}, {"b", 2}}},
        AssignCase{"OverflowDynamicFillsPrimaryFirst", kDynamic, 6,
                   {{"a", 2, 0, 0, 0}, {"a2", 2, 0, 0, 0}, {"b", 10, 0, 0, 1}},
                   {{"a", 2}, {"a2", 2}, {"b", 2}}},
        AssignCase{"OverflowScaleInEmptiesLastTier", kDynamic, 5,
                   {{"a", 0, 4, 0, 0}, {"b", 8, 2, 0, 1}}, {{"a", 4}, {"b", 1}}},
        AssignCase{"OverflowScaleInDropsLastTier", kDynamic, 4,
                   {{"a", 0, 4, 0, 0}, {"b", 8, 2, 0, 1}}, {{"a", 4}}},
        AssignCase{"OverflowThirdTier", kDynamic, 7,
                   {{"a", 2, 0, 0, 0}, {"b", 2, 0, 0, 1}, {"c", 9, 0, 0, 2}},
                   {{"a", 2}, {"b", 2}, {"c", 3}}},
        AssignCase{"OverflowNotEnough", kDynamic, 5, {{"a", 2, 0, 0, 0}, {"b", 1, 0, 0, 1}}, {},
                   "Clusters available replicas 3 are not enough to schedule."}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace flotilla::scheduler
