#include "interpreter/health.h"

#include <gtest/gtest.h>

namespace flotilla::interpreter {
namespace {

using api::Json;

TEST(InterpretHealth, Table) {
  struct Row {
    const char* name;
    const char* observed;
    const char* want;
  };
  const Row rows[] = {
      {"deployment_healthy",
       R"({"kind":"Deployment","metadata":{"generation":2},"spec":{"replicas":3},
           "status":{"observedGeneration":2,"updatedReplicas":3,"availableReplicas":3}})",
       "Healthy"},
      {"deployment_stale_generation",
       R"({"kind":"Deployment","metadata":{"generation":3},"spec":{"replicas":3},
           "status":{"observedGeneration":2,"updatedReplicas":3,"availableReplicas":3}})",
       "Unhealthy"},
      {"deployment_not_available",
       R"({"kind":"Deployment","metadata":{"generation":1},"spec":{"replicas":3},
           "status":{"observedGeneration":1,"updatedReplicas":3,"availableReplicas":2}})",
       "Unhealthy"},
      {"statefulset_healthy",
       R"({"kind":"StatefulSet","metadata":{"generation":1},"spec":{"replicas":1},
           "status":{"observedGeneration":1,"updatedReplicas":1,"availableReplicas":1}})",
       "Healthy"},
      {"replicaset",
       R"({"kind":"ReplicaSet","metadata":{"generation":1},"spec":{"replicas":2},
           "status":{"observedGeneration":1,"availableReplicas":1}})",
       "Unhealthy"},
      {"daemonset_healthy",
       R"({"kind":"DaemonSet","metadata":{"generation":1},"status":{"observedGeneration":1,
           "desiredNumberScheduled":2,"updatedNumberScheduled":2,"numberAvailable":2}})",
       "Healthy"},
      {"service_clusterip", R"({"kind":"Service","spec":{"type":"ClusterIP"}})", "Healthy"},
      {"service_lb_pending", R"({"kind":"Service","spec":{"type":"LoadBalancer"},"status":{}})",
       "Unhealthy"},
      {"service_lb_hostname",
       R"({"kind":"Service","spec":{"type":"LoadBalancer"},
           "status":{"loadBalancer":{"ingress":[{"hostname":"lb.example"}]}}})",
       "Healthy"},
      {"ingress_ip",
       R"({"kind":"Ingress","status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}})", "Healthy"},
      {"ingress_none", R"({"kind":"Ingress","status":{}})", "Unhealthy"},
      {"pvc_bound", R"({"kind":"PersistentVolumeClaim","status":{"phase":"Bound"}})", "Healthy"},
      {"pvc_pending", R"({"kind":"PersistentVolumeClaim","status":{"phase":"Pending"}})",
       "Unhealthy"},
      {"pod_running_ready",
       R"({"kind":"Pod","status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}})",
       "Healthy"},
      {"pod_running_not_ready",
       R"({"kind":"Pod","status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}]}})",
       "Unhealthy"},
      {"pod_succeeded", R"({"kind":"Pod","status":{"phase":"Succeeded"}})", "Healthy"},
      {"pdb", R"({"kind":"PodDisruptionBudget","status":{"currentHealthy":1,"desiredHealthy":2}})",
       "Unhealthy"},
      {"job_has_no_hook", R"({"kind":"Job","status":{"failed":3}})", "Healthy"},
      {"not_an_object", R"([1])", "Unknown"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(interpretHealth(Json::parse(r.observed)), r.want) << r.name;
  }
}

}  // namespace
}  // namespace flotilla::interpreter
