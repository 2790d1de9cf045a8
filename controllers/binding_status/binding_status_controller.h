// Binding status controller. Watches ResourceBindings/ClusterResourceBindings and the Works
// they own (Work events map to the binding named in the Work's annotations). It folds each
// target cluster's Work status (Applied condition, collected manifest status, health) into the
// binding's `status.aggregatedStatus` and `FullyApplied` condition, then lets the interpreter
// aggregate those into the resource template's own `.status` on the host (readyReplicas,
// availableReplicas, observedGeneration, conditions), so `kubectl wait` on the host works.
// Writes happen only when the computed status differs from the current one, and not while the
// binding is still rolling out for the first time (some target's Work missing or not yet reported
// by the execution controller), for at most `settle`: the binding and its template then get one
// status write carrying every cluster instead of one per Work as they report.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "client/client.h"
#include "client/indexer.h"
#include "controllers/templates/template_store.h"
#include "core/clock.h"
#include "runtime/own_writes.h"
#include "runtime/reconciler.h"
#include "runtime/status_hold.h"

namespace flotilla::controllers {

struct BindingStatusCaches {
  const client::Indexer* resource_bindings = nullptr;
  const client::Indexer* cluster_resource_bindings = nullptr;
  const client::Indexer* works = nullptr;  // with kWorkBindingIndex
};

struct BindingStatusOptions {
  // How long the status write may wait for every target's Work to report (0 = write at once).
  std::chrono::milliseconds settle{0};
};

class BindingStatusController final : public runtime::Reconciler {
 public:
  BindingStatusController(client::ClientPtr host, BindingStatusCaches caches,
                          const TemplateStore* templates, core::ClockPtr clock,
                          BindingStatusOptions options = {});
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  client::ClientPtr host_;
  BindingStatusCaches caches_;
  const TemplateStore* templates_;
  core::ClockPtr clock_;
  BindingStatusOptions options_;
  runtime::StatusHold settle_;  // bindings whose first report waits for all their Works
  // Our last status writes of bindings and templates: the echo of the binding's write calls us
  // again before the cache has the template's, whose stale version would be written over.
  runtime::OwnWrites own_bindings_;
  runtime::OwnWrites own_templates_;
  // What a Work's status reports, by Work key, at the Work's resourceVersion: while a binding
  // rolls out, each of its Works' status writes calls a pass that reads every Work of the
  // binding; each status is parsed once, not once per pass. Kept while the binding holds its
  // write, dropped once it has written.
  struct WorkReport {
    std::string resource_version;
    std::string applied;  // the Applied condition's status, "" when absent
    std::string applied_message;
    std::optional<nlohmann::json> status;  // manifestStatuses[0].status
    std::string health;
  };
  WorkReport reportOf(const client::Object& work);
  std::mutex reports_mu_;
  std::unordered_map<std::string, WorkReport> reports_;
};

// The interpreter's Deployment aggregation sums replica counts but reports no conditions; the
// host template gets `Available` (True once every desired replica is available across members)
// so `kubectl wait --for=condition=Available` works on the host.
void addAvailableCondition(const nlohmann::json& templ, nlohmann::json& status,
                           const std::string& now);

}  // namespace flotilla::controllers
