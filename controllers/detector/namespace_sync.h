// Namespace sync (Karmada's namespace controller, karmada.md §2i). Watches Namespaces and
// Clusters on the host and writes one Work per (namespace, member cluster) in
// `karmada-es-<cluster>` whose manifest is the Namespace, so a namespace created on the host exists
// in every member before any workload arrives. Skipped: reserved namespaces (`karmada-system`,
// `karmada-cluster`, `karmada-es-*`), `kube-*`, and namespaces labelled
// `namespace.karmada.io/skip-auto-propagation: "true"` — adding that label later leaves the
// members that already have the namespace alone. Invariant: while a propagated namespace exists
// on the host every live Cluster has its Work; once it is gone its Works are
// deleted and the execution controller removes the member namespaces. ClusterOverridePolicies
// that select a Namespace apply to its copy per cluster (labels, annotations, ...).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "client/client.h"
#include "client/indexer.h"
#include "core/status.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

inline constexpr const char* kSkipAutoPropagationLabel =
    "namespace.karmada.io/skip-auto-propagation";

enum class NamespacePropagation { Propagate, Skip, Reserved };

// Pure: what the namespace controller does with this host Namespace.
NamespacePropagation namespacePropagation(const nlohmann::json& ns);

// Cluster-specific changes to the member's Namespace manifest (the ClusterOverridePolicies that
// apply to it for that cluster); returns the Work's applied-cluster-overrides annotation value
// ("" when none applied).
using NamespaceOverride = std::function<core::Result<std::string>(nlohmann::json& manifest)>;

// Pure: the Work carrying `ns` to `cluster`, merged onto `existing` (null when none), with
// `override_manifest` (if any) applied to the carried Namespace. Fails when an override does.
core::Result<nlohmann::json> namespaceWork(const nlohmann::json& ns, const std::string& cluster,
                                           const nlohmann::json& existing,
                                           const NamespaceOverride& override_manifest = {});

// The namespace a Work written by namespaceWork() carries, or "" for any other Work.
std::string namespaceOfWork(const nlohmann::json& work);
// The same, read from a cached Work's text (no tree is built or kept).
std::string namespaceOfWork(const client::Object& work);

struct NamespaceSyncCaches {
  const client::Indexer* namespaces = nullptr;
  const client::Indexer* clusters = nullptr;
  const client::Indexer* works = nullptr;
  // ClusterOverridePolicies, applied to the Namespace per cluster like Karmada's namespace
  // controller does (may be null: no overrides).
  const client::Indexer* cluster_override_policies = nullptr;
};

// Requests are namespace names (Request.name).
class NamespaceSync final : public runtime::Reconciler {
 public:
  NamespaceSync(client::ClientPtr host, NamespaceSyncCaches caches);
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  client::ClientPtr host_;
  NamespaceSyncCaches caches_;
};

}  // namespace flotilla::controllers
