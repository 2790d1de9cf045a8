#include "interpreter/reflect_status.h"

#include <charconv>

#include "interpreter/json_access.h"

namespace flotilla::interpreter {

namespace {

// Copies the listed status fields, omitting absent and zero ones (Go omitempty).
Json pick(const Json& status, std::initializer_list<const char*> fields) {
  Json out = Json::object();
  for (const char* f : fields) {
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
  if (kind == "Deployment") {
    out = pick(status, {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
                        "unavailableReplicas", "observedGeneration"});
    FLOTILLA_RETURN_IF_ERROR(addGenerations(out, observed));
  } else if (kind == "ReplicaSet") {
    out = pick(status, {"replicas", "readyReplicas", "availableReplicas", "observedGeneration"});
    FLOTILLA_RETURN_IF_ERROR(addGenerations(out, observed));
  } else if (kind == "DaemonSet") {
    out = pick(status, {"currentNumberScheduled", "desiredNumberScheduled", "numberAvailable",
                        "numberMisscheduled", "numberReady", "updatedNumberScheduled",
                        "numberUnavailable", "observedGeneration"});
    FLOTILLA_RETURN_IF_ERROR(addGenerations(out, observed));
  } else if (kind == "StatefulSet") {
    out = pick(status, {"availableReplicas", "currentReplicas", "readyReplicas", "replicas",
                        "updatedReplicas", "observedGeneration"});
    FLOTILLA_RETURN_IF_ERROR(addGenerations(out, observed));
  } else if (kind == "Job") {
    out = pick(status,
               {"active", "succeeded", "failed", "conditions", "startTime", "completionTime"});
  } else if (kind == "Service") {
    if (stringAt(observed, {"spec", "type"}) != "LoadBalancer") return Json();
    out = pick(status, {"loadBalancer"});
  } else if (kind == "PodDisruptionBudget") {
    out = pick(status, {"currentHealthy", "desiredHealthy", "expectedPods", "disruptionsAllowed",
                        "disruptedPods", "observedGeneration"});
  } else if (kind == "HorizontalPodAutoscaler") {
    out = pick(status, {"currentReplicas", "desiredReplicas", "currentMetrics", "conditions",
                        "lastScaleTime", "observedGeneration"});
  } else {
    out = status;  // Ingress and everything else: the whole status
  }
  return out;
}

}  // namespace flotilla::interpreter
