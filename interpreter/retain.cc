#include "interpreter/retain.h"

#include <set>
#include <sstream>

#include "interpreter/json_access.h"

namespace flotilla::interpreter {

namespace {

std::set<std::string> splitComma(const std::string& s) {
  std::set<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.insert(item);
  }
  return out;
}

// Keys set in the member (by users or controllers there) survive, except keys Karmada managed
// last time (listed in the observed object's managed-* annotation) and that the template no
// longer has: those were deleted on purpose.
void retainMap(Json& desired, const Json& observed, const char* map, const char* managed_key) {
  const Json* observed_map = at(observed, {"metadata", map});
  if (observed_map == nullptr || !observed_map->is_object()) return;
  const auto managed = splitComma(stringAt(observed, {"metadata", "annotations", managed_key}));
  Json& meta = desired["metadata"];
  for (auto it = observed_map->begin(); it != observed_map->end(); ++it) {
    if (managed.count(it.key()) > 0) continue;
    if (meta.contains(map) && meta[map].is_object() && meta[map].contains(it.key())) continue;
    meta[map][it.key()] = it.value();
  }
}

void copyIfPresent(Json& desired, const Json& observed, std::initializer_list<const char*> path) {
  const Json* v = at(observed, path);
  if (v == nullptr) return;
  Json* cur = &desired;
  size_t i = 0;
  for (const char* key : path) {
    if (++i == path.size()) {
      (*cur)[key] = *v;
    } else {
      if (!(*cur)[key].is_object()) (*cur)[key] = Json::object();
      cur = &(*cur)[key];
    }
  }
}

bool emptyOrZero(const Json* v) {
  return v == nullptr || (v->is_string() && v->get<std::string>().empty()) ||
         (v->is_number() && v->get<int64_t>() == 0);
}

void retainService(Json& desired, const Json& observed) {
  // clusterIP is allocated by the member; "None" (headless) is user-chosen and kept as is.
  if (emptyOrZero(at(desired, {"spec", "clusterIP"}))) {
    copyIfPresent(desired, observed, {"spec", "clusterIP"});
  }
  if (!hasPath(desired, {"spec", "clusterIPs"})) {
    copyIfPresent(desired, observed, {"spec", "clusterIPs"});
  }
  if (emptyOrZero(at(desired, {"spec", "healthCheckNodePort"}))) {
    copyIfPresent(desired, observed, {"spec", "healthCheckNodePort"});
  }
  const Json* observed_ports = at(observed, {"spec", "ports"});
  if (observed_ports == nullptr || !observed_ports->is_array() || !desired.contains("spec") ||
      !desired["spec"].contains("ports") || !desired["spec"]["ports"].is_array()) {
    return;
  }
  for (auto& port : desired["spec"]["ports"]) {
    if (!port.is_object() || !emptyOrZero(at(port, {"nodePort"}))) continue;
    for (const auto& op : *observed_ports) {
      if (!op.is_object() || !op.contains("nodePort")) continue;
      const bool same_name = port.value("name", "") == op.value("name", "");
      const bool same_port = port.value("port", Json()) == op.value("port", Json()) &&
                             port.value("protocol", "TCP") == op.value("protocol", "TCP");
      if (same_name && same_port) {
        port["nodePort"] = op["nodePort"];
        break;
      }
    }
  }
}

void mergeNamedList(Json& desired_list, const Json& observed_list, const std::string& prefix) {
  std::set<std::string> have;
  for (const auto& e : desired_list) {
    if (e.is_object()) have.insert(e.value("name", ""));
  }
  for (const auto& e : observed_list) {
    if (!e.is_object()) continue;
    const std::string name = e.value("name", "");
    if (have.count(name) == 0 && name.rfind(prefix, 0) == 0) desired_list.push_back(e);
  }
}

void retainPod(Json& desired, const Json& observed) {
  copyIfPresent(desired, observed, {"spec", "nodeName"});
  if (stringAt(desired, {"spec", "serviceAccountName"}).empty()) {
    copyIfPresent(desired, observed, {"spec", "serviceAccountName"});
  }
  // Projected service-account token volumes are injected by the member's admission.
  const std::string kTokenPrefix = "kube-api-access-";
  const Json* volumes = at(observed, {"spec", "volumes"});
  if (volumes == nullptr || !volumes->is_array()) return;
  if (!desired["spec"].contains("volumes")) desired["spec"]["volumes"] = Json::array();
  if (desired["spec"]["volumes"].is_array()) {
    mergeNamedList(desired["spec"]["volumes"], *volumes, kTokenPrefix);
  }
  for (const char* list : {"containers", "initContainers"}) {
    const Json* observed_containers = at(observed, {"spec", list});
    if (observed_containers == nullptr || !observed_containers->is_array() ||
        !desired["spec"].contains(list) || !desired["spec"][list].is_array()) {
      continue;
    }
    for (auto& c : desired["spec"][list]) {
      for (const auto& oc : *observed_containers) {
        if (!c.is_object() || !oc.is_object() || c.value("name", "") != oc.value("name", "")) {
          continue;
        }
        const Json* mounts = at(oc, {"volumeMounts"});
        if (mounts == nullptr || !mounts->is_array()) continue;
        if (!c.contains("volumeMounts")) c["volumeMounts"] = Json::array();
        if (c["volumeMounts"].is_array()) mergeNamedList(c["volumeMounts"], *mounts, kTokenPrefix);
      }
    }
  }
}

void retainServiceAccount(Json& desired, const Json& observed) {
  const Json* secrets = at(observed, {"secrets"});
  if (secrets == nullptr || !secrets->is_array()) return;
  if (!desired.contains("secrets") || !desired["secrets"].is_array()) {
    desired["secrets"] = Json::array();
  }
  mergeNamedList(desired["secrets"], *secrets, "");
}

}  // namespace

core::Result<Json> retain(const Json& desired_in, const Json& observed) {
  if (!desired_in.is_object()) return core::invalidArgument("desired object must be an object");
  if (!observed.is_object()) return core::invalidArgument("observed object must be an object");
  if (desired_in.contains("metadata") && !desired_in["metadata"].is_object()) {
    return core::invalidArgument("desired metadata must be an object");
  }
  if (desired_in.contains("spec") && !desired_in["spec"].is_object()) {
    return core::invalidArgument("desired spec must be an object");
  }
  Json desired = desired_in;
  // Updates must carry the member's resourceVersion; finalizers and owner references belong to
  // member controllers.
  copyIfPresent(desired, observed, {"metadata", "resourceVersion"});
  copyIfPresent(desired, observed, {"metadata", "finalizers"});
  copyIfPresent(desired, observed, {"metadata", "ownerReferences"});
  retainMap(desired, observed, "labels", kManagedLabelsAnnotation);
  retainMap(desired, observed, "annotations", kManagedAnnotationsAnnotation);

  const std::string kind = kindOf(desired);
  if (kind == "Service") {
    retainService(desired, observed);
  } else if (kind == "Pod") {
    retainPod(desired, observed);
  } else if (kind == "ServiceAccount") {
    retainServiceAccount(desired, observed);
  } else if (kind == "PersistentVolumeClaim") {
    if (stringAt(desired, {"spec", "volumeName"}).empty()) {
      copyIfPresent(desired, observed, {"spec", "volumeName"});
    }
  } else if (kind == "PersistentVolume") {
    copyIfPresent(desired, observed, {"spec", "claimRef"});
  } else if (kind == "Job") {
    // Without manualSelector the member generates the selector and the matching pod labels.
    if (!(at(desired, {"spec", "manualSelector"}) != nullptr &&
          desired["spec"]["manualSelector"] == true)) {
      copyIfPresent(desired, observed, {"spec", "selector"});
      copyIfPresent(desired, observed, {"spec", "template", "metadata", "labels"});
    }
  } else if (kind == "Secret" &&
             stringAt(desired, {"type"}) == "kubernetes.io/service-account-token") {
    copyIfPresent(desired, observed, {"data"});
  }
  return desired;
}

}  // namespace flotilla::interpreter
