#include "planner/manifest.h"

#include "interpreter/replica.h"
#include "policies/override_manager.h"

namespace flotilla::planner {

void pruneForMember(api::Json& object) {
  object.erase("status");
  auto meta = object.find("metadata");
  if (meta != object.end() && meta->is_object()) {
    for (const char* k : {"creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                          "generation", "managedFields", "resourceVersion", "selfLink", "uid",
                          "ownerReferences", "finalizers"}) {
      meta->erase(k);
    }
    const std::string kind = object.value("kind", "");
    auto annotations = meta->find("annotations");
    if (kind == "Deployment" && annotations != meta->end() && annotations->is_object()) {
      annotations->erase("deployment.kubernetes.io/revision");
      annotations->erase("deployment.kubernetes.io/revision-history");
      if (annotations->empty()) meta->erase("annotations");
    }
  }
  if (object.value("kind", "") == "Service" && object.contains("spec") &&
      object["spec"].is_object()) {
    auto& spec = object["spec"];
    if (spec.value("clusterIP", "") != "None") {
      spec.erase("clusterIP");
      spec.erase("clusterIPs");
    }
  }
}

core::Result<api::Json> renderManifest(const api::Json& templ, bool revise_replicas,
                                       int32_t replicas, const api::Cluster& cluster,
                                       const std::vector<api::OverridePolicy>& cops,
                                       const std::vector<api::OverridePolicy>& ops) {
  api::Json object = templ;
  pruneForMember(object);
  if (revise_replicas) {
    auto revised = interpreter::reviseReplica(object, replicas);
    if (!revised.isOk()) return revised.status();
    object = std::move(revised).value();
  }
  auto overridden = policies::applyOverridePolicies(object, cluster, cops, ops);
  if (!overridden.isOk()) return overridden.status();
  return std::move(overridden->object);
}

}  // namespace flotilla::planner
