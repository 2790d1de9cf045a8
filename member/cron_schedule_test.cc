#include "member/cron_schedule.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace flotilla::member {
namespace {

std::chrono::system_clock::time_point at(const std::string& text) {
  std::chrono::system_clock::time_point t;
  EXPECT_TRUE(core::parseRfc3339(text, &t)) << text;
  return t;
}

TEST(CronSchedule, NextTable) {
  struct Row {
    const char* schedule;
    const char* after;
    const char* want;
  };
  // 2026-01-01 is a Thursday.
  std::vector<Row> rows = {
      {"* * * * *", "2026-01-01T10:00:30Z", "2026-01-01T10:01:00Z"},
      {"*/15 * * * *", "2026-01-01T10:01:00Z", "2026-01-01T10:15:00Z"},
      {"0 * * * *", "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"},
      {"30 2 * * *", "2026-01-01T03:00:00Z", "2026-01-02T02:30:00Z"},
      {"0 9 * * mon-fri", "2026-01-02T10:00:00Z", "2026-01-05T09:00:00Z"},
      {"0 0 1 */3 *", "2026-01-15T00:00:00Z", "2026-04-01T00:00:00Z"},
      {"0 0 13 * 5", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},  // 13th OR Friday
      {"0 0 * * 7", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"},   // 7 is Sunday
      {"@hourly", "2026-01-01T10:59:59Z", "2026-01-01T11:00:00Z"},
      {"@daily", "2026-01-01T10:00:00Z", "2026-01-02T00:00:00Z"},
      {"5,10 1-2 * jan *", "2026-01-01T01:07:00Z", "2026-01-01T01:10:00Z"},
  };
  for (const auto& row : rows) {
    auto s = CronSchedule::parse(row.schedule);
    ASSERT_TRUE(s.isOk()) << row.schedule << ": " << s.status().message();
    auto next = s->next(at(row.after));
    ASSERT_TRUE(next.has_value()) << row.schedule;
    EXPECT_EQ(core::formatRfc3339(*next), row.want) << row.schedule << " after " << row.after;
  }
}

TEST(CronSchedule, RejectsMalformed) {
  for (const char* bad : {"", "* * * *", "61 * * * *", "* 24 * * *", "* * 0 * *", "*/0 * * * *",
                          "a * * * *", "5-1 * * * *", "* * * * * *"}) {
    EXPECT_FALSE(CronSchedule::parse(bad).isOk()) << bad;
  }
}

TEST(CronSchedule, ImpossibleDateHasNoNext) {
  auto s = CronSchedule::parse("0 0 30 2 *");
  ASSERT_TRUE(s.isOk());
  EXPECT_FALSE(s->next(at("2026-01-01T00:00:00Z")).has_value());
}

}  // namespace
}  // namespace flotilla::member
