#include "apimachinery/quantity.h"

#include <limits>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

TEST(QuantityTest, ParsesAndCanonicalizes) {
  struct Row {
    const char* input;
    const char* canonical;
    int64_t milli;
    int64_t value;
  };
  const Row rows[] = {
      {"0", "0", 0, 0},
      {"100m", "100m", 100, 1},
      {"1.5Gi", "1536Mi", 1610612736000, 1610612736},
      {"2e3", "2e3", 2000000, 2000},
      {"128974848", "128974848", 128974848000, 128974848},
      {"129M", "129M", 129000000000, 129000000},
      {"1.5", "1500m", 1500, 2},
      {"0.5", "500m", 500, 1},
      {"2000", "2k", 2000000, 2000},
      {"1500", "1500", 1500000, 1500},
      {"1Ki", "1Ki", 1024000, 1024},
      {"512Ki", "512Ki", 524288000, 524288},
      {"0.5Ki", "512", 512000, 512},
      {"1024", "1024", 1024000, 1024},
      {"-1", "-1", -1000, -1},
      {"-1.5", "-1500m", -1500, -2},
      {"+3", "3", 3000, 3},
      {"1n", "1n", 1, 1},
      {"1u", "1u", 1, 1},
      {"0.1n", "1n", 1, 1},  // finer than nano rounds up
      {"1E", "1E", std::numeric_limits<int64_t>::max(), 1000000000000000000},  // milli saturates
      {"1e-3", "1e-3", 1, 1},
      {"1.", "1", 1000, 1},
      {".5", "500m", 500, 1},
      {"10Mi", "10Mi", 10485760000, 10485760},
      {"1.1Gi", "1181116006400m", 1181116006400, 1181116007},
  };
  for (const auto& row : rows) {
    auto q = Quantity::parse(row.input);
    ASSERT_TRUE(q.isOk()) << row.input << ": " << q.status().toString();
    EXPECT_EQ(q->toString(), row.canonical) << row.input;
    EXPECT_EQ(q->milliValue(), row.milli) << row.input;
    EXPECT_EQ(q->value(), row.value) << row.input;
  }
}

TEST(QuantityTest, RejectsMalformed) {
  struct Row {
    const char* input;
    const char* message;
  };
  const char* kFormat =
      "quantities must match the regular expression "
      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  const Row rows[] = {
      {"", kFormat},           {"abc", kFormat},  {"1.2.3", kFormat},
      {" 1", kFormat},         {"1 ", kFormat},   {"1x", kFormat},
      {"-", kFormat},          {".", kFormat},    {"1Gb", kFormat},
      {"1kk", "unable to parse quantity's suffix"},
      {"1Mi3", "unable to parse quantity's suffix"},
      {"1e", "unable to parse quantity's suffix"},
  };
  for (const auto& row : rows) {
    auto q = Quantity::parse(row.input);
    ASSERT_FALSE(q.isOk()) << row.input;
    EXPECT_EQ(q.status().code(), core::Code::InvalidArgument);
    EXPECT_EQ(q.status().message(), row.message) << row.input;
  }
  EXPECT_FALSE(Quantity::parse("1e40").isOk());
  EXPECT_FALSE(Quantity::parse("99999999999999999999999999999999999999999999").isOk());
  EXPECT_TRUE(Quantity::parse("1e-9999").isOk());
  EXPECT_FALSE(Quantity::parse("1e99999").isOk());
}

TEST(QuantityTest, ArithmeticAndComparison) {
  auto a = *Quantity::parse("1Gi");
  auto b = *Quantity::parse("512Mi");
  EXPECT_GT(a, b);
  a.add(b);
  EXPECT_EQ(a.toString(), "1536Mi");
  a.sub(*Quantity::parse("1536Mi"));
  EXPECT_TRUE(a.isZero());
  auto cpu = *Quantity::parse("250m");
  cpu.add(*Quantity::parse("1"));
  EXPECT_EQ(cpu.toString(), "1250m");
  EXPECT_EQ(cpu.milliValue(), 1250);
  EXPECT_EQ(Quantity::fromMilli(1500).toString(), "1500m");
  EXPECT_EQ(Quantity::fromValue(3, Quantity::Format::BinarySI).toString(), "3");
  EXPECT_EQ(Quantity::fromValue(2048, Quantity::Format::BinarySI).toString(), "2Ki");
  EXPECT_EQ(*Quantity::parse("1000m"), *Quantity::parse("1"));
  EXPECT_EQ(cpu.neg().sign(), -1);
  EXPECT_EQ(Quantity::fromJson(nlohmann::json(2))->toString(), "2");
  EXPECT_EQ(Quantity::fromJson(nlohmann::json(0.5))->toString(), "500m");
  EXPECT_EQ(Quantity::fromJson(nlohmann::json("1Gi"))->toString(), "1Gi");
  EXPECT_FALSE(Quantity::fromJson(nlohmann::json(true)).isOk());
  // Sums saturate instead of wrapping.
  auto big = *Quantity::parse("900000000000000000000000000");
  big.add(big);
  EXPECT_GT(big.sign(), 0);
}

}  // namespace
}  // namespace flotilla::apimachinery
