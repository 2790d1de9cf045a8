// Scheduler controller. Watches ResourceBindings and ClusterResourceBindings whose
// `spec.schedulerName` is this scheduler's (empty = default-scheduler), plus Clusters and
// PriceBooks (the composition root re-queues unscheduled bindings when they change). When a
// binding's placement or replicas changed since the last decision (applied-placement annotation,
// schedulerObservedGeneration), it was never scheduled successfully, or a reschedule was
// requested, it runs the same scheduler `flotilla plan` uses (planner conversions +
// scheduler::Scheduler) over the cached clusters and writes `spec.clusters`, the
// `policy.karmada.io/applied-placement` and `estimator.flotilla.io/hourly-cost` annotations, then
// the `Scheduled` condition, `schedulerObservedGeneration`, `schedulerObservingAffinityName`
// and `lastScheduledTime`. A failed decision keeps the previous clusters, says why in the
// condition and in a Warning Event. Dependency bindings (`requiredBy`, no placement) follow the
// union of the clusters of the bindings that require them.
// Failover (karmada.md §2d, §2e): clusters named by `spec.gracefulEvictionTasks` are left out
// (ClusterEviction filter), a scheduling group that cannot fit falls through to the next
// clusterAffinities term starting from `schedulerObservingAffinityName` (never back on its own),
// and `spec.rescheduleTriggeredAt` later than `lastScheduledTime` (`flotilla failback`) starts a
// Fresh decision from the first group.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/client.h"
#include "client/indexer.h"
#include "core/clock.h"
#include "runtime/event_recorder.h"
#include "runtime/own_writes.h"
#include "runtime/reconciler.h"
#include "scheduler/scheduler.h"

namespace flotilla::controllers {

struct SchedulerCaches {
  const client::Indexer* resource_bindings = nullptr;
  const client::Indexer* cluster_resource_bindings = nullptr;
  const client::Indexer* clusters = nullptr;
  const client::Indexer* price_books = nullptr;  // optional
};

struct SchedulerControllerOptions {
  std::string scheduler_name = "default-scheduler";
  scheduler::SchedulerOptions scheduler;
  std::chrono::milliseconds unschedulable_retry{15000};
};

class SchedulerController final : public runtime::Reconciler {
 public:
  SchedulerController(client::ClientPtr host, SchedulerCaches caches,
                      std::shared_ptr<runtime::EventRecorder> events, core::ClockPtr clock,
                      SchedulerControllerOptions options = {});
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  core::Result<runtime::ReconcileResult> scheduleDependency(const client::ObjectPtr& cached);
  // The scheduler's view of a cached Cluster, converted once per Cluster version: decoding a
  // Cluster (its status lists every API resource) costs more than a scheduling decision, and a
  // burst of bindings would otherwise decode every Cluster once per binding. Null when the
  // Cluster does not convert.
  std::shared_ptr<const scheduler::Cluster> convertedCluster(const client::ObjectPtr& obj);
  // Every converted Cluster, sorted by name: built once per set of Cluster versions, not copied
  // and sorted for every binding (Clusters change every few seconds, bindings by the thousand).
  std::shared_ptr<const std::vector<scheduler::Cluster>> clusterSnapshot();

  client::ClientPtr host_;
  SchedulerCaches caches_;
  std::shared_ptr<runtime::EventRecorder> events_;
  core::ClockPtr clock_;
  SchedulerControllerOptions options_;
  // The spec write and the status write of one pass each bring an event; a pass for the first
  // must not schedule again from the version the second replaced.
  runtime::OwnWrites own_writes_;
  std::mutex clusters_mu_;
  // name → (resourceVersion, converted Cluster or null)
  std::map<std::string, std::pair<std::string, std::shared_ptr<const scheduler::Cluster>>>
      converted_clusters_;
  // (name, resourceVersion) of the Clusters clusters_ was built from, sorted.
  std::vector<std::pair<std::string, std::string>> snapshot_versions_;
  std::shared_ptr<const std::vector<scheduler::Cluster>> snapshot_;
};

// True when the binding needs a scheduling decision.
bool needsScheduling(const nlohmann::json& binding);

// The cached bindings that need a scheduling decision, with needsScheduling() remembered per
// binding version: every Cluster and PriceBook event asks this of every binding, and most
// bindings have not changed since the previous event (parsing them all again would cost a
// parse of every binding per Cluster status update).
class PendingBindings {
 public:
  std::vector<runtime::Request> list(const client::Indexer& rbs, const client::Indexer& crbs);

 private:
  std::mutex mu_;
  // binding key → (resourceVersion, needs scheduling); RB keys contain '/', CRB keys do not.
  std::unordered_map<std::string, std::pair<std::string, bool>> memo_;
};
// Index on spec.requiredBy: "ns/name" of each binding that requires this one.
std::vector<std::string> requiredByIndex(const client::Object& binding);
inline constexpr const char* kRequiredByIndex = "requiredBy";

}  // namespace flotilla::controllers
