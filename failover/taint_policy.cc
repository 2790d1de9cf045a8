#include "failover/taint_policy.h"

#include <algorithm>

#include "policies/cluster_affinity.h"

namespace flotilla::failover {

namespace {

bool sameTaint(const api::Taint& a, const api::TaintSpec& b) {
  return a.key == b.key && a.effect == b.effect;
}

}  // namespace

bool conditionsMatch(const std::vector<api::Condition>& conditions,
                     const std::vector<api::MatchCondition>& match) {
  if (match.empty()) return false;
  for (const auto& m : match) {
    auto it = std::find_if(conditions.begin(), conditions.end(),
                           [&](const api::Condition& c) { return c.type == m.condition_type; });
    if (it == conditions.end()) return false;
    const bool listed = std::find(m.status_values.begin(), m.status_values.end(), it->status) !=
                        m.status_values.end();
    if (m.operator_ == "In" && !listed) return false;
    if (m.operator_ == "NotIn" && listed) return false;
    if (m.operator_ != "In" && m.operator_ != "NotIn") return false;
  }
  return true;
}

std::vector<api::Taint> applyTaintPolicies(const api::Cluster& cluster,
                                           std::span<const api::ClusterTaintPolicy> policies,
                                           const std::string& now) {
  std::vector<api::Taint> taints = cluster.spec.taints;
  const auto& conditions = cluster.status.conditions;
  for (const auto& policy : policies) {
    const auto& spec = policy.spec;
    if (spec.target_clusters && !policies::clusterMatches(cluster, *spec.target_clusters)) {
      continue;
    }
    if (conditionsMatch(conditions, spec.add_on_conditions)) {
      for (const auto& t : spec.taints) {
        auto it = std::find_if(taints.begin(), taints.end(),
                               [&](const api::Taint& have) { return sameTaint(have, t); });
        if (it != taints.end()) continue;
        taints.push_back(api::Taint{t.key, t.value, t.effect, now});
      }
    }
    if (conditionsMatch(conditions, spec.remove_on_conditions)) {
      for (const auto& t : spec.taints) {
        std::erase_if(taints, [&](const api::Taint& have) { return sameTaint(have, t); });
      }
    }
  }
  return taints;
}

}  // namespace flotilla::failover
