// ClusterMatches (karmada.md §2c): whether a Cluster satisfies a ClusterAffinity. The one
// implementation Flotilla has, shared by placement filtering, overflow tiers, StaticWeight rules,
// PriceBook rules (all through the scheduler's model) and OverridePolicy targetCluster /
// ClusterTaintPolicy targets (through the API types). All criteria are ANDed: not excluded,
// labelSelector matches the cluster labels, fieldSelector matches provider/region/zones, and
// clusterNames is empty or lists the cluster.
//
// Matching runs on a compiled affinity (selectors parsed once) against a ClusterFacts view, so
// the scheduler can match thousands of clusters per decision without touching JSON.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/cluster_types.h"
#include "api/policy_types.h"
#include "apimachinery/label_selector.h"
#include "core/status.h"

namespace flotilla::policies {

// A ClusterAffinity with its selectors parsed into requirements (ANDed; an empty list selects
// every cluster, as both a nil and an empty labelSelector do). `field_selector` keys are
// provider, region and zone (validation restricts them; other keys match like absent labels).
struct CompiledClusterAffinity {
  std::vector<apimachinery::Requirement> label_selector;
  std::vector<apimachinery::Requirement> field_selector;
  std::vector<std::string> cluster_names;
  std::vector<std::string> exclude;
};

// What ClusterMatches reads of a cluster; the referenced objects must outlive the view.
struct ClusterFacts {
  const std::string& name;
  const std::map<std::string, std::string>& labels;
  const std::string& provider;
  const std::string& region;
  const std::vector<std::string>& zones;  // spec.zones including the deprecated spec.zone
};

bool clusterMatches(const ClusterFacts& cluster, const CompiledClusterAffinity& affinity);

// Parses the selectors. InvalidArgument (with causes whose field paths are relative to the
// affinity, e.g. "fieldSelector.matchExpressions[0].operator") when the label selector is invalid
// or a field expression uses an operator NodeSelectorRequirement does not have. Keys and the
// In/NotIn restriction are the webhook's business (planner::toAffinity reports them).
core::Result<CompiledClusterAffinity> compileClusterAffinity(const api::ClusterAffinity& affinity);

// Convenience over the API types: compiles, then matches; an invalid affinity matches nothing.
bool clusterMatches(const api::Cluster& cluster, const api::ClusterAffinity& affinity);

}  // namespace flotilla::policies
