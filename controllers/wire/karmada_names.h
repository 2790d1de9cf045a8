// Karmada's wire-level names (karmada.md §1.4, §1.5, §2i) and the API resources the federation
// controllers read and write. Every controller spells labels, annotations, finalizers and
// resources through these constants so that a Flotilla control plane and Karmada tooling agree
// on what an object means.
#pragma once

#include <string>

#include "client/resource.h"

namespace flotilla::controllers {

// Resources on the host.
inline const client::GroupVersionResource kClustersGvr{"cluster.karmada.io", "v1alpha1",
                                                       "clusters"};
inline const client::GroupVersionResource kPropagationPoliciesGvr{"policy.karmada.io", "v1alpha1",
                                                                  "propagationpolicies"};
inline const client::GroupVersionResource kClusterPropagationPoliciesGvr{
    "policy.karmada.io", "v1alpha1", "clusterpropagationpolicies"};
inline const client::GroupVersionResource kOverridePoliciesGvr{"policy.karmada.io", "v1alpha1",
                                                               "overridepolicies"};
inline const client::GroupVersionResource kClusterOverridePoliciesGvr{
    "policy.karmada.io", "v1alpha1", "clusteroverridepolicies"};
inline const client::GroupVersionResource kResourceBindingsGvr{"work.karmada.io", "v1alpha2",
                                                               "resourcebindings"};
inline const client::GroupVersionResource kClusterResourceBindingsGvr{
    "work.karmada.io", "v1alpha2", "clusterresourcebindings"};
inline const client::GroupVersionResource kWorksGvr{"work.karmada.io", "v1alpha1", "works"};
inline const client::GroupVersionResource kPriceBooksGvr{"estimator.flotilla.io", "v1alpha1",
                                                         "pricebooks"};
inline const client::GroupVersionResource kSecretsGvr{"", "v1", "secrets"};
inline const client::GroupVersionResource kNamespacesGvr{"", "v1", "namespaces"};
inline const client::GroupVersionResource kNodesGvr{"", "v1", "nodes"};
inline const client::GroupVersionResource kPodsGvr{"", "v1", "pods"};

// Namespaces a Kubernetes API server refuses to delete. Flotilla propagates `default` like any
// other namespace, but cleanup (Work deletion, unjoin) must leave these in the member.
inline bool isUndeletableNamespace(const std::string& name) {
  return name == "default" || name == "kube-system" || name == "kube-public";
}

inline constexpr const char* kClusterNamespace = "karmada-cluster";
inline constexpr const char* kExecutionNamespacePrefix = "karmada-es-";
inline constexpr const char* kDefaultSchedulerName = "default-scheduler";
inline constexpr const char* kFieldManager = "flotilla-controller-manager";

// Binding and Work identity.
inline constexpr const char* kRBPermanentIdLabel = "resourcebinding.karmada.io/permanent-id";
inline constexpr const char* kCRBPermanentIdLabel =
    "clusterresourcebinding.karmada.io/permanent-id";
inline constexpr const char* kWorkPermanentIdLabel = "work.karmada.io/permanent-id";
inline constexpr const char* kRBNamespaceAnnotation = "resourcebinding.karmada.io/namespace";
inline constexpr const char* kRBNameAnnotation = "resourcebinding.karmada.io/name";
inline constexpr const char* kCRBNameAnnotation = "clusterresourcebinding.karmada.io/name";
inline constexpr const char* kWorkNamespaceAnnotation = "work.karmada.io/namespace";
inline constexpr const char* kWorkNameAnnotation = "work.karmada.io/name";
inline constexpr const char* kManagedByLabel = "binding.karmada.io/managed-by";
inline constexpr const char* kManagedLabel = "karmada.io/managed";
inline constexpr const char* kConflictResolutionAnnotation = "work.karmada.io/conflict-resolution";
inline constexpr const char* kAppliedPlacementAnnotation = "policy.karmada.io/applied-placement";
inline constexpr const char* kAppliedOverridesAnnotation = "policy.karmada.io/applied-overrides";
inline constexpr const char* kTemplateUidAnnotation = "resourcetemplate.karmada.io/uid";
inline constexpr const char* kTemplateGenerationAnnotation = "resourcetemplate.karmada.io/generation";
inline constexpr const char* kHourlyCostAnnotation = "estimator.flotilla.io/hourly-cost";
inline constexpr const char* kExecutionFinalizer = "karmada.io/execution-controller";

// Cluster taints and conditions.
inline constexpr const char* kTaintNotReady = "cluster.karmada.io/not-ready";
inline constexpr const char* kTaintUnreachable = "cluster.karmada.io/unreachable";
inline constexpr const char* kTaintUnschedulable = "cluster.karmada.io/unschedulable";
inline constexpr const char* kConditionReady = "Ready";
inline constexpr const char* kConditionApplied = "Applied";

// "karmada-es-<cluster>" → "<cluster>"; "" when ns is not an execution namespace.
inline std::string clusterOfExecutionNamespace(const std::string& ns) {
  const std::string prefix = kExecutionNamespacePrefix;
  if (ns.rfind(prefix, 0) != 0 || ns.size() == prefix.size()) return "";
  return ns.substr(prefix.size());
}

}  // namespace flotilla::controllers

namespace flotilla::controllers {
// A random RFC 4122 version-4 UUID, for permanent-id labels.
std::string newPermanentId();
}  // namespace flotilla::controllers
