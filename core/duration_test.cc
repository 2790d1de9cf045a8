#include "core/duration.h"

#include <gtest/gtest.h>

namespace flotilla::core {
namespace {

TEST(DurationTest, ParsesGoStyleDurations) {
  const struct {
    const char* text;
    int64_t ms;
  } good[] = {{"0", 0},        {"500ms", 500},    {"10s", 10'000}, {"1m30s", 90'000},
              {"1.5h", 5'400'000}, {"0.5s", 500}, {"2m0s", 120'000}, {"0s", 0}};
  for (const auto& row : good) {
    auto d = parseDuration(row.text);
    ASSERT_TRUE(d.isOk()) << row.text << ": " << d.status().toString();
    EXPECT_EQ(d->count(), row.ms) << row.text;
  }
  for (const char* text : {"", "5", "5x", "ms", ".", "-1s", "1e3s", "s5", "9999999h", "1s "}) {
    auto d = parseDuration(text);
    ASSERT_FALSE(d.isOk()) << text;
    EXPECT_NE(d.status().message().find("invalid duration"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace flotilla::core
