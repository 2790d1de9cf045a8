// ClusterTaintPolicy evaluation (karmada.md §1.8): which taints a Cluster should carry given its
// status conditions and the policies that target it. For each policy whose targetClusters match
// (nil = every cluster): when all addOnConditions hold its taints are added (a taint is "the same"
// when key and effect match; an existing one keeps its value and timeAdded), then, when all
// removeOnConditions hold, its taints are removed. An empty condition list never holds. A
// condition type the cluster does not report never holds either (neither In nor NotIn), so a
// fresh cluster without conditions is left alone. Deleting a policy never removes taints: this
// function only sees the policies that exist.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "api/cluster_types.h"
#include "api/policy_types.h"

namespace flotilla::failover {

// True when every match condition holds for `conditions` (false for an empty list).
bool conditionsMatch(const std::vector<api::Condition>& conditions,
                     const std::vector<api::MatchCondition>& match);

// The cluster's spec.taints after applying `policies` in order (callers pass them sorted by
// name so the result is deterministic). Added taints get timeAdded = `now` (the taint manager
// counts tolerationSeconds from it).
std::vector<api::Taint> applyTaintPolicies(const api::Cluster& cluster,
                                           std::span<const api::ClusterTaintPolicy> policies,
                                           const std::string& now);

}  // namespace flotilla::failover
