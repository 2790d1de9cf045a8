// ReplicaEstimator: "how many more replicas of this shape fit into that cluster?". The scheduler
// asks every registered estimator and keeps the per-cluster minimum (karmada.md §2h); an
// estimator that cannot answer returns kUnauthentic and is ignored. The general estimator answers
// from the cluster's reported resource summary; an accurate, member-side estimator (node-level
// view) implements the same interface later and is simply added to the list.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>

#include "estimator/resources.h"

namespace flotilla::estimator {

// "Cannot estimate, ignore me."
inline constexpr int32_t kUnauthentic = -1;
inline constexpr int32_t kUnbounded = std::numeric_limits<int32_t>::max();

class ReplicaEstimator {
 public:
  virtual ~ReplicaEstimator() = default;
  virtual std::string_view name() const = 0;
  // Maximum number of replicas with `requirements` (nullptr = no requirements) that fit in the
  // cluster, or kUnauthentic. The name lets a member-side estimator find its cluster.
  virtual int32_t maxAvailableReplicas(std::string_view cluster_name,
                                       const ClusterResources& cluster,
                                       const ReplicaRequirements* requirements) const = 0;
};
using ReplicaEstimatorPtr = std::unique_ptr<ReplicaEstimator>;

// Merges all estimators the way Karmada's scheduler does: the minimum over answers that are not
// kUnauthentic; when nothing constrained the cluster the answer is `spec_replicas`.
int32_t estimateReplicas(std::span<const ReplicaEstimator* const> estimators,
                         std::string_view cluster_name, const ClusterResources& cluster,
                         const ReplicaRequirements* requirements, int32_t spec_replicas);

}  // namespace flotilla::estimator
