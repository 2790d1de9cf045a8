// The two predicates that decide whether a placement can name a cluster at all, over the
// scheduler's model: ClusterMatches (karmada.md §2c; the implementation is policies'
// clusterMatches, shared with OverridePolicy targets, so there is exactly one) and toleration
// matching. Used by the affinity filter, static weights, overflow tiers and PriceBook rules.
#pragma once

#include <vector>

#include "policies/cluster_affinity.h"
#include "scheduler/model.h"

namespace flotilla::scheduler {

inline bool clusterMatches(const Cluster& cluster, const ClusterAffinity& affinity) {
  return policies::clusterMatches(
      policies::ClusterFacts{cluster.name, cluster.labels, cluster.provider, cluster.region,
                             cluster.zones},
      affinity);
}

// Standard Kubernetes ToleratesTaint with Lt/Gt disabled (Karmada rejects them).
bool tolerates(const Toleration& toleration, const Taint& taint);
bool isTolerated(const std::vector<Toleration>& tolerations, const Taint& taint);

}  // namespace flotilla::scheduler
