#include "failover/taint_policy.h"

#include <gtest/gtest.h>

#include "api/codec.h"

namespace flotilla::failover {
namespace {

api::Cluster cluster(const std::string& ready, const std::vector<api::Taint>& taints = {}) {
  api::Cluster c;
  c.metadata.name = "m1";
  c.metadata.labels = {{"tier", "primary"}};
  if (!ready.empty()) c.status.conditions.push_back({"Ready", ready, "", "", "", 0});
  c.spec.taints = taints;
  return c;
}

api::ClusterTaintPolicy notReadyPolicy(std::optional<api::ClusterAffinity> target = {}) {
  api::ClusterTaintPolicy p;
  p.metadata.name = "not-ready";
  p.spec.target_clusters = std::move(target);
  p.spec.add_on_conditions = {{"Ready", "NotIn", {"True"}}};
  p.spec.remove_on_conditions = {{"Ready", "In", {"True"}}};
  p.spec.taints = {{"failover/not-ready", "NoExecute", ""}};
  return p;
}

std::string keys(const std::vector<api::Taint>& taints) {
  std::string out;
  for (const auto& t : taints) out += (out.empty() ? "" : ",") + t.key + ":" + t.effect;
  return out;
}

TEST(ConditionsMatch, Table) {
  struct Row {
    const char* name;
    std::vector<api::Condition> conditions;
    std::vector<api::MatchCondition> match;
    bool want;
  };
  const api::Condition ready_false{"Ready", "False", "", "", "", 0};
  const api::Condition other{"Other", "True", "", "", "", 0};
  const std::vector<Row> rows = {
      {"empty list never holds", {ready_false}, {}, false},
      {"In listed", {ready_false}, {{"Ready", "In", {"False", "Unknown"}}}, true},
      {"In not listed", {ready_false}, {{"Ready", "In", {"True"}}}, false},
      {"NotIn listed", {ready_false}, {{"Ready", "NotIn", {"False"}}}, false},
      {"NotIn not listed", {ready_false}, {{"Ready", "NotIn", {"True"}}}, true},
      {"missing condition never holds", {other}, {{"Ready", "NotIn", {"True"}}}, false},
      {"all ANDed", {ready_false, other},
       {{"Ready", "In", {"False"}}, {"Other", "In", {"False"}}}, false},
      {"unknown operator", {ready_false}, {{"Ready", "Gt", {"False"}}}, false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(conditionsMatch(r.conditions, r.match), r.want) << r.name;
  }
}

TEST(ApplyTaintPolicies, Table) {
  struct Row {
    const char* name;
    api::Cluster cluster;
    std::vector<api::ClusterTaintPolicy> policies;
    std::string want;
  };
  api::ClusterAffinity other_tier;
  other_tier.label_selector = nlohmann::json{{"matchLabels", {{"tier", "backup"}}}};
  const api::Taint existing{"failover/not-ready", "", "NoExecute", "2026-01-01T00:00:00Z"};
  const std::vector<Row> rows = {
      {"not ready adds", cluster("False"), {notReadyPolicy()},
       "failover/not-ready:NoExecute"},
      {"unknown adds", cluster("Unknown"), {notReadyPolicy()}, "failover/not-ready:NoExecute"},
      {"ready removes", cluster("True", {existing}), {notReadyPolicy()}, ""},
      {"ready without taint stays clean", cluster("True"), {notReadyPolicy()}, ""},
      {"no conditions yet: untouched", cluster(""), {notReadyPolicy()}, ""},
      {"already there: not duplicated", cluster("False", {existing}), {notReadyPolicy()},
       "failover/not-ready:NoExecute"},
      {"other taints kept",
       cluster("True", {existing, {"cluster.karmada.io/unschedulable", "", "NoSchedule", ""}}),
       {notReadyPolicy()}, "cluster.karmada.io/unschedulable:NoSchedule"},
      {"targetClusters excludes", cluster("False"), {notReadyPolicy(other_tier)}, ""},
      {"no policies: unchanged", cluster("False", {existing}), {},
       "failover/not-ready:NoExecute"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(keys(applyTaintPolicies(r.cluster, r.policies, "2026-11-26T02:00:00Z")), r.want)
        << r.name;
  }
}

TEST(ApplyTaintPolicies, AddedTaintIsStampedExistingKeepsItsTime) {
  const auto added = applyTaintPolicies(cluster("False"), std::vector{notReadyPolicy()},
                                        "2026-11-26T02:00:00Z");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].time_added, "2026-11-26T02:00:00Z");
  const api::Taint existing{"failover/not-ready", "", "NoExecute", "2026-01-01T00:00:00Z"};
  const auto kept = applyTaintPolicies(cluster("False", {existing}),
                                       std::vector{notReadyPolicy()}, "2026-11-26T02:00:00Z");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].time_added, "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace flotilla::failover
