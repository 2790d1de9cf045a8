#include "scheduler/webster.h"

#include <gtest/gtest.h>

namespace flotilla::scheduler {
namespace {

struct WebsterCase {
  std::string name;
  int32_t seats;
  std::vector<Party> parties;
  std::vector<TargetCluster> initial;
  std::string uid;
  std::vector<TargetCluster> want;
};

class WebsterTest : public ::testing::TestWithParam<WebsterCase> {};

TEST_P(WebsterTest, Divides) {
  const auto& c = GetParam();
  EXPECT_EQ(websterDivide(c.seats, c.parties, c.initial, c.uid), c.want);
}

// "uid-a" hashes odd (names descending on ties), "uid-b" even (ascending).
INSTANTIATE_TEST_SUITE_P(
    Spec, WebsterTest,
    ::testing::Values(
        WebsterCase{"Twelve_3_2_1", 12, {{"a", 3}, {"b", 2}, {"c", 1}}, {}, "",
                    {{"a", 6}, {"b", 4}, {"c", 2}}},
        WebsterCase{"Thirteen_3_2_1", 13, {{"a", 3}, {"b", 2}, {"c", 1}}, {}, "",
                    {{"a", 7}, {"b", 4}, {"c", 2}}},
        WebsterCase{"Fourteen_3_2_1", 14, {{"a", 3}, {"b", 2}, {"c", 1}}, {}, "",
                    {{"a", 7}, {"b", 5}, {"c", 2}}},
        WebsterCase{"Five_170_110_60", 5, {{"a", 170}, {"b", 110}, {"c", 60}}, {}, "",
                    {{"a", 2}, {"b", 2}, {"c", 1}}},
        WebsterCase{"Two_2_1", 2, {{"a", 2}, {"b", 1}}, {}, "", {{"a", 1}, {"b", 1}}},
        WebsterCase{"TieEmptyUidNamesAscending", 1, {{"a", 1}, {"b", 1}}, {}, "",
                    {{"a", 1}, {"b", 0}}},
        WebsterCase{"TieEvenUidNamesAscending", 1, {{"a", 1}, {"b", 1}}, {}, "uid-b",
                    {{"a", 1}, {"b", 0}}},
        WebsterCase{"TieOddUidNamesDescending", 1, {{"a", 1}, {"b", 1}}, {}, "uid-a",
                    {{"a", 0}, {"b", 1}}},
        WebsterCase{"TieOddUidThreeWay", 2, {{"a", 5}, {"b", 5}, {"c", 5}}, {}, "uid-a",
                    {{"a", 0}, {"b", 1}, {"c", 1}}},
        // a: 3/(2·1+1) = 1, b: 1/1 = 1 — equal priority, b has fewer seats.
        WebsterCase{"TieFewerSeatsFirst", 1, {{"a", 3}, {"b", 1}}, {{"a", 1}}, "",
                    {{"a", 1}, {"b", 1}}},
        WebsterCase{"ZeroSeatsReturnsInitial", 0, {{"a", 3}, {"b", 1}}, {{"b", 2}}, "",
                    {{"a", 0}, {"b", 2}}},
        WebsterCase{"NoPartiesIsEmpty", 5, {}, {}, "", {}},
        // A party with initial seats but no votes takes part with priority 0.
        WebsterCase{"InitialOnlyPartyKeepsSeats", 3, {{"a", 1}}, {{"z", 4}}, "",
                    {{"a", 3}, {"z", 4}}},
        WebsterCase{"InitialSeatsCountTowardsPriority", 2, {{"a", 4}, {"b", 4}}, {{"a", 2}}, "",
                    {{"a", 2}, {"b", 2}}},
        WebsterCase{"ResultSortedByName", 3, {{"zeta", 1}, {"alpha", 1}, {"mid", 1}}, {}, "",
                    {{"alpha", 1}, {"mid", 1}, {"zeta", 1}}}),
    [](const auto& info) { return info.param.name; });

TEST(WebsterProperty, SumsToSeatsAndIsMonotonic) {
  // Webster is house-monotone: adding a seat never takes one away from any party.
  std::vector<Party> parties = {{"a", 170}, {"b", 110}, {"c", 60}, {"d", 7}, {"e", 1}};
  std::vector<TargetCluster> prev = websterDivide(0, parties, {}, "uid-a");
  for (int32_t n = 1; n <= 200; ++n) {
    auto cur = websterDivide(n, parties, {}, "uid-a");
    int32_t sum = 0;
    for (size_t i = 0; i < cur.size(); ++i) {
      sum += cur[i].replicas;
      EXPECT_GE(cur[i].replicas, prev[i].replicas) << "n=" << n << " " << cur[i].name;
    }
    EXPECT_EQ(sum, n);
    prev = cur;
  }
}

TEST(Fnv32a, KnownValues) {
  EXPECT_EQ(fnv32a(""), 2166136261u);
  EXPECT_EQ(fnv32a("uid-a"), 2160371155u);
  EXPECT_EQ(fnv32a("uid-b"), 2177148774u);
}

}  // namespace
}  // namespace flotilla::scheduler
