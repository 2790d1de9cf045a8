// The scheduler: one pure function from (binding, cluster snapshot) to a placement, as
// karmada-scheduler's genericScheduler computes it (karmada.md §2c–§2e): filter → score → select
// → assign, tried per scheduling group (clusterAffinities) with fallback, with overflow tiers.
// The same inputs give the same result byte for byte (filters run in a fixed order, every sort has
// a total order, Webster ties break by name).
//
// Every decision is explainable: each cluster's feasibility, the reason it was rejected, its score,
// available replicas and replica price; a failed decision carries a summary such as
// "0/5 clusters fit: 2 untolerated taint cluster.karmada.io/not-ready, 3 insufficient capacity
// (need 6, available 4)".
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "estimator/replica_estimator.h"
#include "scheduler/cost_model.h"
#include "scheduler/framework.h"
#include "scheduler/model.h"

namespace flotilla::scheduler {

inline constexpr const char* kReasonNoClusterFit = "NoClusterFit";
inline constexpr const char* kReasonUnschedulable = "Unschedulable";

struct SchedulerOptions {
  // Plugin names to leave out (Karmada's --plugins=-Name).
  std::vector<std::string> disabled_plugins;
  // Score weights by plugin name; unlisted plugins weigh 1.
  std::map<std::string, int64_t> score_weights;
  // Karmada's --enable-empty-workload-propagation.
  bool empty_workload_propagation = false;
};

struct ClusterExplanation {
  std::string name;
  bool feasible = false;
  std::string plugin;  // the filter that rejected it
  std::string reason;  // why it was rejected
  int64_t score = 0;
  int32_t available_replicas = 0;
  ReplicaPrice price;  // unpriced when no PriceBook rule matched
};

struct PlacementCost {
  std::string currency;
  int64_t hourly_micros = 0;
  std::map<std::string, int64_t> clusters;  // cluster -> hourly micro-units
  std::vector<std::string> unpriced;        // placed clusters no PriceBook prices
};

struct ScheduleResult {
  bool scheduled = false;
  std::string reason;   // kReasonNoClusterFit / kReasonUnschedulable when not scheduled
  std::string message;  // summary
  std::vector<TargetCluster> clusters;  // sorted by name
  std::string affinity_name;            // the scheduling group used (clusterAffinities)
  std::vector<ClusterExplanation> explain;  // one per cluster in the snapshot, by name
  std::optional<PlacementCost> cost;        // when any PriceBook exists
};

class Scheduler {
 public:
  // `estimators` and `cost` must outlive the scheduler; `cost` may be nullptr.
  Scheduler(SchedulerOptions options, std::vector<const estimator::ReplicaEstimator*> estimators,
            const CostModel* cost, const Registry& registry = Registry::builtin());

  ScheduleResult schedule(const Binding& binding, std::span<const Cluster> clusters) const;

 private:
  struct Attempt;
  Attempt scheduleGroup(const Binding& binding, std::span<const Cluster> clusters,
                        const AffinityTerm* term) const;

  SchedulerOptions options_;
  std::vector<const estimator::ReplicaEstimator*> estimators_;
  const CostModel* cost_;
  std::vector<FilterPluginPtr> filters_;
  std::vector<std::pair<ScorePluginPtr, int64_t>> scores_;
  bool cost_enabled_ = false;
};

}  // namespace flotilla::scheduler
