#include "interpreter/dependency.h"

#include <algorithm>
#include <set>

#include "interpreter/json_access.h"

namespace flotilla::interpreter {

namespace {

struct Names {
  std::set<std::string> config_maps, secrets, service_accounts, pvcs;
};

void addString(std::set<std::string>& out, const Json* v) {
  if (v != nullptr && v->is_string() && !v->get<std::string>().empty()) {
    out.insert(v->get<std::string>());
  }
}

void visitContainers(const Json* containers, Names& names) {
  if (containers == nullptr || !containers->is_array()) return;
  for (const auto& c : *containers) {
    if (const Json* env = at(c, {"env"}); env != nullptr && env->is_array()) {
      for (const auto& e : *env) {
        addString(names.config_maps, at(e, {"valueFrom", "configMapKeyRef", "name"}));
        addString(names.secrets, at(e, {"valueFrom", "secretKeyRef", "name"}));
      }
    }
    if (const Json* env_from = at(c, {"envFrom"}); env_from != nullptr && env_from->is_array()) {
      for (const auto& e : *env_from) {
        addString(names.config_maps, at(e, {"configMapRef", "name"}));
        addString(names.secrets, at(e, {"secretRef", "name"}));
      }
    }
  }
}

void visitPodSpec(const Json& spec, Names& names) {
  for (const char* list : {"containers", "initContainers", "ephemeralContainers"}) {
    visitContainers(at(spec, {list}), names);
  }
  if (const Json* pull = at(spec, {"imagePullSecrets"}); pull != nullptr && pull->is_array()) {
    for (const auto& s : *pull) addString(names.secrets, at(s, {"name"}));
  }
  const std::string sa = stringAt(spec, {"serviceAccountName"});
  if (!sa.empty() && sa != "default") names.service_accounts.insert(sa);
  const Json* volumes = at(spec, {"volumes"});
  if (volumes == nullptr || !volumes->is_array()) return;
  for (const auto& v : *volumes) {
    addString(names.config_maps, at(v, {"configMap", "name"}));
    addString(names.secrets, at(v, {"secret", "secretName"}));
    addString(names.pvcs, at(v, {"persistentVolumeClaim", "claimName"}));
    // Volume plugins that reference credentials Secrets.
    addString(names.secrets, at(v, {"csi", "nodePublishSecretRef", "name"}));
    addString(names.secrets, at(v, {"azureFile", "secretName"}));
    for (const char* plugin :
         {"cephfs", "cinder", "flexVolume", "rbd", "scaleIO", "iscsi", "storageos"}) {
      addString(names.secrets, at(v, {plugin, "secretRef", "name"}));
    }
    if (const Json* sources = at(v, {"projected", "sources"});
        sources != nullptr && sources->is_array()) {
      for (const auto& s : *sources) {
        addString(names.config_maps, at(s, {"configMap", "name"}));
        addString(names.secrets, at(s, {"secret", "name"}));
      }
    }
  }
}

const Json* podSpecOf(const Json& object) {
  const std::string kind = kindOf(object);
  if (kind == "Pod") return at(object, {"spec"});
  if (kind == "CronJob") return at(object, {"spec", "jobTemplate", "spec", "template", "spec"});
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "DaemonSet" ||
      kind == "StatefulSet" || kind == "Job") {
    return at(object, {"spec", "template", "spec"});
  }
  return nullptr;
}

}  // namespace

Json DependentObject::toJson() const {
  Json out = {{"apiVersion", api_version}, {"kind", kind}, {"namespace", namespace_}};
  if (!name.empty()) out["name"] = name;
  if (label_selector) out["labelSelector"] = *label_selector;
  return out;
}

bool DependentObject::operator==(const DependentObject& o) const {
  return api_version == o.api_version && kind == o.kind && namespace_ == o.namespace_ &&
         name == o.name && label_selector == o.label_selector;
}

core::Result<std::vector<DependentObject>> interpretDependency(const Json& object) {
  if (!object.is_object()) return core::invalidArgument("object must be a JSON object");
  const std::string kind = kindOf(object);
  const std::string ns = namespaceOf(object);
  std::vector<DependentObject> out;
  Names names;
  if (const Json* spec = podSpecOf(object)) {
    if (!spec->is_object()) return core::invalidArgument("pod spec must be an object");
    visitPodSpec(*spec, names);
    if (kind == "StatefulSet") {
      // PVCs created from volumeClaimTemplates belong to the StatefulSet itself.
      if (const Json* templates = at(object, {"spec", "volumeClaimTemplates"});
          templates != nullptr && templates->is_array()) {
        for (const auto& t : *templates) names.pvcs.erase(stringAt(t, {"metadata", "name"}));
      }
    }
  } else if (kind == "Ingress") {
    if (const Json* tls = at(object, {"spec", "tls"}); tls != nullptr && tls->is_array()) {
      for (const auto& t : *tls) addString(names.secrets, at(t, {"secretName"}));
    }
  } else if (kind == "ServiceImport") {
    const std::string derived = "derived-" + nameOf(object);
    out.push_back({"v1", "Service", ns, derived, std::nullopt});
    out.push_back({"discovery.k8s.io/v1", "EndpointSlice", ns, "",
                   Json{{"matchLabels", {{"kubernetes.io/service-name", derived}}}}});
    return out;
  }
  for (const auto& n : names.config_maps) out.push_back({"v1", "ConfigMap", ns, n, std::nullopt});
  for (const auto& n : names.secrets) out.push_back({"v1", "Secret", ns, n, std::nullopt});
  for (const auto& n : names.service_accounts) {
    out.push_back({"v1", "ServiceAccount", ns, n, std::nullopt});
  }
  for (const auto& n : names.pvcs) {
    out.push_back({"v1", "PersistentVolumeClaim", ns, n, std::nullopt});
  }
  return out;
}

}  // namespace flotilla::interpreter
