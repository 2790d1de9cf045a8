// Native replica interpretation (karmada.md §2f): how many replicas a workload asks for and what
// one replica needs (ResourceBinding `replicaRequirements`), and rewriting the replica count in
// a member copy (ReviseReplica). DaemonSet and CronJob have no replica hook upstream, so they are
// non-workloads ("always duplicated") here too.
#pragma once

#include <cstdint>
#include <optional>

#include "api/work_types.h"
#include "core/status.h"

namespace flotilla::interpreter {

struct ReplicaOptions {
  // Karmada fills replicaRequirements.namespace / priorityClassName only with the
  // ResourceQuotaEstimate gate; Flotilla reports them by default because the planner's quota
  // estimate wants them. Set false for byte-for-byte Karmada bindings with the gate off.
  bool include_quota_fields = true;
};

struct ReplicaResult {
  bool has_hook = false;  // false for kinds without a native replica interpreter
  int32_t replicas = 0;
  std::optional<api::ReplicaRequirements> requirements;
};

core::Result<ReplicaResult> interpretReplica(const api::Json& object,
                                             const ReplicaOptions& options = {});

// Requirements of one pod built from a pod spec (used for templates and for Pods).
core::Result<std::optional<api::ReplicaRequirements>> podRequirements(
    const api::Json& pod_spec, const std::string& namespace_, const ReplicaOptions& options);

// Effective pod request: max(sum(containers), max(initContainers)) + overhead, a container's
// missing requests defaulting to its limits. Empty when nothing is requested.
core::Result<api::ResourceList> effectivePodRequest(const api::Json& pod_spec);

// Deployment / ReplicaSet / StatefulSet spec.replicas, Job spec.parallelism.
core::Result<api::Json> reviseReplica(const api::Json& object, int64_t replicas);
// The same edit on `object` itself, for a caller that owns a copy already (the binding
// controller renders one per target cluster). On error `object` is unchanged.
core::Status reviseReplicaInPlace(api::Json& object, int64_t replicas);

}  // namespace flotilla::interpreter
