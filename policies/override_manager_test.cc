#include "policies/override_manager.h"

#include <gtest/gtest.h>

namespace flotilla::policies {
namespace {

using api::Json;

api::OverridePolicy policy(const std::string& name, const std::string& ns, Json spec) {
  api::OverridePolicy p;
  p.kind = ns.empty() ? "ClusterOverridePolicy" : "OverridePolicy";
  p.metadata.name = name;
  p.metadata.namespace_ = ns;
  p.spec = api::fromJson<api::OverrideSpec>(spec).value();
  return p;
}

Json setLabel(const std::string& value, Json target = nullptr) {
  Json rule = {
      {"overriders", {{"labelsOverrider", {{{"operator", "add"}, {"value", {{"who", value}}}}}}}}};
  if (!target.is_null()) rule["targetCluster"] = target;
  return rule;
}

const Json kDeploy = {
    {"apiVersion", "apps/v1"},
    {"kind", "Deployment"},
    {"metadata", {{"name", "nginx"}, {"namespace", "default"}, {"labels", {{"app", "nginx"}}}}}};
const Json kByName = {{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "nginx"}}};
const Json kByLabel = {{{"apiVersion", "apps/v1"},
                        {"kind", "Deployment"},
                        {"labelSelector", {{"matchLabels", {{"app", "nginx"}}}}}}};
const Json kAll = {{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}}};

api::Cluster member(const std::string& name) {
  api::Cluster c;
  c.metadata.name = name;
  return c;
}

TEST(OverrideManager, OrderingAndWinners) {
  struct Row {
    const char* name;
    std::vector<api::OverridePolicy> cops, ops;
    std::string want_label;
    std::vector<std::string> applied_ops, applied_cops;
  };
  const Row rows[] = {
      {"op_beats_cop",
       {policy("cop", "", {{"overrideRules", {setLabel("cop")}}})},
       {policy("op", "default", {{"overrideRules", {setLabel("op")}}})},
       "op",
       {"op"},
       {"cop"}},
      {"name_selector_beats_label_beats_all_within_group",
       {},
       {policy("a-name", "default",
               {{"resourceSelectors", kByName}, {"overrideRules", {setLabel("name")}}}),
        policy("b-label", "default",
               {{"resourceSelectors", kByLabel}, {"overrideRules", {setLabel("label")}}}),
        policy("c-all", "default",
               {{"resourceSelectors", kAll}, {"overrideRules", {setLabel("all")}}})},
       "name",
       {"c-all", "b-label", "a-name"},
       {}},
      {"empty_selectors_rank_as_match_all",
       {},
       {policy("a-empty", "default", {{"overrideRules", {setLabel("empty")}}}),
        policy("b-label", "default",
               {{"resourceSelectors", kByLabel}, {"overrideRules", {setLabel("label")}}})},
       "label",
       {"a-empty", "b-label"},
       {}},
      {"same_priority_later_name_wins",
       {},
       {policy("b", "default", {{"overrideRules", {setLabel("b")}}}),
        policy("a", "default", {{"overrideRules", {setLabel("a")}}})},
       "b",
       {"a", "b"},
       {}},
      {"target_cluster_filters_rules",
       {},
       {policy("p", "default",
               {{"overrideRules",
                 {setLabel("m1", {{"clusterNames", {"m1"}}}),
                  setLabel("m2", {{"clusterNames", {"m2"}}})}}})},
       "m2",
       {"p"},
       {}},
      {"other_namespace_ignored",
       {},
       {policy("p", "other", {{"overrideRules", {setLabel("x")}}})},
       "",
       {},
       {}},
      {"deprecated_single_rule",
       {},
       {policy("p", "default", {{"overriders", setLabel("old")["overriders"]}})},
       "old",
       {"p"},
       {}},
      {"non_matching_selector_skipped",
       {},
       {policy("p", "default",
               {{"resourceSelectors", {{{"apiVersion", "v1"}, {"kind", "ConfigMap"}}}},
                {"overrideRules", {setLabel("x")}}})},
       "",
       {},
       {}},
  };
  for (const auto& r : rows) {
    auto res = applyOverridePolicies(kDeploy, member("m2"), r.cops, r.ops);
    ASSERT_TRUE(res.isOk()) << r.name << ": " << res.status().toString();
    const Json& labels = res->object["metadata"]["labels"];
    if (r.want_label.empty()) {
      EXPECT_FALSE(labels.contains("who")) << r.name;
    } else {
      EXPECT_EQ(labels.value("who", ""), r.want_label) << r.name;
    }
    std::vector<std::string> got_ops, got_cops;
    for (const auto& a : res->overrides) got_ops.push_back(a.policy_name);
    for (const auto& a : res->cluster_overrides) got_cops.push_back(a.policy_name);
    EXPECT_EQ(got_ops, r.applied_ops) << r.name;
    EXPECT_EQ(got_cops, r.applied_cops) << r.name;
  }
}

TEST(OverrideManager, ClusterScopedTemplateSkipsOverridePolicies) {
  Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "n"}}}};
  auto res = applyOverridePolicies(ns, member("m1"),
                                   {policy("cop", "", {{"overrideRules", {setLabel("cop")}}})},
                                   {policy("op", "", {{"overrideRules", {setLabel("op")}}})});
  ASSERT_TRUE(res.isOk());
  EXPECT_EQ(res->object["metadata"]["labels"]["who"], "cop");
  EXPECT_TRUE(res->overrides.empty());
}

TEST(OverrideManager, ErrorAbortsAndNamesPolicy) {
  // A plaintext op written for another kind fails the Deployment too (Karmada issue #6103).
  auto bad = policy(
      "cm-op", "default",
      {{"overrideRules",
        {{{"overriders",
           {{"plaintext", {{{"path", "/data/x"}, {"operator", "replace"}, {"value", "1"}}}}}}}}}});
  auto res = applyOverridePolicies(kDeploy, member("m1"), {}, {bad});
  ASSERT_FALSE(res.isOk());
  EXPECT_NE(res.status().message().find("default/cm-op"), std::string::npos);
  EXPECT_NE(res.status().message().find("plaintext"), std::string::npos);
}

TEST(OverrideManager, AppliedAnnotationSortedByName) {
  std::vector<AppliedOverride> applied = {{"b", {}}, {"a", {}}};
  applied[1].overriders.plaintext.push_back({});
  applied[1].overriders.plaintext[0].path = "/x";
  applied[1].overriders.plaintext[0].operator_ = "remove";
  EXPECT_EQ(appliedOverridesAnnotation(applied),
            R"([{"overriders":{"plaintext":[{"operator":"remove","path":"/x"}]},"policyName":"a"},)"
            R"({"overriders":{},"policyName":"b"}])");
  EXPECT_EQ(appliedOverridesAnnotation({}), "");
}

}  // namespace
}  // namespace flotilla::policies
