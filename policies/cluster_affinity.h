// ClusterMatches (karmada.md §2c): whether a Cluster satisfies a ClusterAffinity. Shared by
// placement filtering, OverridePolicy targetCluster, StaticWeight rules, PriceBook rules and
// ClusterTaintPolicy targets. All criteria are ANDed: not excluded, labelSelector matches the
// cluster labels, fieldSelector matches provider/region/zones, and clusterNames is empty or
// lists the cluster.
#pragma once

#include "api/cluster_types.h"
#include "api/policy_types.h"

namespace flotilla::policies {

bool clusterMatches(const api::Cluster& cluster, const api::ClusterAffinity& affinity);

}  // namespace flotilla::policies
