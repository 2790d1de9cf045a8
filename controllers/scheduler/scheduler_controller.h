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

#include <string>

#include "client/client.h"
#include "client/indexer.h"
#include "core/clock.h"
#include "runtime/event_recorder.h"
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

  client::ClientPtr host_;
  SchedulerCaches caches_;
  std::shared_ptr<runtime::EventRecorder> events_;
  core::ClockPtr clock_;
  SchedulerControllerOptions options_;
};

// True when the binding needs a scheduling decision.
bool needsScheduling(const nlohmann::json& binding);
// Index on spec.requiredBy: "ns/name" of each binding that requires this one.
std::vector<std::string> requiredByIndex(const client::Object& binding);
inline constexpr const char* kRequiredByIndex = "requiredBy";

}  // namespace flotilla::controllers
