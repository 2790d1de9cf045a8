// work.karmada.io: ResourceBinding / ClusterResourceBinding (v1alpha2, karmada.md §1.4) — the
// scheduler's input (resource, replicas, replicaRequirements, placement) and output (clusters) —
// and Work (v1alpha1, §1.5), one per target cluster, carrying the rendered manifests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/meta.h"
#include "api/policy_types.h"

namespace flotilla::api {

inline constexpr const char* kWorkGroupVersion = "work.karmada.io/v1alpha2";
inline constexpr const char* kWorkV1alpha1GroupVersion = "work.karmada.io/v1alpha1";

inline constexpr const char* kHealthHealthy = "Healthy";
inline constexpr const char* kHealthUnhealthy = "Unhealthy";
inline constexpr const char* kHealthUnknown = "Unknown";

struct ObjectReference {
  std::string api_version, kind, namespace_, name, uid, resource_version;
  FLOTILLA_API_FIELDS(v("apiVersion", api_version, Emit::Always); v("kind", kind, Emit::Always);
                      v("namespace", namespace_); v("name", name, Emit::Always); v("uid", uid);
                      v("resourceVersion", resource_version);)
};

struct NodeClaim {
  std::optional<Json> hard_node_affinity;  // corev1.NodeSelector
  StringMap node_selector;
  std::vector<Toleration> tolerations;
  FLOTILLA_API_FIELDS(v("hardNodeAffinity", hard_node_affinity); v("nodeSelector", node_selector);
                      v("tolerations", tolerations);)
};

struct ReplicaRequirements {
  std::optional<NodeClaim> node_claim;
  ResourceList resource_request;
  std::string namespace_, priority_class_name;
  FLOTILLA_API_FIELDS(v("nodeClaim", node_claim); v("resourceRequest", resource_request);
                      v("namespace", namespace_); v("priorityClassName", priority_class_name);)
};

struct ComponentReplicaRequirements {
  std::optional<NodeClaim> node_claim;
  ResourceList resource_request;
  std::string priority_class_name;
  FLOTILLA_API_FIELDS(v("nodeClaim", node_claim); v("resourceRequest", resource_request);
                      v("priorityClassName", priority_class_name);)
};

struct Component {
  std::string name;
  int32_t replicas = 0;
  std::optional<ComponentReplicaRequirements> replica_requirements;
  FLOTILLA_API_FIELDS(v("name", name, Emit::Always); v("replicas", replicas, Emit::Always);
                      v("replicaRequirements", replica_requirements);)
};

struct ComponentReplicas {
  std::string name;
  int32_t replicas = 0;
  FLOTILLA_API_FIELDS(v("name", name, Emit::Always); v("replicas", replicas);)
};

struct TargetCluster {
  std::string name;
  int32_t replicas = 0;  // omitempty
  std::vector<ComponentReplicas> components;
  FLOTILLA_API_FIELDS(v("name", name, Emit::Always); v("replicas", replicas);
                      v("components", components);)
};

inline constexpr const char* kEvictionReasonTaintUntolerated = "TaintUntolerated";
inline constexpr const char* kEvictionReasonApplicationFailure = "ApplicationFailure";

struct GracefulEvictionTask {
  std::string from_cluster, purge_mode;
  std::optional<int32_t> replicas;
  std::string reason, message, producer;
  std::optional<int32_t> grace_period_seconds;
  std::optional<bool> suppress_deletion;
  StringMap preserved_label_state;
  std::string creation_timestamp;
  std::vector<std::string> clusters_before_failover;
  FLOTILLA_API_FIELDS(v("fromCluster", from_cluster, Emit::Always); v("purgeMode", purge_mode);
                      v("replicas", replicas); v("reason", reason, Emit::Always);
                      v("message", message); v("producer", producer, Emit::Always);
                      v("gracePeriodSeconds", grace_period_seconds);
                      v("suppressDeletion", suppress_deletion);
                      v("preservedLabelState", preserved_label_state);
                      v("creationTimestamp", creation_timestamp);
                      v("clustersBeforeFailover", clusters_before_failover);)
};

struct BindingSnapshot {
  std::string namespace_, name;
  std::vector<TargetCluster> clusters;
  FLOTILLA_API_FIELDS(v("namespace", namespace_); v("name", name, Emit::Always);
                      v("clusters", clusters);)
};

struct BindingSuspension {
  std::optional<bool> dispatching;
  std::optional<SuspendClusters> dispatching_on_clusters;
  std::optional<bool> scheduling;
  FLOTILLA_API_FIELDS(v("dispatching", dispatching);
                      v("dispatchingOnClusters", dispatching_on_clusters);
                      v("scheduling", scheduling);)
};

struct BindingSchedulePriority {
  int32_t priority = 0;
  FLOTILLA_API_FIELDS(v("priority", priority);)
};

struct WorkloadAffinityGroups {
  std::string affinity_group, anti_affinity_group;
  FLOTILLA_API_FIELDS(v("affinityGroup", affinity_group);
                      v("antiAffinityGroup", anti_affinity_group);)
};

struct ResourceBindingSpec {
  ObjectReference resource;
  bool propagate_deps = false;
  std::optional<ReplicaRequirements> replica_requirements;
  int32_t replicas = 0;
  std::vector<Component> components;
  std::vector<TargetCluster> clusters;
  std::optional<Placement> placement;
  std::vector<GracefulEvictionTask> graceful_eviction_tasks;
  std::vector<BindingSnapshot> required_by;
  std::string scheduler_name;
  std::optional<FailoverBehavior> failover;
  std::string conflict_resolution;  // default Abort
  std::string reschedule_triggered_at;
  std::optional<BindingSuspension> suspension;
  std::optional<bool> preserve_resources_on_deletion;
  std::optional<BindingSchedulePriority> schedule_priority;
  std::optional<WorkloadAffinityGroups> workload_affinity_groups;
  FLOTILLA_API_FIELDS(v("resource", resource, Emit::Always); v("propagateDeps", propagate_deps);
                      v("replicaRequirements", replica_requirements); v("replicas", replicas);
                      v("components", components); v("clusters", clusters);
                      v("placement", placement);
                      v("gracefulEvictionTasks", graceful_eviction_tasks);
                      v("requiredBy", required_by); v("schedulerName", scheduler_name);
                      v("failover", failover); v("conflictResolution", conflict_resolution);
                      v("rescheduleTriggeredAt", reschedule_triggered_at);
                      v("suspension", suspension);
                      v("preserveResourcesOnDeletion", preserve_resources_on_deletion);
                      v("schedulePriority", schedule_priority);
                      v("workloadAffinityGroups", workload_affinity_groups);)
};

struct AggregatedStatusItem {
  std::string cluster_name;
  std::optional<Json> status;  // raw member status as reflected by the interpreter
  bool applied = false;
  std::string applied_message;
  std::string health;  // Healthy / Unhealthy / Unknown
  FLOTILLA_API_FIELDS(v("clusterName", cluster_name, Emit::Always); v("status", status);
                      v("applied", applied); v("appliedMessage", applied_message);
                      v("health", health);)
};

inline constexpr const char* kConditionScheduled = "Scheduled";
inline constexpr const char* kConditionFullyApplied = "FullyApplied";

struct ResourceBindingStatus {
  int64_t scheduler_observed_generation = 0;
  // JSON spelling differs from the Go field name SchedulerObservedAffinityName (Karmada quirk).
  std::string scheduler_observing_affinity_name;
  std::string last_scheduled_time;
  std::vector<Condition> conditions;
  std::vector<AggregatedStatusItem> aggregated_status;
  FLOTILLA_API_FIELDS(v("schedulerObservedGeneration", scheduler_observed_generation);
                      v("schedulerObservingAffinityName", scheduler_observing_affinity_name);
                      v("lastScheduledTime", last_scheduled_time); v("conditions", conditions);
                      v("aggregatedStatus", aggregated_status);)
};

// ResourceBinding and ClusterResourceBinding share this shape.
struct ResourceBinding {
  std::string api_version, kind;
  ObjectMeta metadata;
  ResourceBindingSpec spec;
  ResourceBindingStatus status;
  bool isClusterScoped() const { return kind == "ClusterResourceBinding"; }
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("metadata", metadata);
                      v("spec", spec, Emit::Always); v("status", status);)
};
using ClusterResourceBinding = ResourceBinding;

// Binding name: lower(name with ':' -> '.') + "-" + lower(kind).
std::string bindingName(const std::string& kind, const std::string& name);

// ---- Work (v1alpha1) ----

struct WorkloadTemplate {
  std::vector<Json> manifests;
  FLOTILLA_API_FIELDS(v("manifests", manifests);)
};

struct WorkSpec {
  WorkloadTemplate workload;
  std::optional<bool> suspend_dispatching;
  std::optional<bool> preserve_resources_on_deletion;
  FLOTILLA_API_FIELDS(v("workload", workload); v("suspendDispatching", suspend_dispatching);
                      v("preserveResourcesOnDeletion", preserve_resources_on_deletion);)
};

struct ResourceIdentifier {
  int32_t ordinal = 0;
  std::string group, version, kind, resource, namespace_, name;
  FLOTILLA_API_FIELDS(v("ordinal", ordinal, Emit::Always); v("group", group);
                      v("version", version, Emit::Always); v("kind", kind, Emit::Always);
                      v("resource", resource, Emit::Always); v("namespace", namespace_);
                      v("name", name, Emit::Always);)
};

struct ManifestStatus {
  ResourceIdentifier identifier;
  std::optional<Json> status;
  std::string health;
  FLOTILLA_API_FIELDS(v("identifier", identifier, Emit::Always); v("status", status);
                      v("health", health);)
};

struct WorkStatus {
  std::vector<Condition> conditions;
  std::vector<ManifestStatus> manifest_statuses;
  FLOTILLA_API_FIELDS(v("conditions", conditions); v("manifestStatuses", manifest_statuses);)
};

struct Work {
  std::string api_version, kind;
  ObjectMeta metadata;
  WorkSpec spec;
  WorkStatus status;
  FLOTILLA_API_FIELDS(v("apiVersion", api_version); v("kind", kind); v("metadata", metadata);
                      v("spec", spec, Emit::Always); v("status", status);)
};

// Execution namespace of a member cluster: karmada-es-<cluster>.
std::string executionNamespace(const std::string& cluster);
// Work name: <lower(name ':'->'.')>-<SafeEncodeString(fnv32a(lower(ns-name-kind)))>; the
// namespace part is omitted for cluster-scoped objects (karmada.md §1.5).
std::string workName(const std::string& namespace_, const std::string& name,
                     const std::string& kind);

}  // namespace flotilla::api
