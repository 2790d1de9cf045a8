// ResourceRegistry: the set of resources this server serves right now — the built-in Kubernetes
// types (facts from apimachinery's generated BuiltinSchema) plus every established
// CustomResourceDefinition. Discovery, OpenAPI, routing and storage all consult it, so a CRD
// appears everywhere at once. Entries are immutable and shared; a change swaps entries and bumps
// generation() so cached discovery/OpenAPI documents know to rebuild.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace flotilla::apimachinery {
class SchemaNode;
}

namespace flotilla::apiserver {

struct ServedResource {
  std::string group;  // "" = core
  std::string version;
  std::string kind;
  std::string list_kind;
  std::string plural;
  std::string singular;
  bool namespaced = true;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool has_status = false;
  bool has_scale = false;
  // Scale subresource paths (CRDs may choose them; built-ins use the defaults).
  std::string spec_replicas_path = ".spec.replicas";
  std::string status_replicas_path = ".status.replicas";
  std::string label_selector_path;  // "" = derive from .spec.selector
  bool is_custom = false;           // served from a CRD
  std::string crd_name;             // the CRD that defines it
  bool storage_version = true;      // CRDs: whether this is the storage version
  bool generation_tracked = false;  // metadata.generation bumps on spec changes
  bool return_deleted_object = false;  // DELETE answers with the object instead of a Status
  bool label_name = false;             // names are DNS-1123 labels (not subdomains)
  // Schema of the object for validation, pruning, strategic merge and apply; may be null.
  const apimachinery::SchemaNode* schema = nullptr;
  std::shared_ptr<const void> schema_owner;  // keeps a CRD schema alive
  // CRDs: the CRD version object (additionalPrinterColumns, schema, subresources).
  std::shared_ptr<const nlohmann::json> crd_version;

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "deployments.apps" / "configmaps": used in NotFound messages.
  std::string qualifiedResource() const { return group.empty() ? plural : plural + "." + group; }
  // Storage key prefix shared by all versions of the resource (trailing '/').
  std::string storagePrefix() const {
    const bool legacy = group.empty() || (!is_custom && isLegacyGroup(group));
    return legacy ? "/registry/" + plural + "/" : "/registry/" + group + "/" + plural + "/";
  }
  static bool isLegacyGroup(const std::string& group);
};
using ServedResourcePtr = std::shared_ptr<const ServedResource>;

class ResourceRegistry {
 public:
  ResourceRegistry();  // with the built-in resources installed

  ServedResourcePtr find(const std::string& group, const std::string& version,
                         const std::string& plural) const;
  ServedResourcePtr findByKind(const std::string& group, const std::string& version,
                               const std::string& kind) const;
  // Any served version of group/plural (the storage/preferred one first).
  ServedResourcePtr findAnyVersion(const std::string& group, const std::string& plural) const;
  std::vector<ServedResourcePtr> all() const;
  // Group names in discovery order with their versions (preferred first). Core is "".
  std::vector<std::pair<std::string, std::vector<std::string>>> groups() const;

  // Replaces the resources defined by one CRD (empty list = remove).
  void setCustomResources(const std::string& crd_name, std::vector<ServedResourcePtr> resources);
  uint64_t generation() const;

 private:
  void addBuiltin(const std::string& group, const std::string& version, const std::string& plural);
  mutable std::mutex mu_;
  std::vector<ServedResourcePtr> builtin_;
  std::map<std::string, std::vector<ServedResourcePtr>> custom_;  // by CRD name
  uint64_t generation_ = 1;
};

}  // namespace flotilla::apiserver
