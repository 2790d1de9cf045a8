// Graceful eviction bookkeeping on a binding (karmada.md §1.4 GracefulEvictionTask, §2e).
//
// Evicting a cluster moves it from spec.clusters into spec.gracefulEvictionTasks; the scheduler
// then places the workload elsewhere (its ClusterEviction filter keeps it off the evicted cluster)
// and, depending on the task's purge mode, the binding controller keeps or drops the old Work:
//  * Directly   — the old copy goes at once (for workloads that must never run twice);
//  * Gracefully — the old copy stays until the new placement is healthy or the grace period ends;
//  * Never      — the old copy stays until a person removes the task (or sets suppressDeletion).
// The graceful-eviction controller assesses the tasks: it stamps creationTimestamp on new ones and
// drops a task once its rule says the old copy is no longer needed.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/work_types.h"

namespace flotilla::failover {

inline constexpr const char* kPurgeDirectly = "Directly";
inline constexpr const char* kPurgeGracefully = "Gracefully";
inline constexpr const char* kPurgeNever = "Never";
inline constexpr const char* kProducerTaintManager = "TaintManager";

// Maps the deprecated spellings (Immediately, Graciously) and empty (= Gracefully).
std::string normalizePurgeMode(const std::string& mode);

struct EvictionRequest {
  std::string cluster;
  std::string purge_mode;  // normalized by evictCluster
  std::string reason = api::kEvictionReasonTaintUntolerated;
  std::string producer = kProducerTaintManager;
  std::string message;
  std::optional<int32_t> grace_period_seconds;  // Gracefully only
};

// Karmada's GracefulEvictCluster: removes `request.cluster` from `clusters` and appends a task
// (with the replicas it had and the clusters before failover) unless one for that cluster exists.
// Never tasks get suppressDeletion=true. Returns true when anything changed.
bool evictCluster(std::vector<api::TargetCluster>& clusters,
                  std::vector<api::GracefulEvictionTask>& tasks, const EvictionRequest& request);

// Clusters whose Work must be kept although they left spec.clusters: the fromCluster of every task
// whose purge mode is not Directly.
std::set<std::string> clustersKeptByEviction(const std::vector<api::GracefulEvictionTask>& tasks);

// What the graceful-eviction controller knows about the new placement.
struct PlacementHealth {
  bool scheduled = false;                     // schedulerObservedGeneration == generation
  std::vector<std::string> clusters;          // spec.clusters
  std::map<std::string, std::string> health;  // aggregatedStatus: cluster -> Healthy/...
};

struct TaskAssessment {
  std::vector<api::GracefulEvictionTask> kept;
  std::vector<std::string> dropped;           // fromCluster of the tasks removed
  std::optional<std::chrono::seconds> recheck_after;  // earliest pending timeout
  bool changed = false;
};

// Karmada's assessEvictionTasks, task by task:
//  * no creationTimestamp → stamp `now`, keep;
//  * suppressDeletion true → keep; false → drop;
//  * purge mode Never → keep (until a person removes it);
//  * older than its gracePeriodSeconds (else `default_timeout`) → drop;
//  * the binding is scheduled and every cluster of a non-empty spec.clusters reports Healthy →
//    drop (unlike Karmada, an empty placement never counts as healthy: with nowhere to go the old
//    copy stays until the timeout);
//  * otherwise keep, and recheck at the earliest timeout.
TaskAssessment assessEvictionTasks(const std::vector<api::GracefulEvictionTask>& tasks,
                                   const PlacementHealth& placement,
                                   std::chrono::system_clock::time_point now,
                                   std::chrono::seconds default_timeout);

}  // namespace flotilla::failover
