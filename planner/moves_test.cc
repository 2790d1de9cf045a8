#include "planner/moves.h"

#include <gtest/gtest.h>

namespace flotilla::planner {
namespace {

using scheduler::ClusterExplanation;
using scheduler::TargetCluster;
using Targets = std::vector<TargetCluster>;

ClusterExplanation priced(const std::string& name, int64_t micros) {
  ClusterExplanation e;
  e.name = name;
  e.price.priced = true;
  e.price.currency = "USD";
  e.price.hourly_micros = micros;
  return e;
}

TEST(ComputeMoves, Table) {
  struct Row {
    const char* name;
    Targets before, after;
    bool workload;
    Targets added, removed;
    std::vector<ReplicaChange> changed;
    std::string summary;
  };
  const Row rows[] = {
      {"nothing_moves", {{"a", 2}, {"b", 2}}, {{"b", 2}, {"a", 2}}, true, {}, {}, {}, "="},
      {"new_workload", {}, {{"a", 3}}, true, {{"a", 3}}, {}, {}, "+a:3"},
      {"moved", {{"a", 3}}, {{"b", 3}}, true, {{"b", 3}}, {{"a", 3}}, {}, "+b:3 -a:3"},
      {"rebalanced",
       {{"a", 4}, {"b", 2}},
       {{"a", 3}, {"b", 3}},
       true,
       {},
       {},
       {{"a", 4, 3}, {"b", 2, 3}},
       "a:4→3 b:2→3"},
      {"everything_removed", {{"a", 1}, {"b", 1}}, {}, true, {}, {{"a", 1}, {"b", 1}}, {},
       "-a:1 -b:1"},
      {"duplicate_previous_entries_summed", {{"a", 1}, {"a", 2}}, {{"a", 3}}, true, {}, {}, {},
       "="},
      {"non_workload_ignores_replicas", {{"a", 0}}, {{"a", 0}, {"c", 0}}, false, {{"c", 0}}, {},
       {}, "+c"},
  };
  for (const auto& r : rows) {
    Moves m = computeMoves(!r.before.empty(), r.before, r.after, r.workload, false, {});
    EXPECT_EQ(m.added, r.added) << r.name;
    EXPECT_EQ(m.removed, r.removed) << r.name;
    EXPECT_EQ(m.changed, r.changed) << r.name;
    EXPECT_FALSE(m.cost.has_value()) << r.name;
    EXPECT_EQ(movesSummary(m, r.workload), r.summary) << r.name;
  }
}

TEST(ComputeMoves, CostBeforeAndAfterUseOnePriceList) {
  const std::vector<ClusterExplanation> explain = {priced("cheap", 10'000),
                                                   priced("dear", 40'000)};
  // "gone" is no longer in the snapshot: its replicas cannot be priced.
  Moves m = computeMoves(true, Targets{{"dear", 2}, {"gone", 1}}, Targets{{"cheap", 3}}, true,
                         true, explain);
  ASSERT_TRUE(m.cost.has_value());
  EXPECT_EQ(m.cost->currency, "USD");
  EXPECT_EQ(m.cost->hourly_before_micros, 80'000);
  EXPECT_EQ(m.cost->hourly_after_micros, 30'000);
  EXPECT_EQ(m.cost->unpriced, std::vector<std::string>{"gone"});
  EXPECT_TRUE(m.bound);
}

}  // namespace
}  // namespace flotilla::planner
