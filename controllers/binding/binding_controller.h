// Binding controller (binding → Work). Watches ResourceBindings and ClusterResourceBindings, and
// the Works, templates, Clusters and OverridePolicies they depend on (the composition root maps
// those events to binding keys). For every target cluster in `spec.clusters` it keeps one Work
// named after the template (api::workName) in `karmada-es-<cluster>`, carrying the member
// manifest rendered the way `flotilla plan` renders it (system fields pruned, replicas revised
// to the cluster's share, Cluster/OverridePolicies applied) plus Karmada's bookkeeping labels
// and annotations (§1.5). Invariant: the set of Works labelled with a binding's id is exactly
// one per scheduled cluster; Works for clusters the binding left, and all Works of a deleted
// binding, are deleted (the execution controller's finalizer then removes member objects) —
// except the Work of a cluster with a Gracefully/Never graceful-eviction task, which stays until
// the task is removed.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "api/cluster_types.h"
#include "client/client.h"
#include "client/indexer.h"
#include "controllers/templates/template_store.h"
#include "runtime/event_recorder.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

struct BindingCaches {
  const client::Indexer* resource_bindings = nullptr;
  const client::Indexer* cluster_resource_bindings = nullptr;
  const client::Indexer* works = nullptr;  // with kWorkBindingIndex
  const client::Indexer* clusters = nullptr;
  const client::Indexer* override_policies = nullptr;
  const client::Indexer* cluster_override_policies = nullptr;
};

// Index of Works by the binding that owns them: "ns/name" of a ResourceBinding or "name" of a
// ClusterResourceBinding, from the Work's resourcebinding.karmada.io annotations.
inline constexpr const char* kWorkBindingIndex = "binding";
std::vector<std::string> workBindingIndex(const client::Object& work);

class BindingController final : public runtime::Reconciler {
 public:
  BindingController(client::ClientPtr host, BindingCaches caches, const TemplateStore* templates,
                    std::shared_ptr<runtime::EventRecorder> events = nullptr);
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  core::Status removeWorks(const std::string& binding_key, const std::set<std::string>& keep);
  std::shared_ptr<const api::Cluster> decodedCluster(const std::string& name);

  client::ClientPtr host_;
  BindingCaches caches_;
  const TemplateStore* templates_;
  std::shared_ptr<runtime::EventRecorder> events_;
  std::mutex clusters_mu_;
  // name → (resourceVersion, decoded Cluster)
  std::map<std::string, std::pair<std::string, std::shared_ptr<const api::Cluster>>>
      decoded_clusters_;
};

}  // namespace flotilla::controllers
