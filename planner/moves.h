// What a plan changes for one workload compared with the live control plane: the "what will my PR
// do" part of `flotilla plan --live-kubeconfig`. Given the binding's current spec.clusters and
// the planned clusters, it lists clusters added and removed, replica changes on clusters kept,
// and the hourly cost before and after. Both costs use the plan's PriceBooks (the per-replica
// price the scheduler computed for every cluster), so the difference is what the moves cost, not
// a change of prices. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scheduler/scheduler.h"

namespace flotilla::planner {

struct ReplicaChange {
  std::string name;
  int32_t before = 0;
  int32_t after = 0;
  bool operator==(const ReplicaChange&) const = default;
};

struct MoveCost {
  std::string currency;
  int64_t hourly_before_micros = 0;
  int64_t hourly_after_micros = 0;
  // Clusters of either side that no PriceBook prices (their replicas are not in the sums).
  std::vector<std::string> unpriced;
};

struct Moves {
  bool bound = false;  // the live host had a binding (false: the workload is new)
  std::vector<scheduler::TargetCluster> added;    // sorted by name
  std::vector<scheduler::TargetCluster> removed;  // sorted by name, with the replicas they lose
  std::vector<ReplicaChange> changed;             // kept clusters whose replicas change
  std::optional<MoveCost> cost;                   // workloads, when PriceBooks exist
  bool none() const { return added.empty() && removed.empty() && changed.empty(); }
};

// `before` and `after` are spec.clusters lists (any order; duplicate names are summed);
// `explain` is the scheduler's per-cluster explanation, sorted by name, whose prices cost both
// sides; `priced` says whether any PriceBook exists.
Moves computeMoves(bool bound, std::span<const scheduler::TargetCluster> before,
                   std::span<const scheduler::TargetCluster> after, bool workload, bool priced,
                   std::span<const scheduler::ClusterExplanation> explain);

// "+b:2 -a:3 c:2→4", "=" when nothing moves; replicas are left out for non-workloads.
std::string movesSummary(const Moves& moves, bool workload);

}  // namespace flotilla::planner
