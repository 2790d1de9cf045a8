#include "scheduler/cost_model.h"

#include <gtest/gtest.h>

#include "scheduler/test_fixtures.h"

namespace flotilla::scheduler {
namespace {

constexpr int64_t kGiMilli = 1024LL * 1024 * 1024 * 1000;

struct ParseCase {
  std::string name;
  std::string text;
  int64_t want;  // -1: error
};

class ParseMicrosTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseMicrosTest, Parses) {
  auto r = parseMicros(GetParam().text);
  if (GetParam().want < 0) {
    EXPECT_FALSE(r.isOk());
  } else {
    ASSERT_TRUE(r.isOk()) << r.status().message();
    EXPECT_EQ(*r, GetParam().want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Decimal, ParseMicrosTest,
    ::testing::Values(ParseCase{"Whole", "12", 12'000'000}, ParseCase{"Fraction", "0.0316", 31'600},
                      ParseCase{"SixDigits", "1.000001", 1'000'001},
                      ParseCase{"TrailingDot", "3.", 3'000'000},
                      ParseCase{"LeadingDot", ".5", 500'000},
                      ParseCase{"SevenDigitsRejected", "0.0000001", -1},
                      ParseCase{"NegativeRejected", "-1", -1},
                      ParseCase{"ExponentRejected", "1e3", -1}, ParseCase{"EmptyRejected", "", -1},
                      ParseCase{"DotOnlyRejected", ".", -1}),
    [](const auto& info) { return info.param.name; });

TEST(FormatMicros, SixDigits) {
  EXPECT_EQ(formatMicros(0), "0.000000");
  EXPECT_EQ(formatMicros(31'600), "0.031600");
  EXPECT_EQ(formatMicros(12'500'000), "12.500000");
  EXPECT_EQ(formatMicros(-1), "-0.000001");
}

PriceRule rule(std::optional<ClusterAffinity> target, std::map<std::string, int64_t> prices) {
  return PriceRule{std::move(target), std::move(prices)};
}

struct PriceCase {
  std::string name;
  std::vector<PriceBook> books;
  estimator::ResourceList requests;
  std::optional<estimator::ResourceList> limits;
  bool want_priced;
  int64_t want_micros;
  std::string want_source;
};

class PriceReplicaTest : public ::testing::TestWithParam<PriceCase> {};

TEST_P(PriceReplicaTest, Prices) {
  const auto& c = GetParam();
  Cluster cluster = testing::makeCluster("member1", "aws", "us-east-1");
  cluster.labels = {{"cloud", "cheap"}};
  CostModel model(c.books);
  ReplicaPrice p = model.priceReplica(cluster, &c.requests, c.limits ? &*c.limits : nullptr);
  EXPECT_EQ(p.priced, c.want_priced);
  EXPECT_EQ(p.hourly_micros, c.want_micros);
  EXPECT_EQ(p.source(), c.want_source);
}

const std::map<std::string, int64_t> kPrices = {{"cpu", 40'000}, {"memory", 5'000}};

INSTANTIATE_TEST_SUITE_P(
    Rules, PriceReplicaTest,
    ::testing::Values(
        // 0.5 core × 0.04 + 2 GiB × 0.005 = 0.03
        PriceCase{"CpuAndMemory",
                  {{"book", "USD", Billing::Requests, {rule(std::nullopt, kPrices)}}},
                  {{"cpu", 500}, {"memory", 2 * kGiMilli}}, std::nullopt, true, 30'000,
                  "PriceBook book rule 0 (match-all)"},
        PriceCase{"NoBooksUnpriced", {}, {{"cpu", 1000}}, std::nullopt, false, 0, ""},
        PriceCase{"NoMatchingRuleUnpriced",
                  {{"book", "USD", Billing::Requests,
                    {rule(testing::names({"other"}), kPrices)}}},
                  {{"cpu", 1000}}, std::nullopt, false, 0, ""},
        PriceCase{"NamedBeatsSelectorBeatsMatchAll",
                  {{"a-book", "USD", Billing::Requests,
                    {rule(std::nullopt, {{"cpu", 1'000'000}}),
                     rule(testing::labelIs("cloud", "cheap"), {{"cpu", 2'000'000}})}},
                   {"b-book", "USD", Billing::Requests,
                    {rule(testing::names({"member1"}), {{"cpu", 3'000'000}})}}},
                  {{"cpu", 1000}}, std::nullopt, true, 3'000'000,
                  "PriceBook b-book rule 0 (clusterNames)"},
        PriceCase{"SelectorBeatsMatchAll",
                  {{"a-book", "USD", Billing::Requests,
                    {rule(std::nullopt, {{"cpu", 1'000'000}}),
                     rule(testing::labelIs("cloud", "cheap"), {{"cpu", 2'000'000}})}}},
                  {{"cpu", 1000}}, std::nullopt, true, 2'000'000,
                  "PriceBook a-book rule 1 (selector)"},
        PriceCase{"TieFirstBookByNameThenFirstRule",
                  {{"z-book", "USD", Billing::Requests, {rule(std::nullopt, {{"cpu", 9'000'000}})}},
                   {"a-book", "USD", Billing::Requests,
                    {rule(std::nullopt, {{"cpu", 1'000'000}}),
                     rule(std::nullopt, {{"cpu", 5'000'000}})}}},
                  {{"cpu", 1000}}, std::nullopt, true, 1'000'000,
                  "PriceBook a-book rule 0 (match-all)"},
        PriceCase{"ExtendedResourcePerUnit",
                  {{"book", "USD", Billing::Requests,
                    {rule(std::nullopt, {{"nvidia.com/gpu", 2'500'000}})}}},
                  {{"nvidia.com/gpu", 2000}}, std::nullopt, true, 5'000'000,
                  "PriceBook book rule 0 (match-all)"},
        PriceCase{"LimitsBilling",
                  {{"book", "USD", Billing::Limits, {rule(std::nullopt, kPrices)}}},
                  {{"cpu", 500}}, estimator::ResourceList{{"cpu", 2000}}, true, 80'000,
                  "PriceBook book rule 0 (match-all)"},
        PriceCase{"RoundsHalfUpOnce",
                  {{"book", "USD", Billing::Requests, {rule(std::nullopt, {{"cpu", 1}})}}},
                  {{"cpu", 500}}, std::nullopt, true, 1, "PriceBook book rule 0 (match-all)"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace flotilla::scheduler
