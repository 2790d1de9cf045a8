#include "runtime/status_hold.h"

#include <gtest/gtest.h>

#include <vector>

namespace flotilla::runtime {
namespace {

using std::chrono::milliseconds;

TEST(StatusHoldTest, Table) {
  // Each step: at `at` ms, either hold (with max `max` ms) or release the key "k".
  struct Step {
    int at;
    bool release;
    int max;
    bool wait;
    int left;
    bool active_after;
  };
  struct Row {
    const char* name;
    std::vector<Step> steps;
  };
  const std::vector<Row> rows = {
      {"first hold waits the whole window", {{0, false, 100, true, 100, true}}},
      {"later holds keep the first deadline",
       {{0, false, 100, true, 100, true}, {30, false, 100, true, 70, true},
        {60, false, 500, true, 40, true}}},
      {"over at the deadline and stays over",
       {{0, false, 100, true, 100, true}, {100, false, 100, false, 0, true},
        {150, false, 100, false, 0, true}}},
      {"release starts afresh",
       {{0, false, 100, true, 100, true}, {120, false, 100, false, 0, true},
        {130, true, 0, false, 0, false}, {140, false, 100, true, 100, true}}},
      {"zero max never holds", {{0, false, 0, false, 0, false}}},
  };
  for (const auto& row : rows) {
    StatusHold hold;
    const core::Clock::TimePoint t0{};
    for (const auto& s : row.steps) {
      if (s.release) {
        hold.release("k");
      } else {
        auto d = hold.hold("k", t0 + milliseconds(s.at), milliseconds(s.max));
        EXPECT_EQ(d.wait, s.wait) << row.name << " at " << s.at;
        EXPECT_EQ(d.left, milliseconds(s.left)) << row.name << " at " << s.at;
      }
      EXPECT_EQ(hold.active("k"), s.active_after) << row.name << " at " << s.at;
    }
    EXPECT_FALSE(hold.active("other")) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::runtime
