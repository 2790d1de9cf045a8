#include "scheduler/select.h"

#include <gtest/gtest.h>

#include "scheduler/test_fixtures.h"

namespace flotilla::scheduler {
namespace {

using testing::divided;
using testing::duplicated;

struct Row {
  std::string name;
  std::string region;
  int64_t score = 0;
  int32_t available = 0;
};

struct SelectCase {
  std::string name;
  std::optional<ReplicaScheduling> strategy;
  std::vector<SpreadConstraint> spread;
  int32_t replicas;
  std::vector<Row> rows;
  std::vector<std::string> want;  // selected names, in selection order
  std::string want_error;
};

class SelectTest : public ::testing::TestWithParam<SelectCase> {};

TEST_P(SelectTest, Selects) {
  const auto& c = GetParam();
  std::vector<Cluster> clusters;
  clusters.reserve(c.rows.size());
  for (const Row& r : c.rows) clusters.push_back(testing::makeCluster(r.name, "", r.region));
  std::vector<Candidate> candidates;
  for (size_t i = 0; i < c.rows.size(); ++i) {
    Candidate cand;
    cand.cluster = &clusters[i];
    cand.score = c.rows[i].score;
    cand.available = cand.allocatable = c.rows[i].available;
    candidates.push_back(cand);
  }
  sortCandidates(candidates);
  Binding binding = testing::deployment(c.replicas);
  binding.placement.replica_scheduling = c.strategy;
  binding.placement.spread_constraints = c.spread;
  auto selected = selectClusters(binding, candidates);
  if (!c.want_error.empty()) {
    ASSERT_FALSE(selected.isOk());
    EXPECT_EQ(selected.status().message(), c.want_error);
    return;
  }
  ASSERT_TRUE(selected.isOk()) << selected.status().message();
  std::vector<std::string> got;
  for (const Candidate& s : *selected) got.push_back(s.name());
  EXPECT_EQ(got, c.want);
}

const auto kDynamic = divided(Division::Weighted, true);
SpreadConstraint byCluster(int32_t min, int32_t max) {
  return {SpreadField::Cluster, min, max};
}
SpreadConstraint byRegion(int32_t min, int32_t max) { return {SpreadField::Region, min, max}; }

INSTANTIATE_TEST_SUITE_P(
    Spread, SelectTest,
    ::testing::Values(
        SelectCase{"NoConstraintsSelectsAllRanked", kDynamic, {}, 3,
                   {{"c", "", 0, 1}, {"b", "", 100, 1}, {"a", "", 0, 5}}, {"b", "a", "c"}},
        SelectCase{"RankingAvailableThenName", kDynamic, {}, 3,
                   {{"c", "", 0, 5}, {"b", "", 0, 5}, {"a", "", 0, 1}}, {"b", "c", "a"}},
        SelectCase{"StaticWeightIgnoresSpread", divided(), {byCluster(1, 1)}, 3,
                   {{"a", "", 0, 1}, {"b", "", 0, 1}}, {"a", "b"}},
        SelectCase{"ClusterMaxGroupsTakesTop", kDynamic, {byCluster(1, 2)}, 2,
                   {{"a", "", 0, 5}, {"b", "", 0, 4}, {"c", "", 0, 3}}, {"a", "b"}},
        SelectCase{"ClusterMinGroupsNotMet", kDynamic, {byCluster(3, 3)}, 2,
                   {{"a", "", 0, 5}, {"b", "", 0, 4}}, {},
                   "the number of feasible clusters is less than spreadConstraint.MinGroups"},
        SelectCase{"ClusterMaxGroupsZeroSelectsNone", kDynamic, {byCluster(0, 0)}, 0,
                   {{"a", "", 0, 5}}, {}},
        // a and b rank first by score but cannot hold 6; c swaps in for the weakest (b).
        SelectCase{"ClusterSwapsInCapacity", kDynamic, {byCluster(1, 2)}, 6,
                   {{"a", "", 100, 1}, {"b", "", 100, 1}, {"c", "", 0, 10}}, {"a", "c"}},
        SelectCase{"ClusterSwapPicksLargest", kDynamic, {byCluster(1, 1)}, 6,
                   {{"a", "", 100, 1}, {"b", "", 0, 7}, {"c", "", 0, 9}}, {"c"}},
        SelectCase{"ClusterNotEnoughAfterSwaps", kDynamic, {byCluster(1, 2)}, 30,
                   {{"a", "", 100, 1}, {"b", "", 100, 1}, {"c", "", 0, 10}}, {},
                   "no enough resource when selecting 2 clusters"},
        SelectCase{"DuplicatedIgnoresAvailability", duplicated(), {byCluster(1, 2)}, 30,
                   {{"a", "", 100, 1}, {"b", "", 100, 1}, {"c", "", 0, 10}}, {"a", "b"}},
        SelectCase{"ZoneConstraintAloneOnlyFilters", kDynamic, {{SpreadField::Zone, 1, 1}}, 3,
                   {{"a", "", 0, 1}, {"b", "", 0, 1}}, {"a", "b"}},
        // Regions r1{a,b} r2{c} r3{d,e}, all equal: the best 2-region path with ≥3 clusters
        // is the one with most clusters (r1+r3); one cluster from each, then fill to maxGroups.
        SelectCase{"RegionPicksGroupsThenFills", kDynamic, {byRegion(2, 2), byCluster(3, 4)}, 10,
                   {{"a", "r1", 0, 10}, {"b", "r1", 0, 10}, {"c", "r2", 0, 10},
                    {"d", "r3", 0, 10}, {"e", "r3", 0, 10}},
                   {"a", "d", "b", "e"}},
        SelectCase{"RegionFillBoundedByClusterMax", kDynamic, {byRegion(2, 2), byCluster(3, 3)},
                   10,
                   {{"a", "r1", 0, 10}, {"b", "r1", 0, 10}, {"c", "r2", 0, 10},
                    {"d", "r3", 0, 10}, {"e", "r3", 0, 10}},
                   {"a", "d", "b"}},
        // r2's only cluster is already-scheduled (score 100): the region scores higher.
        SelectCase{"RegionScorePrefersScoredRegion", kDynamic, {byRegion(1, 1), byCluster(1, 1)},
                   2, {{"a", "r1", 0, 10}, {"b", "r1", 0, 10}, {"c", "r2", 100, 10}}, {"c"}},
        SelectCase{"RegionMinGroupsNotMet", kDynamic, {byRegion(3, 3), byCluster(1, 3)}, 2,
                   {{"a", "r1", 0, 5}, {"b", "r2", 0, 4}}, {},
                   "the number of feasible regions is less than spreadConstraint.MinGroups"},
        SelectCase{"RegionNotEnoughClusters", kDynamic, {byRegion(1, 1), byCluster(3, 3)}, 2,
                   {{"a", "r1", 0, 5}, {"b", "r2", 0, 4}}, {},
                   "the number of clusters is less than the cluster spreadConstraint.MinGroups"}),
    [](const auto& info) { return info.param.name; });

struct GroupsCase {
  std::string name;
  std::vector<Group> groups;
  int32_t min, max;
  int64_t target;
  std::vector<std::string> want;
};

class SelectGroupsTest : public ::testing::TestWithParam<GroupsCase> {};

TEST_P(SelectGroupsTest, Chooses) {
  const auto& c = GetParam();
  EXPECT_EQ(selectGroups(c.groups, c.min, c.max, c.target), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Groups, SelectGroupsTest,
    ::testing::Values(
        GroupsCase{"HighestWeightSingle", {{"y", 1, 5}, {"x", 1, 10}}, 1, 2, 1, {"x"}},
        GroupsCase{"PairWhenOneIsTooSmall",
                   {{"p", 1, 100}, {"q", 2, 1}, {"r", 1, 50}}, 2, 2, 2, {"p", "r"}},
        // [q,p] (sorted to [p,q], weight 101) beats [p] (100) on weight, but [p] is a strict
        // prefix of it and replaces it.
        GroupsCase{"StrictPrefixPreferred", {{"q", 1, 1}, {"p", 2, 100}}, 1, 2, 2, {"p"}},
        GroupsCase{"TieOnWeightMoreValueWins",
                   {{"a", 1, 10}, {"b", 3, 10}}, 1, 1, 1, {"b"}},
        GroupsCase{"TieOnWeightAndValueFirstFound",
                   {{"b", 1, 10}, {"a", 1, 10}}, 1, 1, 1, {"a"}},
        GroupsCase{"AllGroupsWhenCountEqualsMin", {{"a", 1, 1}, {"b", 1, 2}}, 2, 2, 0,
                   {"b", "a"}},
        GroupsCase{"InfeasibleIsEmpty", {{"a", 1, 1}}, 1, 1, 5, {}},
        GroupsCase{"MaxGroupsBoundsPaths", {{"a", 1, 1}, {"b", 1, 1}, {"c", 1, 1}}, 1, 2, 3, {}}),
    [](const auto& info) { return info.param.name; });

TEST(GroupScore, DividedAndDuplicated) {
  std::vector<Cluster> clusters = {testing::makeCluster("a"), testing::makeCluster("b")};
  std::vector<Candidate> c(2);
  c[0].cluster = &clusters[0];
  c[0].available = 4;
  c[0].score = 100;
  c[1].cluster = &clusters[1];
  c[1].available = 2;
  c[1].score = 0;
  std::vector<const Candidate*> group = {&c[0], &c[1]};

  Binding divided_binding = testing::deployment(10);
  divided_binding.placement.replica_scheduling = kDynamic;
  // target = ceil(10 / 2) = 5; a+b = 6 >= 5 after 2 clusters: 5*1000 + 100/2.
  EXPECT_EQ(groupScore(divided_binding, group, 2, 1), 5050);
  // target 10 never reached: 6*1000 + 100/2.
  EXPECT_EQ(groupScore(divided_binding, group, 1, 1), 6050);

  Binding dup = testing::deployment(3);
  dup.placement.replica_scheduling = duplicated();
  // Only a holds 3 replicas: 1*1000 + 100/1.
  EXPECT_EQ(groupScore(dup, group, 1, 1), 1100);
  dup.replicas = 9;
  EXPECT_EQ(groupScore(dup, group, 1, 1), 0);
}

TEST(IsStaticWeight, Strategies) {
  Placement p;
  EXPECT_FALSE(isStaticWeight(p));  // Duplicated
  p.replica_scheduling = divided();
  EXPECT_TRUE(isStaticWeight(p));  // no weight preference
  p.replica_scheduling->has_weight_preference = true;
  EXPECT_FALSE(isStaticWeight(p));  // empty preference: equal weights but not "static"
  p.replica_scheduling->static_weights.push_back({testing::names({"a"}), 1});
  EXPECT_TRUE(isStaticWeight(p));
  p.replica_scheduling->dynamic_weight = true;
  EXPECT_FALSE(isStaticWeight(p));
  p.replica_scheduling = divided(Division::Aggregated);
  EXPECT_FALSE(isStaticWeight(p));
}

}  // namespace
}  // namespace flotilla::scheduler
