// NoExecute taint manager (karmada.md §2e). Watches ResourceBindings and ClusterResourceBindings,
// and Clusters (a Cluster event revisits the bindings placed on it). For each binding it checks
// every cluster in `spec.clusters` against that cluster's NoExecute taints and the binding's
// clusterTolerations (from the `policy.karmada.io/applied-placement` annotation, the placement the
// current result was computed with): an untolerated taint, or a toleration whose
// tolerationSeconds ran out, evicts the cluster — it moves from `spec.clusters` into
// `spec.gracefulEvictionTasks` (reason TaintUntolerated, producer TaintManager) with the purge
// mode of the binding's `failover.cluster.purgeMode`, else the controller's default. The scheduler
// then places the workload elsewhere, and the graceful-eviction controller decides when the old
// copy goes. A toleration that has not run out yet requeues the binding for that moment.
// Evictions are rate limited (options.eviction_rate, Karmada's --resource-eviction-rate).
// Invariant: no binding stays scheduled on a cluster whose NoExecute taints it does not tolerate.
#pragma once

#include <memory>
#include <string>

#include "client/client.h"
#include "client/indexer.h"
#include "client/token_bucket.h"
#include "core/clock.h"
#include "runtime/event_recorder.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

struct TaintManagerCaches {
  const client::Indexer* resource_bindings = nullptr;
  const client::Indexer* cluster_resource_bindings = nullptr;
  const client::Indexer* clusters = nullptr;
};

struct TaintManagerOptions {
  // Karmada's --no-execute-taint-eviction-purge-mode: Gracefully or Directly.
  std::string purge_mode = "Gracefully";
  // Karmada's --resource-eviction-rate: bindings evicted per second at most (a burst of
  // `eviction_burst` first), so a flapping or partitioned cluster cannot empty itself in one go.
  // <= 0 = unlimited. A binding over the limit is requeued for when a token is due.
  double eviction_rate = 0.5;
  int eviction_burst = 10;
};

class TaintManager final : public runtime::Reconciler {
 public:
  TaintManager(client::ClientPtr host, TaintManagerCaches caches,
               std::shared_ptr<runtime::EventRecorder> events, core::ClockPtr clock = nullptr,
               TaintManagerOptions options = {});
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  client::ClientPtr host_;
  TaintManagerCaches caches_;
  std::shared_ptr<runtime::EventRecorder> events_;
  core::ClockPtr clock_;
  TaintManagerOptions options_;
  std::unique_ptr<client::TokenBucket> evictions_;  // null = unlimited
};

// Bindings (as requests) whose spec.clusters contain `cluster`, for mapping Cluster events.
std::vector<runtime::Request> bindingsOnCluster(const client::Indexer& rbs,
                                                const client::Indexer& crbs,
                                                const std::string& cluster);

}  // namespace flotilla::controllers
