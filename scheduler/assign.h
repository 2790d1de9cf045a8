// The assign step (karmada.md §2c "Assign"): turns the selected clusters into spec.clusters.
// Duplicated gives every cluster all replicas; Divided splits them with Webster by static weights
// (previous result ignored), or by available replicas (dynamic weight) and Aggregated, which
// respect the previous result in Steady mode (scale up adds, scale down shrinks proportionally,
// equal keeps) and start over in Fresh mode. Overflow tiers fill in order.
//
// Flotilla's one deliberate ordering change: Aggregated packs clusters by CostScore before
// availability, so priced placements fill cheaper clusters first. Without PriceBooks every
// CostScore is 0 and the order — hence the result — is Karmada's.
#pragma once

#include <span>
#include <vector>

#include "core/status.h"
#include "scheduler/framework.h"

namespace flotilla::scheduler {

// The assignment; a FailedPrecondition status carries Karmada's message when it cannot be done
// (e.g. "Clusters available replicas 4 are not enough to schedule."), with `needed` and
// `available` filled for the summary.
struct AssignOutcome {
  core::Status status;
  std::vector<TargetCluster> clusters;  // sorted by name; zero-replica entries dropped
  int64_t needed = 0;
  int64_t available = 0;
};

AssignOutcome assignReplicas(const Binding& binding, std::span<const Candidate> selected,
                             bool keep_empty = false);

// Static weight of each candidate: max weight among matching staticWeightList rules, all 1 when
// no rule matches any candidate (or there is no weight preference). Zero-weight clusters get no
// replicas.
std::vector<int64_t> staticWeights(const Placement& placement,
                                   std::span<const Candidate> candidates);

// The dynamic-weight / Aggregated algorithm over one set of candidates.
AssignOutcome assignDynamic(const Binding& binding, std::span<const Candidate> candidates,
                            int32_t replicas, bool aggregated);

}  // namespace flotilla::scheduler
