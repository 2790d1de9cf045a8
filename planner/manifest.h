// Rendering the member copy of a template for one target cluster, in the binding controller's
// order (karmada.md §1.5, §2b, §2f): drop server-populated fields, write the scheduled replica
// count (ReviseReplica, for kinds with a replica hook), then apply Cluster/OverridePolicies.
// Karmada's bookkeeping labels and annotations (permanent ids, Work names) are added by the
// binding controller when it wraps the manifest in a Work; a plan shows the workload itself.
#pragma once

#include <cstdint>
#include <vector>

#include "api/cluster_types.h"
#include "api/policy_types.h"
#include "core/status.h"

namespace flotilla::planner {

// Removes metadata the member must not inherit (uid, resourceVersion, generation, timestamps,
// managedFields, ownerReferences, finalizers, selfLink), `status`, and the kind-specific fields
// Karmada prunes (Deployment revision annotations, Service clusterIP(s) unless headless).
void pruneForMember(api::Json& object);

core::Result<api::Json> renderManifest(const api::Json& templ, bool revise_replicas,
                                       int32_t replicas, const api::Cluster& cluster,
                                       const std::vector<api::OverridePolicy>& cops,
                                       const std::vector<api::OverridePolicy>& ops);

}  // namespace flotilla::planner
