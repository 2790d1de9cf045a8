// ClusterTaintPolicy controller (karmada.md §1.8). Watches Clusters and ClusterTaintPolicies (a
// policy event revisits every Cluster). For each Cluster it evaluates every policy, in name order,
// against the Cluster's status conditions (failover::applyTaintPolicies) and writes the resulting
// `spec.taints`. Invariant: a Cluster's taints reflect the policies' add/remove rules for its
// current conditions; taints no policy mentions are left alone, and deleting a policy removes
// nothing. Writes only when the taints change, so a steady cluster costs no writes.
#pragma once

#include "client/client.h"
#include "client/indexer.h"
#include "core/clock.h"
#include "runtime/reconciler.h"

namespace flotilla::controllers {

inline const client::GroupVersionResource kClusterTaintPoliciesGvr{
    "policy.karmada.io", "v1alpha1", "clustertaintpolicies"};

class TaintPolicyController final : public runtime::Reconciler {
 public:
  TaintPolicyController(client::ClientPtr host, const client::Indexer& clusters,
                        const client::Indexer& policies, core::ClockPtr clock = nullptr);
  // request.name is a Cluster name.
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

 private:
  client::ClientPtr host_;
  const client::Indexer& clusters_;
  const client::Indexer& policies_;
  core::ClockPtr clock_;
};

}  // namespace flotilla::controllers
