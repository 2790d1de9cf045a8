// Status math of the simulated workload controllers: what a Deployment, ReplicaSet, StatefulSet,
// DaemonSet and Job report given the objects they own, and which pods a Job still needs. These
// numbers are what `kubectl rollout status`, `kubectl wait --for=condition=...` and Karmada's
// status collection read, so they follow kube-controller-manager's definitions (zero counters
// omitted, conditions with its reasons and messages). Pure functions on JSON objects.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::member {

using Json = nlohmann::json;

bool podIsReady(const Json& pod);
// spec.replicas with the API default of 1 when absent.
int32_t specReplicas(const Json& workload);
// A stable short hash of a pod template, in Kubernetes' safe alphabet (pod-template-hash,
// controller-revision-hash).
std::string templateHash(const Json& pod_template);
// The Ready condition's status ("True"/"False") of a condition list; "" when absent.
std::string conditionStatus(const Json& conditions, const std::string& type);
// Sets or replaces a condition, keeping lastTransitionTime when the status did not change and
// both timestamps when nothing changed at all. `deployment_style` adds lastUpdateTime.
void setCondition(Json& status, const std::string& type, const std::string& value,
                  const std::string& reason, const std::string& message, const std::string& now,
                  bool deployment_style = false);

// Whether a controller's status over `pods` may wait for the kubelet: some are not Ready, and
// each of those is started (Pending with a startTime, not being deleted) and turns Ready by
// `deadline` according to `ready_at` (nullopt: not known, so no waiting). A status written now
// would be superseded by then; the pods' Ready writes bring the controller back.
using ReadyAt = std::function<std::optional<std::chrono::steady_clock::time_point>(const Json&)>;
bool statusCanWait(const std::vector<const Json*>& pods, const ReadyAt& ready_at,
                   std::chrono::steady_clock::time_point deadline);

// What a ReplicaSet counts over its active (non-terminal, not deleting) pods.
Json replicaSetStatus(const Json& replica_set, const std::vector<const Json*>& active_pods);
// The same from the counts: `replicas` active pods, `ready` of them Ready. A new ReplicaSet is
// created with replicaSetStatus(rs, replicas, 0): the pods its first pass creates, none Ready.
Json replicaSetStatus(const Json& replica_set, int64_t replicas, int64_t ready);

struct OwnedReplicaSet {
  std::string name;
  int32_t spec_replicas = 0;
  Json status;  // the ReplicaSet's status
};

// Deployment status from its ReplicaSets; `new_rs` is the one matching the current template.
// `previous` is the stored status (for condition timestamps).
Json deploymentStatus(const Json& deployment, const std::vector<OwnedReplicaSet>& sets,
                      const std::string& new_rs, const std::string& now);
// spec.strategy.rollingUpdate.maxUnavailable resolved against the desired replicas (25% rounded
// down by default; 0 for Recreate).
int32_t maxUnavailable(const Json& deployment);

// StatefulSet status over its pods (active ones); pods whose controller-revision-hash equals
// `update_revision` count as updated.
Json statefulSetStatus(const Json& stateful_set, const std::vector<Json>& pods,
                       const std::string& update_revision);

struct DaemonSetCounts {
  int32_t desired = 0, current = 0, ready = 0, updated = 0, misscheduled = 0;
};
Json daemonSetStatus(const Json& daemon_set, const DaemonSetCounts& counts);

// What a Job should do next.
struct JobPlan {
  int32_t create = 0;                   // new pods to start
  std::vector<std::string> delete_pods;  // active pods to remove (job finished or suspended)
  Json status;                          // the Job's new status
  bool finished = false;
};
// `pods` are the Job's pods (all phases). `now` is RFC 3339.
JobPlan planJob(const Json& job, const std::vector<Json>& pods, const std::string& now);

}  // namespace flotilla::member
