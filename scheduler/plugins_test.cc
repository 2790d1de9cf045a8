#include "scheduler/plugins.h"

#include <gtest/gtest.h>

#include "scheduler/cluster_affinity.h"
#include "scheduler/test_fixtures.h"

namespace flotilla::scheduler {
namespace {

using testing::makeCluster;
using testing::req;

struct AffinityCase {
  std::string name;
  ClusterAffinity affinity;
  bool want;
};

class ClusterMatchesTest : public ::testing::TestWithParam<AffinityCase> {};

TEST_P(ClusterMatchesTest, Matches) {
  Cluster c = makeCluster("member1", "aws", "us-east-1", {"us-east-1a", "us-east-1b"});
  c.labels = {{"env", "prod"}, {"tier", "2"}};
  EXPECT_EQ(clusterMatches(c, GetParam().affinity), GetParam().want);
}

ClusterAffinity fields(std::vector<Requirement> reqs) {
  ClusterAffinity a;
  a.field_selector = std::move(reqs);
  return a;
}
ClusterAffinity labels(std::vector<Requirement> reqs) {
  ClusterAffinity a;
  a.label_selector = std::move(reqs);
  return a;
}

INSTANTIATE_TEST_SUITE_P(
    Spec, ClusterMatchesTest,
    ::testing::Values(
        AffinityCase{"EmptyMatchesAll", {}, true},
        AffinityCase{"NameListed", testing::names({"x", "member1"}), true},
        AffinityCase{"NameNotListed", testing::names({"x"}), false},
        AffinityCase{"ExcludeWins",
                     [] {
                       ClusterAffinity a = testing::names({"member1"});
                       a.exclude = {"member1"};
                       return a;
                     }(),
                     false},
        AffinityCase{"LabelIn", labels({req("env", SelectorOp::In, {"prod"})}), true},
        AffinityCase{"LabelInMismatch", labels({req("env", SelectorOp::In, {"dev"})}), false},
        AffinityCase{"LabelNotInMissingKey", labels({req("x", SelectorOp::NotIn, {"a"})}), true},
        AffinityCase{"LabelExists", labels({req("env", SelectorOp::Exists)}), true},
        AffinityCase{"LabelDoesNotExist", labels({req("env", SelectorOp::DoesNotExist)}), false},
        AffinityCase{"LabelGt", labels({req("tier", SelectorOp::GreaterThan, {"1"})}), true},
        AffinityCase{"LabelsAnded",
                     labels({req("env", SelectorOp::In, {"prod"}),
                             req("tier", SelectorOp::In, {"3"})}),
                     false},
        AffinityCase{"ProviderIn", fields({req("provider", SelectorOp::In, {"aws", "gcp"})}),
                     true},
        AffinityCase{"RegionNotIn", fields({req("region", SelectorOp::NotIn, {"us-east-1"})}),
                     false},
        AffinityCase{"ZoneInOverlap", fields({req("zone", SelectorOp::In, {"us-east-1b"})}), true},
        AffinityCase{"ZoneInNoOverlap", fields({req("zone", SelectorOp::In, {"eu-west-1a"})}),
                     false},
        AffinityCase{"ZoneNotInOverlap", fields({req("zone", SelectorOp::NotIn, {"us-east-1a"})}),
                     false},
        AffinityCase{"ZoneExists", fields({req("zone", SelectorOp::Exists)}), true},
        AffinityCase{"ZoneDoesNotExist", fields({req("zone", SelectorOp::DoesNotExist)}), false},
        AffinityCase{"AllCriteriaAnded",
                     [] {
                       ClusterAffinity a = labels({req("env", SelectorOp::In, {"prod"})});
                       a.field_selector = {req("provider", SelectorOp::In, {"aws"})};
                       a.cluster_names = {"other"};
                       return a;
                     }(),
                     false}),
    [](const auto& info) { return info.param.name; });

struct TolerationCase {
  std::string name;
  Toleration toleration;
  Taint taint;
  bool want;
};

class TolerationTest : public ::testing::TestWithParam<TolerationCase> {};

TEST_P(TolerationTest, Tolerates) {
  EXPECT_EQ(tolerates(GetParam().toleration, GetParam().taint), GetParam().want);
}

const Taint kNotReady{"cluster.karmada.io/not-ready", "", "NoSchedule"};

INSTANTIATE_TEST_SUITE_P(
    K8s, TolerationTest,
    ::testing::Values(
        TolerationCase{"ExistsSameKey", {"cluster.karmada.io/not-ready", "Exists", "", ""},
                       kNotReady, true},
        TolerationCase{"ExistsEmptyKeyMatchesAll", {"", "Exists", "", ""}, kNotReady, true},
        TolerationCase{"EqualValue", {"k", "Equal", "v", "NoExecute"}, {"k", "v", "NoExecute"},
                       true},
        TolerationCase{"EmptyOperatorIsEqual", {"k", "", "v", ""}, {"k", "w", "NoExecute"},
                       false},
        TolerationCase{"EffectMismatch", {"cluster.karmada.io/not-ready", "Exists", "", "NoExecute"},
                       kNotReady, false},
        TolerationCase{"KeyMismatch", {"other", "Exists", "", ""}, kNotReady, false},
        TolerationCase{"LtDisabled", {"k", "Lt", "5", ""}, {"k", "3", "NoSchedule"}, false}),
    [](const auto& info) { return info.param.name; });

struct FilterCase {
  std::string name;
  std::function<void(Binding&, Cluster&)> setup;
  std::string want_reason;  // empty: passes every filter
};

class FiltersTest : public ::testing::TestWithParam<FilterCase> {};

// Runs the built-in filters in registry order; returns the first rejection reason.
TEST_P(FiltersTest, FirstRejection) {
  Binding b = testing::deployment(3);
  Cluster c = makeCluster("member1", "aws", "us-east-1", {"us-east-1a"});
  GetParam().setup(b, c);
  SchedulingContext ctx;
  ctx.binding = &b;
  if (!b.placement.cluster_affinities.empty()) ctx.term = &b.placement.cluster_affinities[0];
  for (const auto& t : b.previous) ctx.previous_names.push_back(t.name);
  std::string reason;
  for (const auto& [name, factory] : Registry::builtin().filters()) {
    FilterResult r = factory()->filter(ctx, c);
    if (!r.ok()) {
      reason = r.reason;
      break;
    }
  }
  EXPECT_EQ(reason, GetParam().want_reason);
}

INSTANTIATE_TEST_SUITE_P(
    Builtin, FiltersTest,
    ::testing::Values(
        FilterCase{"PassesByDefault", [](Binding&, Cluster&) {}, ""},
        FilterCase{"AffinityMismatch",
                   [](Binding& b, Cluster&) { b.placement.cluster_affinity = testing::names({"x"}); },
                   "did not match cluster affinity"},
        FilterCase{"GroupMismatch",
                   [](Binding& b, Cluster&) {
                     b.placement.cluster_affinities = {{"primary", testing::names({"x"}), {}}};
                   },
                   "did not match affinity group primary"},
        FilterCase{"GroupOverflowMatchesForWorkloads",
                   [](Binding& b, Cluster&) {
                     b.placement.cluster_affinities = {
                         {"primary", testing::names({"x"}), {{"burst", testing::names({"member1"})}}}};
                   },
                   ""},
        FilterCase{"GroupOverflowIgnoredForNonWorkloads",
                   [](Binding& b, Cluster&) {
                     b.replicas = 0;
                     b.requirements.reset();
                     b.placement.cluster_affinities = {
                         {"primary", testing::names({"x"}), {{"burst", testing::names({"member1"})}}}};
                   },
                   "did not match affinity group primary"},
        FilterCase{"WorkloadAffinityFirstMemberNeverBlocked",
                   [](Binding& b, Cluster&) { b.affinity_group = "group=a"; }, ""},
        FilterCase{"WorkloadAffinityPeersHere",
                   [](Binding& b, Cluster&) {
                     b.affinity_group = "group=a";
                     b.affinity_peers = {"member0", "member1"};
                   },
                   ""},
        FilterCase{"WorkloadAffinityPeersElsewhere",
                   [](Binding& b, Cluster&) {
                     b.affinity_group = "group=a";
                     b.affinity_peers = {"member2"};
                   },
                   "workload affinity group group=a runs on other clusters"},
        FilterCase{"WorkloadAffinityPeersWithoutGroupIgnored",
                   [](Binding& b, Cluster&) { b.affinity_peers = {"member2"}; }, ""},
        FilterCase{"WorkloadAntiAffinityPeerHere",
                   [](Binding& b, Cluster&) {
                     b.anti_affinity_group = "group=b";
                     b.anti_affinity_peers = {"member1"};
                   },
                   "workload anti-affinity group group=b already runs here"},
        FilterCase{"WorkloadAntiAffinityPeersElsewhere",
                   [](Binding& b, Cluster&) {
                     b.anti_affinity_group = "group=b";
                     b.anti_affinity_peers = {"member2"};
                   },
                   ""},
        FilterCase{"Evicting", [](Binding& b, Cluster&) { b.evicting_from = {"member1"}; },
                   "being evicted (graceful eviction task)"},
        FilterCase{"SpreadByZoneNeedsZones",
                   [](Binding& b, Cluster& c) {
                     c.zones.clear();
                     b.placement.spread_constraints = {{SpreadField::Zone, 1, 1}};
                   },
                   "no zone for spread constraint"},
        FilterCase{"SpreadByProviderNeedsProvider",
                   [](Binding& b, Cluster& c) {
                     c.provider.clear();
                     b.placement.spread_constraints = {{SpreadField::Provider, 1, 1}};
                   },
                   "no provider for spread constraint"},
        FilterCase{"SpreadByRegionNeedsRegion",
                   [](Binding& b, Cluster& c) {
                     c.region.clear();
                     b.placement.spread_constraints = {{SpreadField::Region, 1, 1}};
                   },
                   "no region for spread constraint"},
        FilterCase{"UntoleratedNoSchedule",
                   [](Binding&, Cluster& c) { c.taints = {kNotReady}; },
                   "untolerated taint cluster.karmada.io/not-ready"},
        FilterCase{"UntoleratedNoExecute",
                   [](Binding&, Cluster& c) { c.taints = {{"maintenance", "", "NoExecute"}}; },
                   "untolerated taint maintenance"},
        FilterCase{"PreferNoScheduleIgnored",
                   [](Binding&, Cluster& c) { c.taints = {{"soft", "", "PreferNoSchedule"}}; }, ""},
        FilterCase{"ToleratedTaint",
                   [](Binding& b, Cluster& c) {
                     c.taints = {kNotReady};
                     b.placement.tolerations = {{"cluster.karmada.io/not-ready", "Exists", "", ""}};
                   },
                   ""},
        FilterCase{"TaintIgnoredWhereAlreadyScheduled",
                   [](Binding& b, Cluster& c) {
                     c.taints = {kNotReady};
                     b.previous = {{"member1", 2}};
                   },
                   ""},
        FilterCase{"ApiNotEnabled", [](Binding&, Cluster& c) { c.api_enablements.clear(); },
                   "API apps/v1 Deployment not enabled"},
        FilterCase{"ApiIgnoredWhereAlreadyScheduled",
                   [](Binding& b, Cluster& c) {
                     c.api_enablements.clear();
                     b.previous = {{"member1", 2}};
                   },
                   ""},
        FilterCase{"AffinityReportedBeforeTaint",
                   [](Binding& b, Cluster& c) {
                     c.taints = {kNotReady};
                     b.placement.cluster_affinity = testing::names({"x"});
                   },
                   "did not match cluster affinity"}),
    [](const auto& info) { return info.param.name; });

struct CostScoreCase {
  std::string name;
  std::vector<std::optional<int64_t>> prices;  // nullopt = unpriced
  std::vector<int64_t> want;
};

class CostScoreTest : public ::testing::TestWithParam<CostScoreCase> {};

TEST_P(CostScoreTest, Linear) {
  const auto& c = GetParam();
  std::vector<ReplicaPrice> prices(c.prices.size());
  std::vector<Candidate> candidates(c.prices.size());
  for (size_t i = 0; i < c.prices.size(); ++i) {
    prices[i].priced = c.prices[i].has_value();
    prices[i].hourly_micros = c.prices[i].value_or(0);
    candidates[i].price = &prices[i];
  }
  std::vector<int64_t> out(c.prices.size());
  CostScore().score(SchedulingContext{}, candidates, out);
  EXPECT_EQ(out, c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Flotilla, CostScoreTest,
    ::testing::Values(CostScoreCase{"CheapestHundredDearestZero", {100, 300, 200}, {100, 0, 50}},
                      CostScoreCase{"IntegerDivisionFloors", {0, 1, 3}, {100, 66, 0}},
                      CostScoreCase{"UnpricedScoresZero", {100, std::nullopt, 200}, {100, 0, 0}},
                      CostScoreCase{"AllEqualAllHundred", {7, 7}, {100, 100}},
                      CostScoreCase{"NoPricesAllZero", {std::nullopt, std::nullopt}, {0, 0}}),
    [](const auto& info) { return info.param.name; });

TEST(LocalityScore, HundredWhereAlreadyScheduled) {
  std::vector<Cluster> clusters = {makeCluster("a"), makeCluster("b")};
  std::vector<Candidate> candidates(2);
  candidates[0].cluster = &clusters[0];
  candidates[1].cluster = &clusters[1];
  SchedulingContext ctx;
  ctx.previous_names = {"b"};
  std::vector<int64_t> out(2);
  ClusterLocalityScore().score(ctx, candidates, out);
  EXPECT_EQ(out, (std::vector<int64_t>{0, 100}));
  ClusterAffinityScore().score(ctx, candidates, out);
  EXPECT_EQ(out, (std::vector<int64_t>{0, 0}));
}

}  // namespace
}  // namespace flotilla::scheduler
