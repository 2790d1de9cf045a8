#include "interpreter/reflect_status.h"

#include <charconv>

#include "interpreter/json_access.h"

namespace flotilla::interpreter {

namespace {

// The status members reflected per kind; interpretHealth reads a subset of these (checked by
// the health and reflection tests through statusFieldsRead).
const std::vector<std::string> kDeploymentFields = {
    "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas",
    "observedGeneration"};
const std::vector<std::string> kReplicaSetFields = {"replicas", "readyReplicas",
                                                    "availableReplicas", "observedGeneration"};
const std::vector<std::string> kDaemonSetFields = {
    "currentNumberScheduled", "desiredNumberScheduled", "numberAvailable", "numberMisscheduled",
    "numberReady", "updatedNumberScheduled", "numberUnavailable", "observedGeneration"};
const std::vector<std::string> kStatefulSetFields = {
    "availableReplicas", "currentReplicas", "readyReplicas", "replicas", "updatedReplicas",
    "observedGeneration"};
const std::vector<std::string> kJobFields = {"active",    "succeeded", "failed",
                                             "conditions", "startTime", "completionTime"};
const std::vector<std::string> kServiceFields = {"loadBalancer"};
const std::vector<std::string> kPodDisruptionBudgetFields = {
    "currentHealthy", "desiredHealthy", "expectedPods", "disruptionsAllowed", "disruptedPods",
    "observedGeneration"};
const std::vector<std::string> kHorizontalPodAutoscalerFields = {
    "currentReplicas", "desiredReplicas", "currentMetrics", "conditions", "lastScaleTime",
    "observedGeneration"};

// Copies the listed status fields, omitting absent and zero ones (Go omitempty).
Json pick(const Json& status, const std::vector<std::string>& fields) {
  Json out = Json::object();
  for (const std::string& f : fields) {
    auto it = status.find(f);
    if (it == status.end() || it->is_null()) continue;
    if (it->is_number() && it->get<double>() == 0) continue;
    out[f] = *it;
  }
  return out;
}

core::Status addGenerations(Json& out, const Json& observed) {
  const std::string text =
      stringAt(observed, {"metadata", "annotations", kResourceTemplateGenerationAnnotation});
  int64_t template_generation = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), template_generation);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return core::invalidArgument(std::string("metadata.annotations[") +
                                 kResourceTemplateGenerationAnnotation +
                                 "] is missing or not an integer");
  }
  int64_t generation = intAt(observed, {"metadata", "generation"});
  if (generation != 0) out["generation"] = generation;
  if (template_generation != 0) out["resourceTemplateGeneration"] = template_generation;
  return core::Status::ok();
}

}  // namespace

core::Result<Json> reflectStatus(const Json& observed) {
  const Json* status_ptr = at(observed, {"status"});
  if (status_ptr == nullptr) return Json();
  if (!status_ptr->is_object()) return core::invalidArgument("status must be an object");
  const Json& status = *status_ptr;
  const std::string kind = kindOf(observed);
  Json out;
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "DaemonSet" ||
      kind == "StatefulSet") {
    out = pick(status, *statusFieldsRead(kind));
    FLOTILLA_RETURN_IF_ERROR(addGenerations(out, observed));
  } else if (kind == "Service") {
    if (stringAt(observed, {"spec", "type"}) != "LoadBalancer") return Json();
    out = pick(status, kServiceFields);
  } else if (const auto* fields = statusFieldsRead(kind); fields != nullptr) {
    out = pick(status, *fields);  // Job, PodDisruptionBudget, HorizontalPodAutoscaler
  } else {
    out = status;  // Ingress and everything else: the whole status
  }
  return out;
}

const std::vector<std::string>* statusFieldsRead(std::string_view kind) {
  if (kind == "Deployment") return &kDeploymentFields;
  if (kind == "ReplicaSet") return &kReplicaSetFields;
  if (kind == "DaemonSet") return &kDaemonSetFields;
  if (kind == "StatefulSet") return &kStatefulSetFields;
  if (kind == "Job") return &kJobFields;
  if (kind == "Service") return &kServiceFields;
  if (kind == "PodDisruptionBudget") return &kPodDisruptionBudgetFields;
  if (kind == "HorizontalPodAutoscaler") return &kHorizontalPodAutoscalerFields;
  return nullptr;
}

}  // namespace flotilla::interpreter
