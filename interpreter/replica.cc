#include "interpreter/replica.h"

#include <map>

#include "api/resource_quantity.h"
#include "interpreter/json_access.h"

namespace flotilla::interpreter {

namespace {

using Milli = std::map<std::string, int64_t>;

core::Status containerRequest(const Json& container, Milli& out, const std::string& where) {
  out.clear();
  for (const char* field : {"limits", "requests"}) {  // requests override limits
    const Json* list = at(container, {"resources", field});
    if (list == nullptr) continue;
    if (!list->is_object())
      return core::invalidArgument(where + ".resources." + field + " must be an object");
    for (auto it = list->begin(); it != list->end(); ++it) {
      std::string text =
          it.value().is_string() ? it.value().get<std::string>() : api::safeDump(it.value());
      auto q = api::parseQuantity(text);
      if (!q) return q.status().withContext(where + ".resources." + field + "." + it.key());
      out[it.key()] = q->milli;
    }
  }
  return core::Status::ok();
}

api::QuantityFormat formatFor(const std::string& resource) {
  // Karmada's util.Resource prints cpu in DecimalSI and memory/ephemeral storage in BinarySI.
  if (resource == "memory" || resource == "ephemeral-storage" ||
      resource.rfind("hugepages-", 0) == 0) {
    return api::QuantityFormat::BinarySI;
  }
  return api::QuantityFormat::DecimalSI;
}

const Json* podTemplateSpec(const Json& object) {
  const std::string kind = kindOf(object);
  if (kind == "Pod") return at(object, {"spec"});
  if (kind == "CronJob") return at(object, {"spec", "jobTemplate", "spec", "template", "spec"});
  return at(object, {"spec", "template", "spec"});
}

}  // namespace

core::Result<api::ResourceList> effectivePodRequest(const Json& pod_spec) {
  Milli sum, init_max, one;
  if (const Json* cs = at(pod_spec, {"containers"}); cs != nullptr && cs->is_array()) {
    for (size_t i = 0; i < cs->size(); ++i) {
      FLOTILLA_RETURN_IF_ERROR(
          containerRequest((*cs)[i], one, "containers[" + std::to_string(i) + "]"));
      for (const auto& [r, v] : one) sum[r] += v;
    }
  }
  if (const Json* cs = at(pod_spec, {"initContainers"}); cs != nullptr && cs->is_array()) {
    for (size_t i = 0; i < cs->size(); ++i) {
      FLOTILLA_RETURN_IF_ERROR(
          containerRequest((*cs)[i], one, "initContainers[" + std::to_string(i) + "]"));
      for (const auto& [r, v] : one) init_max[r] = std::max(init_max[r], v);
    }
  }
  for (const auto& [r, v] : init_max) sum[r] = std::max(sum[r], v);
  if (const Json* overhead = at(pod_spec, {"overhead"});
      overhead != nullptr && overhead->is_object()) {
    for (auto it = overhead->begin(); it != overhead->end(); ++it) {
      auto q = api::parseQuantity(it.value().is_string() ? it.value().get<std::string>()
                                                         : api::safeDump(it.value()));
      if (!q) return q.status().withContext("overhead." + it.key());
      sum[it.key()] += q->milli;
    }
  }
  api::ResourceList out;
  for (const auto& [r, v] : sum) {
    if (v > 0) out[r] = api::formatQuantity(v, formatFor(r));
  }
  return out;
}

core::Result<std::optional<api::ReplicaRequirements>> podRequirements(
    const Json& pod_spec, const std::string& namespace_, const ReplicaOptions& options) {
  api::NodeClaim claim;
  if (const Json* ns = at(pod_spec, {"nodeSelector"}); ns != nullptr) {
    auto decoded = api::fromJson<api::StringMap>(*ns);
    if (!decoded) return decoded.status().withContext("nodeSelector");
    claim.node_selector = *decoded;
  }
  if (const Json* t = at(pod_spec, {"tolerations"}); t != nullptr) {
    auto decoded = api::fromJson<std::vector<api::Toleration>>(*t);
    if (!decoded) return decoded.status().withContext("tolerations");
    claim.tolerations = *decoded;
  }
  if (const Json* hard = at(pod_spec, {"affinity", "nodeAffinity",
                                       "requiredDuringSchedulingIgnoredDuringExecution"})) {
    claim.hard_node_affinity = *hard;
  }
  auto request = effectivePodRequest(pod_spec);
  if (!request) return request.status();
  api::ReplicaRequirements req;
  const bool has_claim =
      !claim.node_selector.empty() || !claim.tolerations.empty() || claim.hard_node_affinity;
  if (has_claim) req.node_claim = claim;
  req.resource_request = *request;
  if (!has_claim && req.resource_request.empty()) {
    return std::optional<api::ReplicaRequirements>();
  }
  if (options.include_quota_fields) {
    req.namespace_ = namespace_;
    req.priority_class_name = stringAt(pod_spec, {"priorityClassName"});
  }
  return std::optional<api::ReplicaRequirements>(req);
}

core::Result<ReplicaResult> interpretReplica(const Json& object, const ReplicaOptions& options) {
  ReplicaResult result;
  const std::string kind = kindOf(object);
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet") {
    result.replicas = static_cast<int32_t>(intAt(object, {"spec", "replicas"}, 0));
  } else if (kind == "Job") {
    // Parallelism is always defaulted by the API server; nil reads as 0 like upstream. More
    // parallel pods than remaining completions never run, hence the min.
    int64_t parallelism = intAt(object, {"spec", "parallelism"}, 0);
    int64_t completions = intAt(object, {"spec", "completions"}, parallelism);
    result.replicas = static_cast<int32_t>(std::min(parallelism, completions));
  } else if (kind == "Pod") {
    result.replicas = 1;
  } else {
    return result;  // no replica hook: a non-workload
  }
  result.has_hook = true;
  const Json* spec = podTemplateSpec(object);
  if (spec == nullptr) return result;
  auto req = podRequirements(*spec, namespaceOf(object), options);
  if (!req) return req.status();
  result.requirements = *req;
  return result;
}

core::Status reviseReplicaInPlace(Json& object, int64_t replicas) {
  const std::string kind = kindOf(object);
  if (!object.is_object() || (object.contains("spec") && !object["spec"].is_object())) {
    return core::invalidArgument("spec must be an object");
  }
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet") {
    object["spec"]["replicas"] = replicas;
  } else if (kind == "Job") {
    object["spec"]["parallelism"] = replicas;
  } else {
    return core::invalidArgument("kind " + (kind.empty() ? std::string("<empty>") : kind) +
                                 " has no reviseReplica hook");
  }
  return core::Status::ok();
}

core::Result<Json> reviseReplica(const Json& object, int64_t replicas) {
  Json out = object;
  FLOTILLA_RETURN_IF_ERROR(reviseReplicaInPlace(out, replicas));
  return out;
}

}  // namespace flotilla::interpreter
