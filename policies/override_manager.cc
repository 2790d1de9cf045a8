#include "policies/override_manager.h"

#include <algorithm>

#include "policies/cluster_affinity.h"
#include "policies/overriders.h"
#include "policies/policy_matcher.h"

namespace flotilla::policies {

namespace {

std::string objectNamespace(const api::Json& object) {
  if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) {
    return "";
  }
  return object["metadata"].value("namespace", "");
}

}  // namespace

std::vector<size_t> orderedApplicablePolicies(const api::Json& object,
                                              const std::vector<api::OverridePolicy>& policies) {
  std::vector<std::pair<ImplicitPriority, size_t>> keep;
  for (size_t i = 0; i < policies.size(); ++i) {
    const auto& selectors = policies[i].spec.resource_selectors;
    // Empty selectors mean "all resources", ranked like a match-all selector.
    ImplicitPriority p =
        selectors.empty() ? ImplicitPriority::MatchAll : implicitPriority(object, selectors);
    if (p != ImplicitPriority::Mismatch) keep.emplace_back(p, i);
  }
  std::stable_sort(keep.begin(), keep.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return policies[a.second].metadata.name < policies[b.second].metadata.name;
  });
  std::vector<size_t> out;
  for (const auto& [p, i] : keep) out.push_back(i);
  return out;
}

core::Result<OverrideResult> applyOverridePolicies(const api::Json& object,
                                                   const api::Cluster& cluster,
                                                   const std::vector<api::OverridePolicy>& cops,
                                                   const std::vector<api::OverridePolicy>& ops) {
  OverrideResult result;
  result.object = object;
  auto apply_group = [&](const std::vector<api::OverridePolicy>& group,
                         std::vector<AppliedOverride>& applied) -> core::Status {
    for (size_t idx : orderedApplicablePolicies(result.object, group)) {
      const auto& policy = group[idx];
      const auto rules = policy.spec.effectiveRules();
      for (size_t r = 0; r < rules.size(); ++r) {
        const auto& rule = rules[r];
        if (rule.target_cluster && !clusterMatches(cluster, *rule.target_cluster)) continue;
        auto st = applyOverriders(result.object, rule.overriders);
        if (!st) {
          return st.withContext("failed to apply " + policy.kind + " " +
                                (policy.metadata.namespace_.empty()
                                     ? policy.metadata.name
                                     : policy.metadata.namespace_ + "/" + policy.metadata.name) +
                                " rule " + std::to_string(r) + " for cluster " +
                                cluster.metadata.name);
        }
        applied.push_back({policy.metadata.name, rule.overriders});
      }
    }
    return core::Status::ok();
  };
  FLOTILLA_RETURN_IF_ERROR(apply_group(cops, result.cluster_overrides));
  const std::string ns = objectNamespace(object);
  if (!ns.empty()) {
    std::vector<api::OverridePolicy> same_ns;
    for (const auto& op : ops) {
      if (op.metadata.namespace_ == ns) same_ns.push_back(op);
    }
    FLOTILLA_RETURN_IF_ERROR(apply_group(same_ns, result.overrides));
  }
  return result;
}

std::string appliedOverridesAnnotation(const std::vector<AppliedOverride>& applied) {
  if (applied.empty()) return "";
  std::vector<AppliedOverride> sorted = applied;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.policy_name < b.policy_name; });
  api::Json list = api::Json::array();
  for (const auto& a : sorted) {
    list.push_back({{"policyName", a.policy_name}, {"overriders", api::toJson(a.overriders)}});
  }
  return api::safeDump(list);
}

}  // namespace flotilla::policies
