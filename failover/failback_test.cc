#include "failover/failback.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace flotilla::failover {
namespace {

TEST(FailbackTrigger, Table) {
  struct Row {
    const char* name;
    std::string last;
    std::string want;
  };
  std::chrono::system_clock::time_point now;
  ASSERT_TRUE(core::parseRfc3339("2026-11-26T02:00:10Z", &now));
  const std::vector<Row> rows = {
      {"never scheduled", "", "2026-11-26T02:00:10Z"},
      {"malformed", "yesterday", "2026-11-26T02:00:10Z"},
      {"scheduled long ago", "2026-11-26T01:00:00Z", "2026-11-26T02:00:10Z"},
      {"scheduled this second", "2026-11-26T02:00:10Z", "2026-11-26T02:00:11Z"},
      {"clock behind the last decision", "2026-11-26T02:00:30Z", "2026-11-26T02:00:31Z"},
  };
  for (const auto& r : rows) {
    const std::string got = failbackTrigger(now, r.last);
    EXPECT_EQ(got, r.want) << r.name;
    if (r.last.rfind("2026", 0) == 0) {
      EXPECT_GT(got, r.last) << r.name;
    }
  }
}

}  // namespace
}  // namespace flotilla::failover
