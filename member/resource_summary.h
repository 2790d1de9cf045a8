// The resource summary of a member cluster, as Karmada's cluster-status controller reports it in
// Cluster.status.resourceSummary (karmada.md §1.3): allocatable = sum of node allocatable;
// allocated = effective requests of bound, unfinished pods plus their count ("pods");
// allocating = the same for pods not yet bound to a node; and, when the Cluster has resource
// models, how many nodes' free resources fall into each grade. Pure: the caller lists the nodes
// and pods (from a member's API or the simulator's cache) and passes them in, so the federation's
// cluster-status controller and the simulator compute the same numbers.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "api/cluster_types.h"

namespace flotilla::member {

// `models` are Cluster.spec.resourceModels (possibly empty: no allocatableModelings then).
// Quantities are written in Kubernetes' canonical form: binary units for memory and storage
// ("96Gi"), decimal for cpu and counts ("23500m", "110").
api::ResourceSummary summarizeResources(const std::vector<nlohmann::json>& nodes,
                                        const std::vector<nlohmann::json>& pods,
                                        const std::vector<api::ResourceModel>& models = {});

}  // namespace flotilla::member
