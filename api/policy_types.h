// policy.karmada.io/v1alpha1: PropagationPolicy / ClusterPropagationPolicy (shared
// PropagationSpec), OverridePolicy / ClusterOverridePolicy (shared OverrideSpec) and
// ClusterTaintPolicy, with Karmada's exact JSON names. Enumerations stay strings on the wire (so
// values written by other Karmada versions round-trip); the k* constants name the legal values
// and the default* helpers give the CRD/webhook/code defaults of karmada.md §1.1–1.2, 1.8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/meta.h"

namespace flotilla::api {

inline constexpr const char* kPolicyGroupVersion = "policy.karmada.io/v1alpha1";

struct ResourceSelector {
  std::string api_version, kind, namespace_, name;
  std::optional<Json> label_selector;  // metav1.LabelSelector; ignored when name is set
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("namespace", namespace_);
                      v("name", name); v("labelSelector", label_selector);)
};

struct FieldSelector {
  std::vector<NodeSelectorRequirement> match_expressions;  // keys provider/region/zone
  FLOTILLA_API_FIELDS(v("matchExpressions", match_expressions);)
};

inline constexpr const char* kProviderField = "provider";
inline constexpr const char* kRegionField = "region";
inline constexpr const char* kZoneField = "zone";

struct ClusterAffinity {
  std::optional<Json> label_selector;
  std::optional<FieldSelector> field_selector;
  std::vector<std::string> cluster_names;
  std::vector<std::string> exclude;  // Go field ExcludeClusters
  FLOTILLA_API_FIELDS(v("labelSelector", label_selector); v("fieldSelector", field_selector);
                      v("clusterNames", cluster_names); v("exclude", exclude);)
};

struct OverflowClusterAffinity {
  std::string affinity_name;
  std::optional<Json> label_selector;
  std::optional<FieldSelector> field_selector;
  std::vector<std::string> cluster_names, exclude;
  ClusterAffinity affinity() const;
  FLOTILLA_API_FIELDS(v("affinityName", affinity_name); v("labelSelector", label_selector);
                      v("fieldSelector", field_selector); v("clusterNames", cluster_names);
                      v("exclude", exclude);)
};

// ClusterAffinityTerm: affinityName + inline ClusterAffinity + overflowAffinities.
struct ClusterAffinityTerm {
  std::string affinity_name;
  std::optional<Json> label_selector;
  std::optional<FieldSelector> field_selector;
  std::vector<std::string> cluster_names, exclude;
  std::vector<OverflowClusterAffinity> overflow_affinities;
  ClusterAffinity affinity() const;  // the inline ClusterAffinity
  FLOTILLA_API_FIELDS(v("affinityName", affinity_name); v("labelSelector", label_selector);
                      v("fieldSelector", field_selector); v("clusterNames", cluster_names);
                      v("exclude", exclude); v("overflowAffinities", overflow_affinities);)
};

inline constexpr const char* kSpreadByFieldCluster = "cluster";
inline constexpr const char* kSpreadByFieldRegion = "region";
inline constexpr const char* kSpreadByFieldZone = "zone";
inline constexpr const char* kSpreadByFieldProvider = "provider";

struct SpreadConstraint {
  std::string spread_by_field, spread_by_label;
  int32_t max_groups = 0;
  int32_t min_groups = 0;  // webhook default 1
  FLOTILLA_API_FIELDS(v("spreadByField", spread_by_field); v("spreadByLabel", spread_by_label);
                      v("maxGroups", max_groups); v("minGroups", min_groups);)
};

struct StaticClusterWeight {
  ClusterAffinity target_cluster;
  int64_t weight = 0;
  FLOTILLA_API_FIELDS(v("targetCluster", target_cluster); v("weight", weight, Emit::Always);)
};

inline constexpr const char* kDynamicWeightAvailableReplicas = "AvailableReplicas";

struct ClusterPreferences {
  std::vector<StaticClusterWeight> static_weight_list;
  std::string dynamic_weight;
  FLOTILLA_API_FIELDS(v("staticWeightList", static_weight_list);
                      v("dynamicWeight", dynamic_weight);)
};

inline constexpr const char* kReplicaSchedulingDuplicated = "Duplicated";
inline constexpr const char* kReplicaSchedulingDivided = "Divided";
inline constexpr const char* kDivisionAggregated = "Aggregated";
inline constexpr const char* kDivisionWeighted = "Weighted";

struct ReplicaSchedulingStrategy {
  std::string replica_scheduling_type;      // CRD default Divided
  std::string replica_division_preference;  // webhook default Weighted when Divided
  std::optional<ClusterPreferences> weight_preference;
  FLOTILLA_API_FIELDS(v("replicaSchedulingType", replica_scheduling_type);
                      v("replicaDivisionPreference", replica_division_preference);
                      v("weightPreference", weight_preference);)
};

struct AffinityGroupKey {
  std::string group_by_label_key;
  FLOTILLA_API_FIELDS(v("groupByLabelKey", group_by_label_key);)
};

struct WorkloadAffinity {
  std::optional<AffinityGroupKey> affinity, anti_affinity;
  FLOTILLA_API_FIELDS(v("affinity", affinity); v("antiAffinity", anti_affinity);)
};

struct Placement {
  std::optional<ClusterAffinity> cluster_affinity;
  std::vector<ClusterAffinityTerm> cluster_affinities;
  std::vector<Toleration> cluster_tolerations;
  std::vector<SpreadConstraint> spread_constraints;
  std::optional<ReplicaSchedulingStrategy> replica_scheduling;  // nil => Duplicated
  std::optional<WorkloadAffinity> workload_affinity;
  FLOTILLA_API_FIELDS(v("clusterAffinity", cluster_affinity);
                      v("clusterAffinities", cluster_affinities);
                      v("clusterTolerations", cluster_tolerations);
                      v("spreadConstraints", spread_constraints);
                      v("replicaScheduling", replica_scheduling);
                      v("workloadAffinity", workload_affinity);)
};

// Effective replica scheduling type: nil replicaScheduling means Duplicated, while an empty
// replicaScheduling object means Divided (the CRD default) — karmada.md §1.1 NOTE.
std::string effectiveReplicaSchedulingType(const Placement& placement);
// Effective division preference (Weighted when Divided and empty); empty for Duplicated.
std::string effectiveDivisionPreference(const Placement& placement);

inline constexpr const char* kPurgeModeDirectly = "Directly";
inline constexpr const char* kPurgeModeGracefully = "Gracefully";
inline constexpr const char* kPurgeModeNever = "Never";
// Historical purge modes removed from the enum in v1.19; accepted on read.
inline constexpr const char* kPurgeModeImmediately = "Immediately";
inline constexpr const char* kPurgeModeGraciously = "Graciously";
// Maps Immediately -> Directly, Graciously -> Gracefully, empty -> Gracefully (CRD default).
std::string normalizePurgeMode(const std::string& mode);

struct StatePreservationRule {
  std::string alias_label_name, json_path;
  FLOTILLA_API_FIELDS(v("aliasLabelName", alias_label_name); v("jsonPath", json_path);)
};

struct StatePreservation {
  std::vector<StatePreservationRule> rules;
  FLOTILLA_API_FIELDS(v("rules", rules, Emit::Always);)
};

struct DecisionConditions {
  std::optional<int32_t> toleration_seconds;  // CRD default 300
  FLOTILLA_API_FIELDS(v("tolerationSeconds", toleration_seconds);)
};

struct ApplicationFailoverBehavior {
  DecisionConditions decision_conditions;
  std::string purge_mode;                       // CRD default Gracefully
  std::optional<int32_t> grace_period_seconds;  // webhook default 600 when Gracefully
  std::optional<StatePreservation> state_preservation;
  FLOTILLA_API_FIELDS(v("decisionConditions", decision_conditions); v("purgeMode", purge_mode);
                      v("gracePeriodSeconds", grace_period_seconds);
                      v("statePreservation", state_preservation);)
};

struct ClusterFailoverBehavior {
  std::string purge_mode;  // CRD default Gracefully
  std::optional<StatePreservation> state_preservation;
  FLOTILLA_API_FIELDS(v("purgeMode", purge_mode); v("statePreservation", state_preservation);)
};

struct FailoverBehavior {
  std::optional<ApplicationFailoverBehavior> application;
  std::optional<ClusterFailoverBehavior> cluster;
  FLOTILLA_API_FIELDS(v("application", application); v("cluster", cluster);)
};

struct SuspendClusters {
  std::vector<std::string> cluster_names;
  FLOTILLA_API_FIELDS(v("clusterNames", cluster_names);)
};

struct Suspension {
  std::optional<bool> dispatching;
  std::optional<SuspendClusters> dispatching_on_clusters;
  FLOTILLA_API_FIELDS(v("dispatching", dispatching);
                      v("dispatchingOnClusters", dispatching_on_clusters);)
};

inline constexpr const char* kKubePriorityClass = "KubePriorityClass";
inline constexpr const char* kPodPriorityClass = "PodPriorityClass";
inline constexpr const char* kFederatedPriorityClass = "FederatedPriorityClass";

struct SchedulePriority {
  std::string priority_class_source, priority_class_name;
  FLOTILLA_API_FIELDS(v("priorityClassSource", priority_class_source);
                      v("priorityClassName", priority_class_name);)
};

inline constexpr const char* kPreemptAlways = "Always";
inline constexpr const char* kPreemptNever = "Never";
inline constexpr const char* kConflictAbort = "Abort";
inline constexpr const char* kConflictOverwrite = "Overwrite";
inline constexpr const char* kActivationLazy = "Lazy";
inline constexpr const char* kDefaultSchedulerName = "default-scheduler";

struct PropagationSpec {
  std::vector<ResourceSelector> resource_selectors;
  bool association = false;  // deprecated; accepted and ignored
  bool propagate_deps = false;
  Placement placement;
  std::optional<int32_t> priority;  // CRD default 0; nil treated as 0
  std::string preemption;           // CRD default Never
  std::vector<std::string> dependent_overrides;
  std::string scheduler_name;  // CRD default default-scheduler
  std::optional<FailoverBehavior> failover;
  std::string conflict_resolution;    // CRD default Abort
  std::string activation_preference;  // "" or Lazy
  std::optional<Suspension> suspension;
  std::optional<bool> preserve_resources_on_deletion;
  std::optional<SchedulePriority> schedule_priority;

  int32_t explicitPriority() const { return priority.value_or(0); }
  FLOTILLA_API_FIELDS(v("resourceSelectors", resource_selectors); v("association", association);
                      v("propagateDeps", propagate_deps); v("placement", placement);
                      v("priority", priority); v("preemption", preemption);
                      v("dependentOverrides", dependent_overrides);
                      v("schedulerName", scheduler_name); v("failover", failover);
                      v("conflictResolution", conflict_resolution);
                      v("activationPreference", activation_preference); v("suspension", suspension);
                      v("preserveResourcesOnDeletion", preserve_resources_on_deletion);
                      v("schedulePriority", schedule_priority);)
};

// PropagationPolicy and ClusterPropagationPolicy share this shape; `kind` tells them apart.
struct PropagationPolicy {
  std::string api_version, kind;
  ObjectMeta metadata;
  PropagationSpec spec;
  bool isClusterScoped() const { return kind == "ClusterPropagationPolicy"; }
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("metadata", metadata);
                      v("spec", spec);)
};
using ClusterPropagationPolicy = PropagationPolicy;

// Applies the CRD defaults and the mutating-webhook defaults of karmada.md §1.1 (priority 0,
// preemption Never, schedulerName, conflictResolution Abort, Divided->Weighted, spread
// constraint defaults, purge modes, tolerationSeconds 300, gracePeriodSeconds 600, PP selector
// namespaces, propagateDeps forced for ServiceImport). The permanent-id label and finalizer are
// the API server's business and are not added here.
void setDefaults(PropagationPolicy& policy);

// ---- OverridePolicy ----

inline constexpr const char* kOverrideAdd = "add";
inline constexpr const char* kOverrideRemove = "remove";
inline constexpr const char* kOverrideReplace = "replace";

struct PlaintextOverrider {
  std::string path, operator_;
  std::optional<Json> value;
  FLOTILLA_API_FIELDS(v("path", path); v("operator", operator_); v("value", value);)
};

struct ImagePredicate {
  std::string path;
  FLOTILLA_API_FIELDS(v("path", path);)
};

inline constexpr const char* kImageComponentRegistry = "Registry";
inline constexpr const char* kImageComponentRepository = "Repository";
inline constexpr const char* kImageComponentTag = "Tag";

struct ImageOverrider {
  std::optional<ImagePredicate> predicate;
  std::string component, operator_, value;
  FLOTILLA_API_FIELDS(v("predicate", predicate); v("component", component);
                      v("operator", operator_); v("value", value);)
};

struct CommandArgsOverrider {
  std::string container_name, operator_;
  std::vector<std::string> value;
  FLOTILLA_API_FIELDS(v("containerName", container_name); v("operator", operator_);
                      v("value", value);)
};

struct LabelAnnotationOverrider {
  std::string operator_;
  StringMap value;
  FLOTILLA_API_FIELDS(v("operator", operator_); v("value", value);)
};

struct YamlJsonPatchOperation {
  std::string sub_path, operator_;
  std::optional<Json> value;
  FLOTILLA_API_FIELDS(v("subPath", sub_path); v("operator", operator_); v("value", value);)
};

struct FieldOverrider {
  std::string field_path;
  std::vector<YamlJsonPatchOperation> json, yaml;
  FLOTILLA_API_FIELDS(v("fieldPath", field_path); v("json", json); v("yaml", yaml);)
};

struct Overriders {
  std::vector<PlaintextOverrider> plaintext;
  std::vector<ImageOverrider> image_overrider;
  std::vector<CommandArgsOverrider> command_overrider, args_overrider;
  std::vector<LabelAnnotationOverrider> labels_overrider, annotations_overrider;
  std::vector<FieldOverrider> field_overrider;
  FLOTILLA_API_FIELDS(v("plaintext", plaintext); v("imageOverrider", image_overrider);
                      v("commandOverrider", command_overrider); v("argsOverrider", args_overrider);
                      v("labelsOverrider", labels_overrider);
                      v("annotationsOverrider", annotations_overrider);
                      v("fieldOverrider", field_overrider);)
};

struct RuleWithCluster {
  std::optional<ClusterAffinity> target_cluster;  // nil = all clusters
  Overriders overriders;
  FLOTILLA_API_FIELDS(v("targetCluster", target_cluster);
                      v("overriders", overriders, Emit::Always);)
};

struct OverrideSpec {
  std::vector<ResourceSelector> resource_selectors;  // empty = all resources
  std::vector<RuleWithCluster> override_rules;
  std::optional<ClusterAffinity> target_cluster;  // deprecated since v1.0
  std::optional<Overriders> overriders;           // deprecated since v1.0
  // overrideRules, or the deprecated targetCluster+overriders pair as one rule.
  std::vector<RuleWithCluster> effectiveRules() const;
  FLOTILLA_API_FIELDS(v("resourceSelectors", resource_selectors);
                      v("overrideRules", override_rules); v("targetCluster", target_cluster);
                      v("overriders", overriders);)
};

// OverridePolicy and ClusterOverridePolicy share this shape.
struct OverridePolicy {
  std::string api_version, kind;
  ObjectMeta metadata;
  OverrideSpec spec;
  bool isClusterScoped() const { return kind == "ClusterOverridePolicy"; }
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("metadata", metadata);
                      v("spec", spec);)
};
using ClusterOverridePolicy = OverridePolicy;

// OP webhook default: selector namespace = policy namespace.
void setDefaults(OverridePolicy& policy);

// ---- ClusterTaintPolicy ----

struct MatchCondition {
  std::string condition_type, operator_;
  std::vector<std::string> status_values;
  FLOTILLA_API_FIELDS(v("conditionType", condition_type); v("operator", operator_);
                      v("statusValues", status_values);)
};

struct TaintSpec {
  std::string key, effect, value;
  FLOTILLA_API_FIELDS(v("key", key); v("effect", effect); v("value", value);)
};

struct ClusterTaintPolicySpec {
  std::optional<ClusterAffinity> target_clusters;  // nil = all
  std::vector<MatchCondition> add_on_conditions, remove_on_conditions;
  std::vector<TaintSpec> taints;
  FLOTILLA_API_FIELDS(v("targetClusters", target_clusters); v("addOnConditions", add_on_conditions);
                      v("removeOnConditions", remove_on_conditions); v("taints", taints);)
};

struct ClusterTaintPolicy {
  std::string api_version, kind;
  ObjectMeta metadata;
  ClusterTaintPolicySpec spec;
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("metadata", metadata);
                      v("spec", spec);)
};

}  // namespace flotilla::api
