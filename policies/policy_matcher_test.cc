#include "policies/policy_matcher.h"

#include <gtest/gtest.h>

#include "api/yaml.h"

namespace flotilla::policies {
namespace {

using api::Json;
using api::PropagationPolicy;

Json deployment(const std::string& ns, const std::string& name, Json labels = Json::object()) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}}}};
}

api::ResourceSelector selector(const std::string& name = "", Json label_selector = nullptr,
                               const std::string& ns = "", const std::string& kind = "Deployment",
                               const std::string& api_version = "apps/v1") {
  api::ResourceSelector s;
  s.api_version = api_version;
  s.kind = kind;
  s.name = name;
  s.namespace_ = ns;
  if (!label_selector.is_null()) s.label_selector = label_selector;
  return s;
}

PropagationPolicy policy(const std::string& name, std::vector<api::ResourceSelector> selectors,
                         std::optional<int32_t> priority = std::nullopt, bool cluster = false,
                         const std::string& ns = "default") {
  PropagationPolicy p;
  p.kind = cluster ? "ClusterPropagationPolicy" : "PropagationPolicy";
  p.metadata.name = name;
  if (!cluster) p.metadata.namespace_ = ns;
  p.metadata.labels[cluster ? kCPPPermanentIdLabel : kPPPermanentIdLabel] = "id-" + name;
  p.spec.resource_selectors = std::move(selectors);
  p.spec.priority = priority;
  return p;
}

TEST(SelectorPriority, Table) {
  const Json app = deployment("default", "nginx", {{"app", "nginx"}});
  struct Row {
    const char* name;
    api::ResourceSelector sel;
    ImplicitPriority want;
  };
  const Row rows[] = {
      {"name_match", selector("nginx"), ImplicitPriority::MatchName},
      {"name_mismatch", selector("other"), ImplicitPriority::Mismatch},
      {"name_wins_over_failing_label_selector",
       selector("nginx", {{"matchLabels", {{"app", "x"}}}}), ImplicitPriority::MatchName},
      {"match_all", selector(), ImplicitPriority::MatchAll},
      {"label_selector_match", selector("", {{"matchLabels", {{"app", "nginx"}}}}),
       ImplicitPriority::MatchLabelSelector},
      {"label_selector_mismatch", selector("", {{"matchLabels", {{"app", "x"}}}}),
       ImplicitPriority::Mismatch},
      {"empty_label_selector_matches", selector("", Json::object()),
       ImplicitPriority::MatchLabelSelector},
      {"unparsable_label_selector_mismatch",
       selector("", {{"matchExpressions", {{{"key", "app"}, {"operator", "In"}}}}}),
       ImplicitPriority::Mismatch},
      {"namespace_match", selector("", nullptr, "default"), ImplicitPriority::MatchAll},
      {"namespace_mismatch", selector("", nullptr, "other"), ImplicitPriority::Mismatch},
      {"kind_mismatch", selector("", nullptr, "", "StatefulSet"), ImplicitPriority::Mismatch},
      {"api_version_string_compare", selector("", nullptr, "", "Deployment", "extensions/v1beta1"),
       ImplicitPriority::Mismatch},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(selectorPriority(app, r.sel), r.want) << r.name;
  }
  EXPECT_EQ(implicitPriority(app, {selector(), selector("nginx")}), ImplicitPriority::MatchName);
  EXPECT_EQ(implicitPriority(app, {}), ImplicitPriority::Mismatch);
}

TEST(ReservedNamespaces, Table) {
  struct Row {
    const char* name;
    Json object;
    bool skip;
  };
  Json claimed = deployment("default", "svc", {{kClaimedByLabel, "MultiClusterService"}});
  Json ext = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", {{"namespace", "kube-system"}, {"name", "extension-apiserver-authentication"}}}};
  const Row rows[] = {
      {"karmada_system", deployment("karmada-system", "a"), true},
      {"karmada_cluster", deployment("karmada-cluster", "a"), true},
      {"execution_namespace", deployment("karmada-es-member1", "a"), true},
      {"kube_prefix_default_flag", deployment("kube-public", "a"), true},
      {"ordinary", deployment("default", "a"), false},
      {"claimed_by_mcs", claimed, true},
      {"extension_apiserver_authentication", ext, true},
  };
  for (const auto& r : rows) EXPECT_EQ(shouldSkipTemplate(r.object), r.skip) << r.name;
  EXPECT_FALSE(shouldSkipTemplate(deployment("kube-public", "a"), SkipOptions{{}}));
}

TEST(HighestPriority, Table) {
  const Json app = deployment("default", "nginx", {{"app", "nginx"}});
  const Json by_label = {{"matchLabels", {{"app", "nginx"}}}};
  struct Row {
    const char* name;
    std::vector<PropagationPolicy> policies;
    std::optional<std::string> want;
  };
  PropagationPolicy deleting = policy("a-deleting", {selector("nginx")}, 100);
  deleting.metadata.deletion_timestamp = "2026-01-01T00:00:00Z";
  const Row rows[] = {
      {"explicit_priority_beats_implicit",
       {policy("by-name", {selector("nginx")}, 1), policy("all", {selector()}, 5)},
       "all"},
      {"implicit_name_beats_label",
       {policy("label", {selector("", by_label)}), policy("name", {selector("nginx")})},
       "name"},
      {"implicit_label_beats_all",
       {policy("all", {selector()}), policy("label", {selector("", by_label)})},
       "label"},
      {"name_tiebreak_smaller_wins",
       {policy("b", {selector("nginx")}), policy("a", {selector("nginx")})},
       "a"},
      {"nil_priority_is_zero",
       {policy("nil", {selector("nginx")}), policy("zero", {selector("nginx")}, 0)},
       "nil"},
      {"negative_priority_loses",
       {policy("neg", {selector("nginx")}, -1), policy("all", {selector()})},
       "all"},
      {"deleting_skipped", {deleting, policy("b", {selector()})}, "b"},
      {"mismatch_only", {policy("x", {selector("other")})}, std::nullopt},
      {"bytewise_name_order_uppercase_first",
       {policy("b", {selector()}), policy("B", {selector()})},
       "B"},
  };
  for (const auto& r : rows) {
    auto got = highestPriorityPolicy(app, r.policies);
    if (!r.want) {
      EXPECT_FALSE(got.has_value()) << r.name;
      continue;
    }
    ASSERT_TRUE(got.has_value()) << r.name;
    EXPECT_EQ(r.policies[*got].metadata.name, *r.want) << r.name;
  }
}

TEST(Claims, WriteReadRemove) {
  Json obj = deployment("default", "nginx");
  auto pp = policy("pp", {selector()});
  claimTemplate(obj, pp);
  auto c = claimOf(obj);
  EXPECT_EQ(c.kind, Claim::Kind::PropagationPolicy);
  EXPECT_EQ(c.namespace_, "default");
  EXPECT_EQ(c.name, "pp");
  EXPECT_EQ(c.permanent_id, "id-pp");
  auto cpp = policy("cpp", {selector()}, std::nullopt, true);
  claimTemplate(obj, cpp);
  c = claimOf(obj);
  EXPECT_EQ(c.kind, Claim::Kind::ClusterPropagationPolicy);
  EXPECT_EQ(c.name, "cpp");
  EXPECT_FALSE(obj["metadata"]["annotations"].contains(kPPNameAnnotation));
  unclaimTemplate(obj);
  EXPECT_EQ(claimOf(obj).kind, Claim::Kind::None);
  // A PP claim needs all three keys.
  Json partial = deployment("default", "nginx");
  partial["metadata"]["annotations"] = {{kPPNameAnnotation, "pp"}};
  partial["metadata"]["labels"] = {{kPPPermanentIdLabel, "id"}};
  EXPECT_EQ(claimOf(partial).kind, Claim::Kind::None);
}

PropagationPolicy preemptive(PropagationPolicy p) {
  p.spec.preemption = api::kPreemptAlways;
  return p;
}

TEST(Preemption, Table) {
  const Json app = deployment("default", "nginx");
  struct Row {
    const char* name;
    PropagationPolicy preemptor, current;
    bool gate;
    bool want;
  };
  auto pp = [](const char* n, int32_t p) { return policy(n, {selector("nginx")}, p); };
  auto cpp = [](const char* n, int32_t p) {
    return policy(n, {selector("nginx")}, p, /*cluster=*/true);
  };
  const Row rows[] = {
      {"pp_higher_preempts_pp", preemptive(pp("hi", 5)), pp("lo", 1), true, true},
      {"pp_equal_does_not_preempt_pp", preemptive(pp("hi", 1)), pp("lo", 1), true, false},
      {"pp_preempts_cpp_regardless", preemptive(pp("hi", -5)), cpp("c", 100), true, true},
      {"cpp_higher_preempts_cpp", preemptive(cpp("hi", 2)), cpp("lo", 1), true, true},
      {"cpp_never_preempts_pp", preemptive(cpp("hi", 100)), pp("lo", 1), true, false},
      {"gate_off", preemptive(pp("hi", 5)), pp("lo", 1), false, false},
      {"preemption_never", pp("hi", 5), pp("lo", 1), true, false},
      {"implicit_priority_ignored", preemptive(policy("all", {selector()}, 1)), pp("lo", 1), true,
       false},
      {"non_matching_preemptor", preemptive(policy("x", {selector("other")}, 9)), pp("lo", 1), true,
       false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(canPreempt(app, r.preemptor, r.current, r.gate), r.want) << r.name;
  }
}

TEST(Preemption, RequeueOnPriorityDrop) {
  std::vector<PropagationPolicy> ps = {
      preemptive(policy("p3", {selector()}, 3)), preemptive(policy("p7", {selector()}, 7)),
      policy("n5", {selector()}, 5), preemptive(policy("p10", {selector()}, 10)),
      preemptive(policy("p1", {selector()}, 1))};
  auto got = preemptorsToRequeue(10, 1, ps);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(ps[got[0]].metadata.name, "p7");
  EXPECT_EQ(ps[got[1]].metadata.name, "p3");
  EXPECT_TRUE(preemptorsToRequeue(1, 10, ps).empty());
}

TEST(MatchTemplate, DetectorOrder) {
  using O = MatchDecision::Outcome;
  const Json fresh = deployment("default", "nginx");
  Json claimed_pp = fresh;
  claimTemplate(claimed_pp, policy("old", {selector()}));
  Json claimed_cpp = fresh;
  claimTemplate(claimed_cpp, policy("cold", {selector()}, std::nullopt, true));
  struct Row {
    const char* name;
    Json object;
    std::vector<PropagationPolicy> pps, cpps;
    bool gate;
    O outcome;
    std::string policy;
    bool cluster_scoped, cleanup;
  };
  auto cpp = [](const char* n, std::optional<int32_t> p, std::vector<api::ResourceSelector> s) {
    return policy(n, std::move(s), p, true);
  };
  const Row rows[] = {
      {"pp_beats_cpp_regardless_of_priority",
       fresh,
       {policy("pp", {selector()}, -10)},
       {cpp("cpp", 100, {selector("nginx")})},
       false,
       O::ClaimNew,
       "pp",
       false,
       false},
      {"cpp_when_no_pp",
       fresh,
       {},
       {cpp("cpp", 0, {selector()})},
       false,
       O::ClaimNew,
       "cpp",
       true,
       false},
      {"pp_of_other_namespace_ignored",
       fresh,
       {policy("pp", {selector()}, 0, false, "other")},
       {},
       false,
       O::NoMatch,
       "",
       false,
       false},
      {"no_match", fresh, {policy("pp", {selector("x")})}, {}, false, O::NoMatch, "", false, false},
      {"sticky_claim_against_higher_priority",
       claimed_pp,
       {policy("old", {selector()}), policy("better", {selector("nginx")}, 100)},
       {},
       false,
       O::KeepClaim,
       "old",
       false,
       false},
      {"sticky_cpp_claim_even_if_pp_appears",
       claimed_cpp,
       {policy("pp", {selector()})},
       {cpp("cold", std::nullopt, {selector()})},
       false,
       O::KeepClaim,
       "cold",
       true,
       false},
      {"claimed_policy_deleted_rematches",
       claimed_pp,
       {policy("other", {selector()})},
       {},
       false,
       O::ClaimNew,
       "other",
       false,
       true},
      {"claimed_policy_no_longer_matches",
       claimed_pp,
       {policy("old", {selector("x")}), policy("other", {selector()})},
       {},
       false,
       O::ClaimNew,
       "other",
       false,
       true},
      {"preempt_with_gate",
       claimed_pp,
       {policy("old", {selector()}, 1), preemptive(policy("hi", {selector("nginx")}, 2))},
       {},
       true,
       O::Preempted,
       "hi",
       false,
       false},
      {"pp_preempts_cpp_claim",
       claimed_cpp,
       {preemptive(policy("pp", {selector("nginx")}, -1))},
       {cpp("cold", 50, {selector()})},
       true,
       O::Preempted,
       "pp",
       false,
       false},
      {"reserved_namespace",
       deployment("karmada-system", "x"),
       {},
       {cpp("c", 0, {selector()})},
       false,
       O::Skipped,
       "",
       false,
       false},
  };
  for (const auto& r : rows) {
    MatchOptions opts;
    opts.preemption_gate_enabled = r.gate;
    auto d = matchTemplate(r.object, r.pps, r.cpps, opts);
    EXPECT_EQ(d.outcome, r.outcome) << r.name;
    EXPECT_EQ(d.cleanup_previous_claim, r.cleanup) << r.name;
    if (r.policy.empty()) {
      EXPECT_FALSE(d.policy.has_value()) << r.name;
      continue;
    }
    ASSERT_TRUE(d.policy.has_value()) << r.name;
    EXPECT_EQ(d.cluster_scoped, r.cluster_scoped) << r.name;
    const auto& list = d.cluster_scoped ? r.cpps : r.pps;
    EXPECT_EQ(list[*d.policy].metadata.name, r.policy) << r.name;
  }
}

TEST(DependentOverrides, Table) {
  auto pp = policy("pp", {selector()});
  pp.spec.dependent_overrides = {"op-a", "op-b"};
  auto cpp = policy("cpp", {selector()}, std::nullopt, true);
  cpp.spec.dependent_overrides = {"cop-a"};
  auto op = [](const char* name, const char* ns) {
    api::OverridePolicy o;
    o.kind = ns[0] ? "OverridePolicy" : "ClusterOverridePolicy";
    o.metadata.name = name;
    o.metadata.namespace_ = ns;
    return o;
  };
  struct Row {
    const char* name;
    const PropagationPolicy* policy;
    std::vector<api::OverridePolicy> existing;
    bool ok;
  };
  const Row rows[] = {
      {"all_present", &pp, {op("op-a", "default"), op("op-b", "default")}, true},
      {"one_missing", &pp, {op("op-a", "default")}, false},
      {"other_namespace_does_not_count", &pp, {op("op-a", "default"), op("op-b", "x")}, false},
      {"cpp_needs_cluster_override", &cpp, {op("cop-a", "default")}, false},
      {"cpp_satisfied", &cpp, {op("cop-a", "")}, true},
  };
  for (const auto& r : rows) {
    auto st = checkDependentOverrides(*r.policy, r.existing);
    EXPECT_EQ(st.isOk(), r.ok) << r.name;
    if (!r.ok) {
      EXPECT_EQ(st.code(), core::Code::Unavailable) << r.name;
    }
  }
}

}  // namespace
}  // namespace flotilla::policies
