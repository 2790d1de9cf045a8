// Detector. Watches resource templates of one kind on the host (one Detector per served kind),
// plus PropagationPolicies and ClusterPropagationPolicies (the composition root maps policy
// events to the templates they may select). For each template outside the reserved namespaces
// it asks the policy engine (policies/) which policy governs it, writes that policy's claim onto
// the template, and keeps a ResourceBinding (ClusterResourceBinding for cluster-scoped
// templates) named `<name>-<kind>` in step with template and policy: resource reference,
// replicas and per-replica requirements from the interpreter, and a copy of the policy's
// placement and options. The scheduling result (`spec.clusters`) and status are never touched.
// Invariant: a template has a binding iff a policy claims it; when the policy goes away the
// claim is removed and the binding deleted (Works and member objects follow). With
// `propagateDeps` the ConfigMaps/Secrets/ServiceAccounts/PVCs the template references get
// bindings of their own whose `requiredBy` names the workload's binding.
#pragma once

#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "client/client.h"
#include "client/indexer.h"
#include "controllers/templates/template_store.h"
#include "policies/policy_matcher.h"
#include "runtime/own_writes.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

struct DetectorCaches {
  const client::Indexer* propagation_policies = nullptr;
  const client::Indexer* cluster_propagation_policies = nullptr;
  const client::Indexer* resource_bindings = nullptr;
  const client::Indexer* cluster_resource_bindings = nullptr;
};

class Detector final : public runtime::Reconciler {
 public:
  Detector(client::ClientPtr host, TemplateKind kind, DetectorCaches caches,
           const TemplateStore* templates, policies::MatchOptions options = {});
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  core::Status deleteBinding(const std::string& ns, const std::string& name);
  core::Status releaseUnclaimedBinding(const std::string& ns, const std::string& name);
  core::Status syncDependencies(const nlohmann::json& templ, const nlohmann::json& binding);
  // Removes `parent` from the requiredBy of the dependency bindings in `ns` other than `keep`
  // (the bindings of the dependencies it still has); a dependency binding left with no requirer
  // is deleted, so its object leaves the members. Needs kRequiredByIndex on the binding cache.
  core::Status pruneDependents(const std::string& ns, const std::string& parent,
                               const std::set<std::string>& keep);

  client::ClientPtr host_;
  TemplateKind kind_;
  DetectorCaches caches_;
  const TemplateStore* templates_;
  policies::MatchOptions options_;
  // Our claim writes: the template's events queued before the echo of a claim must not claim
  // (or create the binding) again from the version the claim replaced.
  runtime::OwnWrites own_templates_;
  // Per template: the inputs of its last pass that found nothing to write (inputsHash). Status
  // writes of the template and its binding (scheduler, binding status: most of their events)
  // change none of them, and a pass on the same inputs would find nothing again.
  std::mutex settled_mu_;
  std::unordered_map<std::string, std::size_t> settled_;
};

// A hash of what the detector reads of an object: every top-level member but status, metadata
// without resourceVersion (the text of each, as stored). 0 for a null object.
std::size_t detectorInputHash(const client::ObjectPtr& obj);

// The binding the detector wants for `templ` claimed by `policy`, merged onto `existing`
// (null when there is none): scheduler-owned fields and status are kept. Pure.
core::Result<nlohmann::json> desiredBinding(const nlohmann::json& templ,
                                            const api::PropagationPolicy& policy,
                                            const nlohmann::json& existing);
// A binding made for a workload's dependency (propagateDeps): `requiredBy` set, no policy claim.
bool isDependencyBinding(const nlohmann::json& binding);
// The policy's permanent id: its label, else its uid (policies created without the webhook).
std::string policyPermanentId(const api::PropagationPolicy& policy);

}  // namespace flotilla::controllers
