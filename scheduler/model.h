// The scheduler's input model: a member cluster as the scheduler sees it, a placement compiled
// from a (Cluster)PropagationPolicy, and the binding being scheduled. These are plain structs
// decoupled from the wire types so the scheduler stays fast (selectors are parsed once, not per
// cluster) and testable without JSON; the planner converts API objects into them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apimachinery/label_selector.h"
#include "estimator/resources.h"
#include "policies/cluster_affinity.h"

namespace flotilla::scheduler {

inline constexpr const char* kEffectNoSchedule = "NoSchedule";
inline constexpr const char* kEffectNoExecute = "NoExecute";
inline constexpr const char* kEffectPreferNoSchedule = "PreferNoSchedule";

struct Taint {
  std::string key, value, effect;
};

// corev1.Toleration; `op` is "Equal" (or empty) / "Exists".
struct Toleration {
  std::string key, op, value, effect;
};

using apimachinery::Requirement;
using apimachinery::SelectorOp;

// Karmada's ClusterAffinity with its selectors already parsed into requirements; the one
// ClusterMatches implementation lives in policies/cluster_affinity.h.
using ClusterAffinity = policies::CompiledClusterAffinity;

struct OverflowAffinity {
  std::string name;
  ClusterAffinity affinity;
};

// One entry of placement.clusterAffinities: a named scheduling group.
struct AffinityTerm {
  std::string name;
  ClusterAffinity affinity;
  std::vector<OverflowAffinity> overflow;  // burst tiers, in order
};

enum class SpreadField { Cluster, Region, Zone, Provider };

struct SpreadConstraint {
  SpreadField field = SpreadField::Cluster;
  int32_t min_groups = 1;
  int32_t max_groups = 0;
};

enum class ReplicaType { Duplicated, Divided };
enum class Division { Weighted, Aggregated };

struct StaticWeightRule {
  ClusterAffinity target;
  int64_t weight = 1;
};

// placement.replicaScheduling with CRD/webhook defaults applied.
struct ReplicaScheduling {
  ReplicaType type = ReplicaType::Divided;
  Division division = Division::Weighted;
  bool has_weight_preference = false;
  std::vector<StaticWeightRule> static_weights;
  bool dynamic_weight = false;  // weightPreference.dynamicWeight: AvailableReplicas
};

struct Placement {
  std::optional<ClusterAffinity> cluster_affinity;
  std::vector<AffinityTerm> cluster_affinities;
  std::vector<Toleration> tolerations;
  std::vector<SpreadConstraint> spread_constraints;
  std::optional<ReplicaScheduling> replica_scheduling;  // nullopt => Duplicated
};

// A member cluster: spec and the status fields the filters and estimators read.
struct Cluster {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string provider, region;
  std::vector<std::string> zones;
  std::vector<Taint> taints;
  // status.apiEnablements flattened to "group/version/Kind" ("v1/Kind" for the core group),
  // sorted so lookups are binary searches.
  std::vector<std::string> api_enablements;
  bool deleting = false;  // metadata.deletionTimestamp set
  estimator::ClusterResources resources;
};

// spec.clusters[]: a cluster and the replicas assigned to it.
struct TargetCluster {
  std::string name;
  int32_t replicas = 0;
  bool operator==(const TargetCluster&) const = default;
};

// The scheduling request: what a ResourceBinding asks the scheduler.
struct Binding {
  std::string api_version, kind, namespace_, name;
  std::string uid;  // spec.resource.uid: picks the Webster name tie-break direction
  int32_t replicas = 0;
  std::optional<estimator::ReplicaRequirements> requirements;
  // Per-replica limits, only used to price replicas when a PriceBook bills by Limits.
  std::optional<estimator::ResourceList> limits;
  Placement placement;
  std::vector<TargetCluster> previous;      // spec.clusters from the last schedule
  std::vector<std::string> evicting_from;  // spec.gracefulEvictionTasks[].fromCluster
  std::string observed_affinity_name;      // status.schedulerObservingAffinityName
  bool fresh = false;                      // rescheduleTriggeredAt > lastScheduledTime
  // spec.workloadAffinityGroups (gate WorkloadAffinity): "<labelKey>=<labelValue>", empty when
  // the placement has no such term, and the clusters already hosting other bindings of the same
  // group in the namespace (sorted, unique), which the caller collects.
  std::string affinity_group, anti_affinity_group;
  std::vector<std::string> affinity_peers, anti_affinity_peers;

  // Workloads get replica assignment; everything else is placed by name only.
  bool isWorkload() const { return replicas > 0 || requirements.has_value(); }
  // "group/version/Kind" as in Cluster::api_enablements.
  std::string apiKey() const { return api_version + "/" + kind; }
};

}  // namespace flotilla::scheduler
