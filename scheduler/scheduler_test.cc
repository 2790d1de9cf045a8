#include "scheduler/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "scheduler/test_fixtures.h"

namespace flotilla::scheduler {
namespace {

using testing::divided;
using testing::duplicated;
using testing::makeCluster;
using testing::names;
using testing::TableEstimator;

const Taint kNotReady{"cluster.karmada.io/not-ready", "", "NoSchedule"};
const auto kDynamic = divided(Division::Weighted, true);
const auto kAggregated = divided(Division::Aggregated);

std::vector<std::string> namesOf(const std::vector<TargetCluster>& t) {
  std::vector<std::string> out;
  for (const auto& c : t) out.push_back(c.name);
  return out;
}

TEST(Scheduler, SummaryExplainsEveryCluster) {
  std::vector<Cluster> clusters = {makeCluster("m1"), makeCluster("m2"), makeCluster("m3"),
                                   makeCluster("m4"), makeCluster("m5")};
  clusters[0].taints = {kNotReady};
  clusters[1].taints = {kNotReady};
  TableEstimator est({{"m3", 2}, {"m4", 1}, {"m5", 1}});
  Scheduler s({}, {&est}, nullptr);
  Placement p;
  p.replica_scheduling = kDynamic;
  ScheduleResult r = s.schedule(testing::deployment(6, p), clusters);
  EXPECT_FALSE(r.scheduled);
  EXPECT_EQ(r.reason, kReasonUnschedulable);
  EXPECT_EQ(r.message,
            "0/5 clusters fit: 2 untolerated taint cluster.karmada.io/not-ready, "
            "3 insufficient capacity (need 6, available 4)");
  ASSERT_EQ(r.explain.size(), 5u);
  EXPECT_FALSE(r.explain[0].feasible);
  EXPECT_EQ(r.explain[0].plugin, "TaintToleration");
  EXPECT_TRUE(r.explain[2].feasible);
  EXPECT_EQ(r.explain[2].available_replicas, 2);
}

TEST(Scheduler, NoClusterFitWhenNothingPassesFilters) {
  std::vector<Cluster> clusters = {makeCluster("m1"), makeCluster("m2")};
  clusters[0].deleting = true;
  Placement p;
  p.cluster_affinity = names({"m9"});
  Scheduler s({}, {}, nullptr);
  ScheduleResult r = s.schedule(testing::deployment(2, p), clusters);
  EXPECT_EQ(r.reason, kReasonNoClusterFit);
  EXPECT_EQ(r.message, "0/2 clusters fit: 1 being deleted, 1 did not match cluster affinity");
}

TEST(Scheduler, DisabledPluginAndNonWorkload) {
  std::vector<Cluster> clusters = {makeCluster("m1"), makeCluster("m2")};
  clusters[0].taints = {kNotReady};
  Binding cm;
  cm.api_version = "v1";
  cm.kind = "ConfigMap";
  cm.name = "cfg";
  Scheduler all({}, {}, nullptr);
  EXPECT_EQ(namesOf(all.schedule(cm, clusters).clusters), (std::vector<std::string>{"m2"}));
  Scheduler lax(SchedulerOptions{{"TaintToleration"}, {}, false}, {}, nullptr);
  EXPECT_EQ(namesOf(lax.schedule(cm, clusters).clusters), (std::vector<std::string>{"m1", "m2"}));
}

// --- Scheduling groups (karmada.md §2d) ---

struct GroupCase {
  std::string name;
  std::string observed;
  bool fresh;
  std::vector<std::string> tainted;
  std::string want_group;  // empty: not scheduled
  std::string want_reason;
};

class GroupsTest : public ::testing::TestWithParam<GroupCase> {};

TEST_P(GroupsTest, Fallback) {
  const auto& c = GetParam();
  std::vector<Cluster> clusters = {makeCluster("idc1"), makeCluster("idc2"),
                                   makeCluster("cloud1")};
  for (auto& cl : clusters) {
    if (std::count(c.tainted.begin(), c.tainted.end(), cl.name)) cl.taints = {kNotReady};
  }
  Placement p;
  p.replica_scheduling = kDynamic;
  p.cluster_affinities = {{"idc", names({"idc1", "idc2"}), {}},
                          {"cloud", names({"cloud1"}), {}}};
  Binding b = testing::deployment(4, p);
  b.observed_affinity_name = c.observed;
  b.fresh = c.fresh;
  TableEstimator est({{"idc1", 10}, {"idc2", 10}, {"cloud1", c.name == "CapacityFallsBack" ? 3 : 10}});
  if (c.name == "CapacityFallsBack") {
    // idc cannot hold 4 replicas either: idc1 2 + idc2 1.
    est = TableEstimator({{"idc1", 2}, {"idc2", 1}, {"cloud1", 10}});
  }
  Scheduler s({}, {&est}, nullptr);
  ScheduleResult r = s.schedule(b, clusters);
  EXPECT_EQ(r.scheduled, !c.want_group.empty()) << r.message;
  EXPECT_EQ(r.affinity_name, c.want_group);
  EXPECT_EQ(r.reason, c.want_reason);
}

INSTANTIATE_TEST_SUITE_P(
    Spec, GroupsTest,
    ::testing::Values(
        GroupCase{"FirstGroupWins", "", false, {}, "idc", ""},
        GroupCase{"FallsBackWhenFirstHasNoFit", "", false, {"idc1", "idc2"}, "cloud", ""},
        GroupCase{"CapacityFallsBack", "", false, {}, "cloud", ""},
        GroupCase{"StartsAtObservedGroup", "cloud", false, {}, "cloud", ""},
        GroupCase{"UnknownObservedStartsAtFirst", "gone", false, {}, "idc", ""},
        GroupCase{"FreshResetsToFirst", "cloud", true, {}, "idc", ""},
        GroupCase{"AllFailFirstFitErrorIsNoClusterFit", "", false, {"idc1", "idc2", "cloud1"}, "",
                  kReasonNoClusterFit},
        GroupCase{"NeverMovesBackOnItsOwn", "cloud", false, {"cloud1"}, "", kReasonNoClusterFit}),
    [](const auto& info) { return info.param.name; });

TEST(Scheduler, AllGroupsFailFirstUnschedulable) {
  std::vector<Cluster> clusters = {makeCluster("idc1"), makeCluster("cloud1")};
  clusters[1].taints = {kNotReady};
  Placement p;
  p.replica_scheduling = kDynamic;
  p.cluster_affinities = {{"idc", names({"idc1"}), {}}, {"cloud", names({"cloud1"}), {}}};
  TableEstimator est({{"idc1", 1}});
  Scheduler s({}, {&est}, nullptr);
  ScheduleResult r = s.schedule(testing::deployment(4, p), clusters);
  EXPECT_EQ(r.reason, kReasonUnschedulable);
  EXPECT_EQ(r.message,
            "group idc: 0/2 clusters fit: 1 did not match affinity group idc, 1 insufficient "
            "capacity (need 4, available 1); group cloud: 0/2 clusters fit: 1 did not match "
            "affinity group cloud, 1 untolerated taint cluster.karmada.io/not-ready");
}

TEST(Scheduler, OverflowTiersFromAffinityTerm) {
  std::vector<Cluster> clusters = {makeCluster("idc1"), makeCluster("cloud1"),
                                   makeCluster("cloud2")};
  Placement p;
  p.replica_scheduling = kAggregated;
  p.cluster_affinities = {{"idc", names({"idc1"}), {{"burst", names({"cloud1", "cloud2"})}}}};
  TableEstimator est({{"idc1", 3}, {"cloud1", 5}, {"cloud2", 50}});
  Scheduler s({}, {&est}, nullptr);
  ScheduleResult r = s.schedule(testing::deployment(8, p), clusters);
  ASSERT_TRUE(r.scheduled) << r.message;
  EXPECT_EQ(r.affinity_name, "idc");
  EXPECT_EQ(r.clusters, (std::vector<TargetCluster>{{"cloud2", 5}, {"idc1", 3}}));
}

// --- Cost ---

PriceBook book(std::string name, std::vector<std::pair<std::string, int64_t>> cpu_by_cluster) {
  PriceBook b{std::move(name), "USD", Billing::Requests, {}};
  for (auto& [cluster, micros] : cpu_by_cluster) {
    b.rules.push_back(PriceRule{names({cluster}), {{"cpu", micros}}});
  }
  return b;
}

TEST(Scheduler, AggregatedFillsCheaperCloudFirstAndReportsCost) {
  std::vector<Cluster> clusters = {makeCluster("aws1"), makeCluster("gcp1"), makeCluster("idc1")};
  TableEstimator est({{"aws1", 10}, {"gcp1", 10}, {"idc1", 10}});
  CostModel cost({book("prices", {{"aws1", 40'000}, {"gcp1", 30'000}})});
  Placement p;
  p.replica_scheduling = kAggregated;
  Binding b = testing::deployment(4, p);
  b.requirements = estimator::ReplicaRequirements{{{"cpu", 500}}};

  Scheduler without({}, {&est}, nullptr);
  EXPECT_EQ(namesOf(without.schedule(b, clusters).clusters), (std::vector<std::string>{"aws1"}));

  Scheduler with({}, {&est}, &cost);
  ScheduleResult r = with.schedule(b, clusters);
  ASSERT_TRUE(r.scheduled);
  EXPECT_EQ(r.clusters, (std::vector<TargetCluster>{{"gcp1", 4}}));
  ASSERT_TRUE(r.cost.has_value());
  EXPECT_EQ(r.cost->currency, "USD");
  EXPECT_EQ(r.cost->hourly_micros, 60'000);  // 4 × 0.5 core × 0.03
  EXPECT_EQ(r.cost->clusters.at("gcp1"), 60'000);
  EXPECT_EQ(r.explain[0].price.hourly_micros, 20'000);  // aws1
  EXPECT_FALSE(r.explain[2].price.priced);              // idc1
  EXPECT_EQ(r.explain[1].score, 100);                   // gcp1 cheapest

  // Weight 0 switches the preference off without hiding the prices.
  Scheduler off(SchedulerOptions{{}, {{"CostScore", 0}}, false}, {&est}, &cost);
  ScheduleResult r0 = off.schedule(b, clusters);
  EXPECT_EQ(namesOf(r0.clusters), (std::vector<std::string>{"aws1"}));
  EXPECT_EQ(r0.cost->hourly_micros, 80'000);
}

TEST(Scheduler, SpreadSelectionPrefersCheaperClusters) {
  std::vector<Cluster> clusters = {makeCluster("a"), makeCluster("b"), makeCluster("c")};
  TableEstimator est({{"a", 10}, {"b", 10}, {"c", 10}});
  CostModel cost({book("prices", {{"a", 90'000}, {"b", 80'000}, {"c", 10'000}})});
  Placement p;
  p.replica_scheduling = kDynamic;
  p.spread_constraints = {{SpreadField::Cluster, 1, 2}};
  Scheduler s({}, {&est}, &cost);
  ScheduleResult r = s.schedule(testing::deployment(4, p), clusters);
  EXPECT_EQ(r.clusters, (std::vector<TargetCluster>{{"b", 2}, {"c", 2}}));
  Scheduler plain({}, {&est}, nullptr);
  EXPECT_EQ(plain.schedule(testing::deployment(4, p), clusters).clusters,
            (std::vector<TargetCluster>{{"a", 2}, {"b", 2}}));
}

// --- Properties over generated inputs ---

struct World {
  std::vector<Cluster> clusters;
  std::vector<std::pair<std::string, int32_t>> capacity;
  std::vector<Binding> bindings;
};

World generate(uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  World w;
  const int n = 3 + pick(12);
  for (int i = 0; i < n; ++i) {
    Cluster c = makeCluster("member" + std::to_string(i), pick(2) ? "aws" : "gcp",
                            "r" + std::to_string(pick(3)));
    if (pick(6) == 0) c.taints = {kNotReady};
    c.labels = {{"tier", pick(2) ? "gold" : "silver"}};
    w.capacity.emplace_back(c.name, pick(20));
    w.clusters.push_back(std::move(c));
  }
  for (int i = 0; i < 40; ++i) {
    Placement p;
    switch (pick(5)) {
      case 0: p.replica_scheduling = duplicated(); break;
      case 1: p.replica_scheduling = divided(); break;
      case 2: p.replica_scheduling = kAggregated; break;
      case 3: {
        ReplicaScheduling rs = divided();
        rs.has_weight_preference = true;
        rs.static_weights = {{testing::labelIs("tier", "gold"), 3},
                             {testing::labelIs("tier", "silver"), 1}};
        p.replica_scheduling = rs;
        break;
      }
      default: p.replica_scheduling = kDynamic;
    }
    if (pick(3) == 0) p.spread_constraints = {{SpreadField::Cluster, 1, 1 + pick(4)}};
    if (pick(4) == 0) {
      p.spread_constraints = {{SpreadField::Region, 1, 2}, {SpreadField::Cluster, 1, 4}};
    }
    Binding b = testing::deployment(1 + pick(30), p);
    b.uid = "uid-" + std::to_string(pick(1000));
    if (pick(2)) {
      for (int k = 0; k < 2; ++k) b.previous.push_back({"member" + std::to_string(pick(n)), 1 + pick(5)});
      std::sort(b.previous.begin(), b.previous.end(),
                [](const auto& x, const auto& y) { return x.name < y.name; });
      b.previous.erase(std::unique(b.previous.begin(), b.previous.end(),
                                   [](const auto& x, const auto& y) { return x.name == y.name; }),
                       b.previous.end());
    }
    b.fresh = pick(4) == 0;
    w.bindings.push_back(std::move(b));
  }
  return w;
}

bool isDivided(const Binding& b) {
  return b.placement.replica_scheduling &&
         b.placement.replica_scheduling->type == ReplicaType::Divided;
}

TEST(SchedulerProperty, DivisionSumsAndRespectsAvailability) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    World w = generate(seed);
    TableEstimator est(w.capacity);
    Scheduler s({}, {&est}, nullptr);
    for (const Binding& b : w.bindings) {
      ScheduleResult r = s.schedule(b, w.clusters);
      if (!r.scheduled) continue;
      int64_t sum = 0;
      for (const auto& t : r.clusters) sum += t.replicas;
      if (isDivided(b)) {
        EXPECT_EQ(sum, b.replicas) << "seed " << seed;
        const auto& rs = *b.placement.replica_scheduling;
        if (rs.dynamic_weight || rs.division == Division::Aggregated) {
          for (const auto& t : r.clusters) {
            auto e = std::find_if(r.explain.begin(), r.explain.end(),
                                  [&](const auto& x) { return x.name == t.name; });
            EXPECT_LE(t.replicas, e->available_replicas) << "seed " << seed << " " << t.name;
          }
        }
      } else {
        for (const auto& t : r.clusters) EXPECT_EQ(t.replicas, b.replicas);
      }
    }
  }
}

TEST(SchedulerProperty, DeterministicAndIndependentOfInputOrder) {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    World w = generate(seed);
    TableEstimator est(w.capacity);
    CostModel cost({book("p", {{"member0", 10'000}, {"member1", 20'000}, {"member2", 5'000}})});
    Scheduler s({}, {&est}, &cost);
    std::vector<Cluster> shuffled = w.clusters;
    std::reverse(shuffled.begin(), shuffled.end());
    for (const Binding& b : w.bindings) {
      ScheduleResult r1 = s.schedule(b, w.clusters);
      ScheduleResult r2 = s.schedule(b, w.clusters);
      ScheduleResult r3 = s.schedule(b, shuffled);
      EXPECT_EQ(r1.clusters, r2.clusters);
      EXPECT_EQ(r1.clusters, r3.clusters) << "seed " << seed;
      EXPECT_EQ(r1.message, r3.message);
    }
  }
}

// Prices only reorder candidates, so placements that do not depend on order (no spread
// constraint, not Aggregated) are identical with and without them, and with no PriceBook the
// result is the plain Karmada one.
TEST(SchedulerProperty, PricesOnlyChangeOrderDependentChoices) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    World w = generate(seed);
    TableEstimator est(w.capacity);
    CostModel empty;
    CostModel cost({book("p", {{"member0", 90'000}, {"member1", 20'000}, {"member3", 5'000}})});
    Scheduler karmada({}, {&est}, nullptr);
    Scheduler no_books({}, {&est}, &empty);
    Scheduler priced({}, {&est}, &cost);
    for (const Binding& b : w.bindings) {
      ScheduleResult base = karmada.schedule(b, w.clusters);
      ScheduleResult same = no_books.schedule(b, w.clusters);
      EXPECT_EQ(base.clusters, same.clusters);
      EXPECT_EQ(base.message, same.message);
      const bool order_dependent =
          !b.placement.spread_constraints.empty() ||
          (b.placement.replica_scheduling &&
           b.placement.replica_scheduling->division == Division::Aggregated &&
           b.placement.replica_scheduling->type == ReplicaType::Divided);
      if (order_dependent) continue;
      ScheduleResult with = priced.schedule(b, w.clusters);
      EXPECT_EQ(base.clusters, with.clusters) << "seed " << seed;
      EXPECT_EQ(base.scheduled, with.scheduled);
    }
  }
}

}  // namespace
}  // namespace flotilla::scheduler
