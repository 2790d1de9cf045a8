// Application failover controller (karmada.md §2e): for ResourceBindings and
// ClusterResourceBindings whose policy sets `failover.application`, it watches the per-cluster
// health in `status.aggregatedStatus` and evicts a cluster where the workload has been Unhealthy
// longer than `decisionConditions.tolerationSeconds` — the cluster moves from `spec.clusters`
// into `spec.gracefulEvictionTasks` (reason ApplicationFailure, the policy's purge mode and grace
// period; failover/application_failover decides). The scheduler then places the replicas
// elsewhere and the graceful-eviction controller decides when the old copy goes.
// The unhealthy-since timers are in memory (as in Karmada): a restart starts them again.
// Invariant: no binding with application failover keeps a cluster whose workload has been
// Unhealthy past its toleration.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "client/client.h"
#include "client/indexer.h"
#include "core/clock.h"
#include "failover/application_failover.h"
#include "runtime/event_recorder.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

struct ApplicationFailoverCaches {
  const client::Indexer* resource_bindings = nullptr;
  const client::Indexer* cluster_resource_bindings = nullptr;
};

class ApplicationFailoverController final : public runtime::Reconciler {
 public:
  ApplicationFailoverController(client::ClientPtr host, ApplicationFailoverCaches caches,
                                std::shared_ptr<runtime::EventRecorder> events,
                                core::ClockPtr clock = nullptr);
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

  // Bindings with a running timer (for tests and metrics).
  std::size_t trackedBindings() const;

 private:
  void forget(const std::string& key);

  client::ClientPtr host_;
  ApplicationFailoverCaches caches_;
  std::shared_ptr<runtime::EventRecorder> events_;
  core::ClockPtr clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, failover::TimePoint>> unhealthy_since_;
};

}  // namespace flotilla::controllers
