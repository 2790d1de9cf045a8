// Graceful-eviction controller (karmada.md §2e). Watches ResourceBindings and
// ClusterResourceBindings that carry `spec.gracefulEvictionTasks`. Each task keeps the old copy
// of the workload (the binding controller keeps the Work in the evicted cluster) while the
// workload starts elsewhere; this controller stamps new tasks with creationTimestamp and removes
// a task when failover::assessEvictionTasks says the old copy is no longer needed: the binding is
// scheduled for its current generation and every new target cluster reports Healthy in
// `status.aggregatedStatus`, or the task's grace period (else --graceful-eviction-timeout) ran
// out. Never tasks (and suppressDeletion: true) stay until a person removes them. Removing the
// task lets the binding controller delete the old Work. Requeues at the earliest pending timeout.
#pragma once

#include <chrono>

#include "client/client.h"
#include "client/indexer.h"
#include "core/clock.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

struct GracefulEvictionCaches {
  const client::Indexer* resource_bindings = nullptr;
  const client::Indexer* cluster_resource_bindings = nullptr;
};

struct GracefulEvictionOptions {
  std::chrono::seconds timeout{600};  // Karmada's --graceful-eviction-timeout
};

class GracefulEvictionController final : public runtime::Reconciler {
 public:
  GracefulEvictionController(client::ClientPtr host, GracefulEvictionCaches caches,
                             core::ClockPtr clock = nullptr, GracefulEvictionOptions options = {});
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  client::ClientPtr host_;
  GracefulEvictionCaches caches_;
  core::ClockPtr clock_;
  GracefulEvictionOptions options_;
};

}  // namespace flotilla::controllers
