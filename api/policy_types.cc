#include "api/policy_types.h"

namespace flotilla::api {

ClusterAffinity OverflowClusterAffinity::affinity() const {
  ClusterAffinity a;
  a.label_selector = label_selector;
  a.field_selector = field_selector;
  a.cluster_names = cluster_names;
  a.exclude = exclude;
  return a;
}

ClusterAffinity ClusterAffinityTerm::affinity() const {
  ClusterAffinity a;
  a.label_selector = label_selector;
  a.field_selector = field_selector;
  a.cluster_names = cluster_names;
  a.exclude = exclude;
  return a;
}

std::string effectiveReplicaSchedulingType(const Placement& placement) {
  if (!placement.replica_scheduling) return kReplicaSchedulingDuplicated;
  const auto& t = placement.replica_scheduling->replica_scheduling_type;
  return t.empty() ? std::string(kReplicaSchedulingDivided) : t;
}

std::string effectiveDivisionPreference(const Placement& placement) {
  if (effectiveReplicaSchedulingType(placement) != kReplicaSchedulingDivided) return "";
  const auto& p = placement.replica_scheduling->replica_division_preference;
  return p.empty() ? std::string(kDivisionWeighted) : p;
}

std::string normalizePurgeMode(const std::string& mode) {
  if (mode.empty() || mode == kPurgeModeGraciously) return kPurgeModeGracefully;
  if (mode == kPurgeModeImmediately) return kPurgeModeDirectly;
  return mode;
}

void setDefaults(PropagationPolicy& policy) {
  auto& spec = policy.spec;
  if (!spec.priority) spec.priority = 0;
  if (spec.preemption.empty()) spec.preemption = kPreemptNever;
  if (spec.scheduler_name.empty()) spec.scheduler_name = kDefaultSchedulerName;
  if (spec.conflict_resolution.empty()) spec.conflict_resolution = kConflictAbort;
  for (auto& s : spec.resource_selectors) {
    if (!policy.isClusterScoped() && s.namespace_.empty()) {
      s.namespace_ = policy.metadata.namespace_;
    }
    if (s.api_version == "multicluster.x-k8s.io/v1alpha1" && s.kind == "ServiceImport") {
      spec.propagate_deps = true;
    }
  }
  auto& placement = spec.placement;
  if (placement.replica_scheduling) {
    auto& rs = *placement.replica_scheduling;
    if (rs.replica_scheduling_type.empty()) rs.replica_scheduling_type = kReplicaSchedulingDivided;
    if (rs.replica_scheduling_type == kReplicaSchedulingDivided &&
        rs.replica_division_preference.empty()) {
      rs.replica_division_preference = kDivisionWeighted;
    }
  }
  for (auto& sc : placement.spread_constraints) {
    if (sc.spread_by_field.empty() && sc.spread_by_label.empty()) {
      sc.spread_by_field = kSpreadByFieldCluster;
    }
    if (sc.min_groups == 0) sc.min_groups = 1;
  }
  if (spec.failover) {
    if (auto& app = spec.failover->application) {
      if (!app->decision_conditions.toleration_seconds) {
        app->decision_conditions.toleration_seconds = 300;
      }
      app->purge_mode = normalizePurgeMode(app->purge_mode);
      if (app->purge_mode == kPurgeModeGracefully && !app->grace_period_seconds) {
        app->grace_period_seconds = 600;
      }
    }
    if (auto& cluster = spec.failover->cluster) {
      cluster->purge_mode = normalizePurgeMode(cluster->purge_mode);
    }
  }
}

std::vector<RuleWithCluster> OverrideSpec::effectiveRules() const {
  if (!override_rules.empty()) return override_rules;
  if (!overriders) return {};
  RuleWithCluster rule;
  rule.target_cluster = target_cluster;
  rule.overriders = *overriders;
  return {rule};
}

void setDefaults(OverridePolicy& policy) {
  if (policy.isClusterScoped()) return;
  for (auto& s : policy.spec.resource_selectors) {
    if (s.namespace_.empty()) s.namespace_ = policy.metadata.namespace_;
  }
}

}  // namespace flotilla::api
