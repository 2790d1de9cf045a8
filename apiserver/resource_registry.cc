#include "apiserver/resource_registry.h"

#include <algorithm>
#include <set>

#include "apimachinery/builtin_schema.h"

namespace flotilla::apiserver {

namespace {

// The built-in resources this server serves: (group, version, plural). Everything else about
// them (kind, scope, verbs, short names, subresources, schema) comes from the generated k8s 1.32
// tables.
struct BuiltinEntry {
  const char* group;
  const char* version;
  const char* plural;
};
constexpr BuiltinEntry kBuiltins[] = {
    {"", "v1", "namespaces"},
    {"", "v1", "configmaps"},
    {"", "v1", "secrets"},
    {"", "v1", "serviceaccounts"},
    {"", "v1", "services"},
    {"", "v1", "endpoints"},
    {"", "v1", "pods"},
    {"", "v1", "nodes"},
    {"", "v1", "events"},
    {"", "v1", "persistentvolumeclaims"},
    {"", "v1", "persistentvolumes"},
    {"", "v1", "limitranges"},
    {"", "v1", "resourcequotas"},
    {"", "v1", "podtemplates"},
    {"", "v1", "replicationcontrollers"},
    {"apps", "v1", "deployments"},
    {"apps", "v1", "replicasets"},
    {"apps", "v1", "statefulsets"},
    {"apps", "v1", "daemonsets"},
    {"apps", "v1", "controllerrevisions"},
    {"batch", "v1", "jobs"},
    {"batch", "v1", "cronjobs"},
    {"events.k8s.io", "v1", "events"},
    {"discovery.k8s.io", "v1", "endpointslices"},
    {"coordination.k8s.io", "v1", "leases"},
    {"networking.k8s.io", "v1", "ingresses"},
    {"networking.k8s.io", "v1", "ingressclasses"},
    {"networking.k8s.io", "v1", "networkpolicies"},
    {"rbac.authorization.k8s.io", "v1", "roles"},
    {"rbac.authorization.k8s.io", "v1", "rolebindings"},
    {"rbac.authorization.k8s.io", "v1", "clusterroles"},
    {"rbac.authorization.k8s.io", "v1", "clusterrolebindings"},
    {"scheduling.k8s.io", "v1", "priorityclasses"},
    {"policy", "v1", "poddisruptionbudgets"},
    {"storage.k8s.io", "v1", "storageclasses"},
};

// Kinds whose metadata.generation tracks spec changes (kube-api.md §5.4).
const std::set<std::string> kGenerationGroups = {"apps", "batch", "networking.k8s.io", "policy",
                                                 "apiextensions.k8s.io", "autoscaling"};
// Stores that answer DELETE with the deleted object (kube-api.md §8.1).
const std::set<std::string> kReturnDeleted = {"pods", "serviceaccounts", "storageclasses",
                                              "persistentvolumes", "nodes"};
// Resources whose names are DNS-1123 labels.
const std::set<std::string> kLabelNamed = {"namespaces", "services"};

}  // namespace

bool ServedResource::isLegacyGroup(const std::string& group) {
  // kube-apiserver keeps built-in resources under /registry/<resource>/ whatever their group;
  // only custom resources are group-qualified. events.k8s.io events share core events' storage
  // there; we keep them apart because we do not convert between the two shapes.
  return group != "events.k8s.io";
}

ResourceRegistry::ResourceRegistry() {
  for (const auto& e : kBuiltins) addBuiltin(e.group, e.version, e.plural);
  // CustomResourceDefinition is not part of k8s.io/api, so it has no generated schema.
  auto crd = std::make_shared<ServedResource>();
  crd->group = "apiextensions.k8s.io";
  crd->version = "v1";
  crd->kind = "CustomResourceDefinition";
  crd->list_kind = "CustomResourceDefinitionList";
  crd->plural = "customresourcedefinitions";
  crd->singular = "customresourcedefinition";
  crd->namespaced = false;
  crd->verbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
  crd->short_names = {"crd", "crds"};
  crd->categories = {"api-extensions"};
  crd->has_status = true;
  crd->generation_tracked = true;
  builtin_.push_back(crd);
}

void ResourceRegistry::addBuiltin(const std::string& group, const std::string& version,
                                  const std::string& plural) {
  const auto& schema = apimachinery::BuiltinSchema::instance();
  const apimachinery::ResourceInfo* info = schema.findResource(group, version, plural);
  if (info == nullptr) return;
  auto r = std::make_shared<ServedResource>();
  r->group = group;
  r->version = version;
  r->kind = info->kind;
  r->list_kind = info->kind + "List";
  r->plural = plural;
  r->singular = info->singular_name.empty() ? plural : info->singular_name;
  r->namespaced = info->namespaced;
  r->verbs = info->verbs;
  r->short_names = info->short_names;
  r->categories = info->categories;
  for (const auto& sub : info->subresources) {
    if (sub.name == "status") r->has_status = true;
    if (sub.name == "scale") r->has_scale = true;
  }
  if (plural == "namespaces") r->has_status = true;
  r->generation_tracked = kGenerationGroups.count(group) > 0;
  r->return_deleted_object = kReturnDeleted.count(plural) > 0;
  r->label_name = kLabelNamed.count(plural) > 0;
  r->schema = schema.nodeForKind(group, version, info->kind);
  builtin_.push_back(std::move(r));
}

ServedResourcePtr ResourceRegistry::find(const std::string& group, const std::string& version,
                                         const std::string& plural) const {
  std::lock_guard lock(mu_);
  for (const auto& r : builtin_) {
    if (r->plural == plural && r->group == group && r->version == version) return r;
  }
  for (const auto& [_, list] : custom_) {
    for (const auto& r : list) {
      if (r->plural == plural && r->group == group && r->version == version) return r;
    }
  }
  return nullptr;
}

ServedResourcePtr ResourceRegistry::findByKind(const std::string& group,
                                               const std::string& version,
                                               const std::string& kind) const {
  std::lock_guard lock(mu_);
  for (const auto& r : builtin_) {
    if (r->kind == kind && r->group == group && r->version == version) return r;
  }
  for (const auto& [_, list] : custom_) {
    for (const auto& r : list) {
      if (r->kind == kind && r->group == group && r->version == version) return r;
    }
  }
  return nullptr;
}

ServedResourcePtr ResourceRegistry::findAnyVersion(const std::string& group,
                                                   const std::string& plural) const {
  std::lock_guard lock(mu_);
  for (const auto& r : builtin_) {
    if (r->plural == plural && r->group == group) return r;
  }
  ServedResourcePtr any;
  for (const auto& [_, list] : custom_) {
    for (const auto& r : list) {
      if (r->plural == plural && r->group == group) {
        if (r->storage_version) return r;
        if (!any) any = r;
      }
    }
  }
  return any;
}

std::vector<ServedResourcePtr> ResourceRegistry::all() const {
  std::lock_guard lock(mu_);
  std::vector<ServedResourcePtr> out = builtin_;
  for (const auto& [_, list] : custom_) out.insert(out.end(), list.begin(), list.end());
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> ResourceRegistry::groups() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  auto add = [&](const ServedResource& r) {
    for (auto& [g, versions] : out) {
      if (g == r.group) {
        if (std::find(versions.begin(), versions.end(), r.version) == versions.end()) {
          // The storage version of a CRD is preferred: put it first.
          if (r.is_custom && r.storage_version) {
            versions.insert(versions.begin(), r.version);
          } else {
            versions.push_back(r.version);
          }
        }
        return;
      }
    }
    out.push_back({r.group, {r.version}});
  };
  for (const auto& r : all()) add(*r);
  return out;
}

void ResourceRegistry::setCustomResources(const std::string& crd_name,
                                          std::vector<ServedResourcePtr> resources) {
  std::lock_guard lock(mu_);
  if (resources.empty()) {
    custom_.erase(crd_name);
  } else {
    custom_[crd_name] = std::move(resources);
  }
  ++generation_;
}

uint64_t ResourceRegistry::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

}  // namespace flotilla::apiserver
