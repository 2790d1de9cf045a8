// Binding status controller. Watches ResourceBindings/ClusterResourceBindings and the Works
// they own (Work events map to the binding named in the Work's annotations). It folds each
// target cluster's Work status (Applied condition, collected manifest status, health) into the
// binding's `status.aggregatedStatus` and `FullyApplied` condition, then lets the interpreter
// aggregate those into the resource template's own `.status` on the host (readyReplicas,
// availableReplicas, observedGeneration, conditions), so `kubectl wait` on the host works.
// Writes happen only when the computed status differs from the current one.
#pragma once

#include "client/client.h"
#include "client/indexer.h"
#include "controllers/templates/template_store.h"
#include "core/clock.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

struct BindingStatusCaches {
  const client::Indexer* resource_bindings = nullptr;
  const client::Indexer* cluster_resource_bindings = nullptr;
  const client::Indexer* works = nullptr;  // with kWorkBindingIndex
};

class BindingStatusController final : public runtime::Reconciler {
 public:
  BindingStatusController(client::ClientPtr host, BindingStatusCaches caches,
                          const TemplateStore* templates, core::ClockPtr clock);
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  client::ClientPtr host_;
  BindingStatusCaches caches_;
  const TemplateStore* templates_;
  core::ClockPtr clock_;
};

// The interpreter's Deployment aggregation sums replica counts but reports no conditions; the
// host template gets `Available` (True once every desired replica is available across members)
// so `kubectl wait --for=condition=Available` works on the host.
void addAvailableCondition(const nlohmann::json& templ, nlohmann::json& status,
                           const std::string& now);

}  // namespace flotilla::controllers
