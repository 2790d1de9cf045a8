#include "failover/toleration.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace flotilla::failover {
namespace {

WallTime at(const std::string& text) {
  WallTime t;
  EXPECT_TRUE(core::parseRfc3339(text, &t)) << text;
  return t;
}

TEST(NoExecuteDecision, Table) {
  struct Row {
    const char* name;
    std::vector<api::Taint> taints;
    std::vector<api::Toleration> tolerations;
    bool evict;
    std::string at;  // "" = no deadline
  };
  const api::Taint no_execute{"failover/not-ready", "", "NoExecute", "2026-11-26T02:00:00Z"};
  const api::Taint no_schedule{"cluster.karmada.io/not-ready", "", "NoSchedule",
                               "2026-11-26T02:00:00Z"};
  const api::Toleration forever{"failover/not-ready", "Exists", "", "NoExecute", std::nullopt};
  const api::Toleration thirty{"failover/not-ready", "Exists", "", "NoExecute", 30};
  const api::Toleration ten{"", "Exists", "", "", 10};
  const api::Toleration wrong_value{"failover/not-ready", "Equal", "x", "NoExecute", 30};
  const std::vector<Row> rows = {
      {"no taints", {}, {}, false, ""},
      {"NoSchedule never evicts", {no_schedule}, {}, false, ""},
      {"untolerated evicts now", {no_execute}, {}, true, ""},
      {"value mismatch does not tolerate", {no_execute}, {wrong_value}, true, ""},
      {"tolerated forever", {no_execute}, {forever}, false, ""},
      {"tolerated for 30s: later", {no_execute}, {thirty}, false, "2026-11-26T02:00:30Z"},
      {"earliest toleration wins", {no_execute}, {thirty, ten}, false, "2026-11-26T02:00:10Z"},
      {"forever and finite: finite wins", {no_execute}, {forever, thirty}, false,
       "2026-11-26T02:00:30Z"},
      {"expired evicts now",
       {{"failover/not-ready", "", "NoExecute", "2026-11-26T01:00:00Z"}}, {thirty}, true, ""},
      {"one of two untolerated", {no_execute, {"other", "", "NoExecute", ""}}, {thirty}, true, ""},
  };
  const WallTime now = at("2026-11-26T02:00:05Z");
  for (const auto& r : rows) {
    const auto d = noExecuteDecision(r.taints, r.tolerations, now);
    EXPECT_EQ(d.evict, r.evict) << r.name;
    if (r.at.empty()) {
      EXPECT_FALSE(d.at.has_value()) << r.name;
    } else {
      ASSERT_TRUE(d.at.has_value()) << r.name;
      EXPECT_EQ(core::formatRfc3339(*d.at), r.at) << r.name;
    }
  }
}

}  // namespace
}  // namespace flotilla::failover
