#include "interpreter/health.h"

#include "api/work_types.h"
#include "interpreter/json_access.h"

namespace flotilla::interpreter {

namespace {

bool hasLoadBalancerAddress(const Json& observed) {
  const Json* ingress = at(observed, {"status", "loadBalancer", "ingress"});
  if (ingress == nullptr || !ingress->is_array()) return false;
  for (const auto& i : *ingress) {
    if (!stringAt(i, {"ip"}).empty() || !stringAt(i, {"hostname"}).empty()) return true;
  }
  return false;
}

bool podReady(const Json& observed) {
  const Json* conditions = at(observed, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const auto& c : *conditions) {
    if (stringAt(c, {"type"}) == "Ready") return stringAt(c, {"status"}) == "True";
  }
  return false;
}

}  // namespace

std::string interpretHealth(const Json& observed) {
  if (!observed.is_object()) return api::kHealthUnknown;
  const std::string kind = kindOf(observed);
  const int64_t generation = intAt(observed, {"metadata", "generation"});
  const int64_t observed_generation = intAt(observed, {"status", "observedGeneration"});
  // Members default spec.replicas to 1.
  const int64_t replicas = intAt(observed, {"spec", "replicas"}, 1);
  auto verdict = [](bool healthy) {
    return std::string(healthy ? api::kHealthHealthy : api::kHealthUnhealthy);
  };
  if (kind == "Deployment" || kind == "StatefulSet") {
    const int64_t updated = intAt(observed, {"status", "updatedReplicas"});
    const int64_t available = intAt(observed, {"status", "availableReplicas"});
    return verdict(observed_generation == generation && updated >= replicas &&
                   available >= updated);
  }
  if (kind == "ReplicaSet") {
    return verdict(observed_generation == generation &&
                   intAt(observed, {"status", "availableReplicas"}) >= replicas);
  }
  if (kind == "DaemonSet") {
    const int64_t updated = intAt(observed, {"status", "updatedNumberScheduled"});
    return verdict(observed_generation == generation &&
                   updated >= intAt(observed, {"status", "desiredNumberScheduled"}) &&
                   intAt(observed, {"status", "numberAvailable"}) >= updated);
  }
  if (kind == "Service") {
    if (stringAt(observed, {"spec", "type"}) != "LoadBalancer") return api::kHealthHealthy;
    return verdict(hasLoadBalancerAddress(observed));
  }
  if (kind == "Ingress") return verdict(hasLoadBalancerAddress(observed));
  if (kind == "PersistentVolumeClaim") {
    return verdict(stringAt(observed, {"status", "phase"}) == "Bound");
  }
  if (kind == "Pod") {
    const std::string phase = stringAt(observed, {"status", "phase"});
    return verdict(phase == "Succeeded" || (phase == "Running" && podReady(observed)));
  }
  if (kind == "PodDisruptionBudget") {
    return verdict(intAt(observed, {"status", "currentHealthy"}) >=
                   intAt(observed, {"status", "desiredHealthy"}));
  }
  return api::kHealthHealthy;
}

}  // namespace flotilla::interpreter
