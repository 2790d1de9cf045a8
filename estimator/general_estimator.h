// The general estimator: estimates from `cluster.status.resourceSummary` alone (karmada.md §2h).
// allowedPods = allocatable.pods − allocated.pods − allocating.pods bounds every answer; with
// allocatable modelings (and resource models) it counts replicas on virtual nodes built from the
// grade minimums, otherwise it divides free resources (allocatable − allocated − allocating) by
// the request.
#pragma once

#include <optional>

#include "estimator/replica_estimator.h"

namespace flotilla::estimator {

class GeneralEstimator final : public ReplicaEstimator {
 public:
  static constexpr std::string_view kName = "GeneralEstimator";
  // `resource_modeling` mirrors the CustomizedClusterResourceModeling feature gate (default on).
  explicit GeneralEstimator(bool resource_modeling = true) : resource_modeling_(resource_modeling) {}
  std::string_view name() const override { return kName; }
  int32_t maxAvailableReplicas(std::string_view cluster_name, const ClusterResources& cluster,
                               const ReplicaRequirements* requirements) const override;

 private:
  bool resource_modeling_;
};

// Summary-based estimate: min over requested resources of floor(free / request), bounded by
// allowed_pods. CPU divides milli-units; other resources divide whole units (rounded up, as
// Quantity.Value() does).
int64_t summaryEstimate(const ResourceSummary& summary, const ResourceList& request,
                        int64_t allowed_pods);

// Resource-model estimate (v1.18+ semantics): one virtual node per counted node of each grade,
// with the grade's range minimums as capacity plus 110 pods; replicas are placed first-fit.
// nullopt when the models cannot answer (no models, or a requested resource the models do not
// describe), in which case the caller falls back to the summary-based estimate.
std::optional<int64_t> modelEstimate(const ResourceSummary& summary,
                                     const std::vector<ResourceModel>& models,
                                     const ResourceList& request, int64_t allowed_pods);

}  // namespace flotilla::estimator
