#include "core/clock.h"

#include <gtest/gtest.h>

namespace flotilla::core {
namespace {

TEST(ClockTest, FormatsAndParsesRfc3339) {
  struct Row {
    const char* name;
    std::string text;
    bool ok;
    std::int64_t epoch_micros;
  };
  const Row rows[] = {
      {"seconds", "2026-11-23T05:50:42Z", true, 1795413042000000},
      {"micros", "2026-11-23T05:50:42.123456Z", true, 1795413042123456},
      {"offset", "2026-11-23T06:50:42+01:00", true, 1795413042000000},
      {"garbage", "yesterday", false, 0},
      {"trailing", "2026-11-23T05:50:42Zx", false, 0},
  };
  for (const auto& row : rows) {
    std::chrono::system_clock::time_point t;
    EXPECT_EQ(parseRfc3339(row.text, &t), row.ok) << row.name;
    if (row.ok) {
      EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count(),
                row.epoch_micros)
          << row.name;
    }
  }
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parseRfc3339("2026-11-23T05:50:42.000007Z", &t));
  EXPECT_EQ(formatRfc3339(t), "2026-11-23T05:50:42Z");
  EXPECT_EQ(formatRfc3339Micro(t), "2026-11-23T05:50:42.000007Z");
}

TEST(ClockTest, FakeClockMovesOnlyWhenAdvanced) {
  FakeClock clock;
  auto a = clock.now();
  EXPECT_EQ(clock.now(), a);
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.now() - a, std::chrono::seconds(5));
}

}  // namespace
}  // namespace flotilla::core
