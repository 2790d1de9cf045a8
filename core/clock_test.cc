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
      {"negative offset", "2026-11-23T00:20:42-05:30", true, 1795413042000000},
      {"lower case t and z", "2026-11-23t05:50:42z", true, 1795413042000000},
      {"nanoseconds truncated", "2026-11-23T05:50:42.123456789Z", true, 1795413042123456},
      {"leap second rolls over", "2016-12-31T23:59:60Z", true, 1483228800000000},
      {"leap day", "2024-02-29T00:00:00Z", true, 1709164800000000},
      {"before 1970", "1969-12-31T23:59:59Z", true, -1000000},
      {"epoch", "1970-01-01T00:00:00Z", true, 0},
      {"one-digit month", "2026-1-23T05:50:42Z", false, 0},
      {"no such day", "2026-02-30T05:50:42Z", false, 0},
      {"month 13", "2026-13-01T05:50:42Z", false, 0},
      {"hour 24", "2026-11-23T24:00:00Z", false, 0},
      {"space for T", "2026-11-23 05:50:42Z", false, 0},
      {"no zone", "2026-11-23T05:50:42", false, 0},
      {"empty fraction", "2026-11-23T05:50:42.Z", false, 0},
      {"short offset", "2026-11-23T05:50:42+01", false, 0},
      {"truncated", "2026-11-23T05:5", false, 0},
      {"empty", "", false, 0},
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

TEST(ClockTest, FormatsCalendarEdges) {
  struct Row {
    const char* name;
    std::int64_t epoch_micros;
    const char* seconds;
    const char* micros;
  };
  const Row rows[] = {
      {"epoch", 0, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z"},
      {"leap day", 1709164800000001, "2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000001Z"},
      {"end of year", 1798761599999999, "2026-12-31T23:59:59Z", "2026-12-31T23:59:59.999999Z"},
      {"before 1970 floors", -1, "1969-12-31T23:59:59Z", "1969-12-31T23:59:59.999999Z"},
      {"year 2100 is not leap", 4107542400000000, "2100-03-01T00:00:00Z",
       "2100-03-01T00:00:00.000000Z"},
  };
  for (const auto& row : rows) {
    const std::chrono::system_clock::time_point t{std::chrono::microseconds(row.epoch_micros)};
    EXPECT_EQ(formatRfc3339(t), row.seconds) << row.name;
    EXPECT_EQ(formatRfc3339Micro(t), row.micros) << row.name;
    std::chrono::system_clock::time_point back;
    ASSERT_TRUE(parseRfc3339(row.micros, &back)) << row.name;
    EXPECT_EQ(back, t) << row.name;
  }
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
