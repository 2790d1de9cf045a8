#include "apiserver/crd_support.h"

#include "apimachinery/crd_schema.h"
#include "apimachinery/object_validation.h"
#include "core/clock.h"

namespace flotilla::apiserver {

namespace {

const apimachinery::CrdSchema* schemaOf(const ServedResource& r) {
  return static_cast<const apimachinery::CrdSchema*>(r.schema_owner.get());
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<core::Cause> validateCrdObject(Json& crd) {
  return apimachinery::validateCustomResourceDefinition(crd);
}

std::vector<ServedResourcePtr> servedResourcesFromCrd(const Json& crd) {
  std::vector<ServedResourcePtr> out;
  const Json& spec = crd.value("spec", Json::object());
  const Json& names = spec.value("names", Json::object());
  const std::string crd_name = crd["metadata"].value("name", "");
  for (const auto& v : spec.value("versions", Json::array())) {
    if (!v.value("served", true)) continue;
    auto r = std::make_shared<ServedResource>();
    r->group = spec.value("group", "");
    r->version = v.value("name", "");
    r->kind = names.value("kind", "");
    r->list_kind = names.value("listKind", r->kind + "List");
    r->plural = names.value("plural", "");
    r->singular = names.value("singular", lower(r->kind));
    r->namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    r->verbs = {"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"};
    for (const auto& s : names.value("shortNames", Json::array())) {
      if (s.is_string()) r->short_names.push_back(s.get<std::string>());
    }
    for (const auto& c : names.value("categories", Json::array())) {
      if (c.is_string()) r->categories.push_back(c.get<std::string>());
    }
    const Json subs = v.value("subresources", Json::object());
    r->has_status = subs.is_object() && subs.contains("status");
    if (subs.is_object() && subs.contains("scale") && subs["scale"].is_object()) {
      r->has_scale = true;
      r->spec_replicas_path = subs["scale"].value("specReplicasPath", ".spec.replicas");
      r->status_replicas_path = subs["scale"].value("statusReplicasPath", ".status.replicas");
      r->label_selector_path = subs["scale"].value("labelSelectorPath", "");
    }
    r->is_custom = true;
    r->crd_name = crd_name;
    r->storage_version = v.value("storage", false);
    r->generation_tracked = true;
    Json schema = v.contains("schema") && v["schema"].is_object()
                      ? v["schema"].value("openAPIV3Schema", Json())
                      : Json();
    auto owner = std::make_shared<apimachinery::CrdSchema>(schema);
    r->schema = &owner->root();
    r->schema_owner = owner;
    r->crd_version = std::make_shared<const Json>(v);
    out.push_back(std::move(r));
  }
  return out;
}

Json establishedCrdStatus(const Json& crd, std::chrono::system_clock::time_point now) {
  const Json& spec = crd.value("spec", Json::object());
  Json names = spec.value("names", Json::object());
  Json status = crd.value("status", Json::object());
  if (!status.is_object()) status = Json::object();
  const std::string ts = core::formatRfc3339(now);
  auto condition = [&](const std::string& type, const std::string& reason,
                       const std::string& message) {
    std::string when = ts;
    for (const auto& c : status.value("conditions", Json::array())) {
      if (c.value("type", "") == type && c.value("status", "") == "True") {
        when = c.value("lastTransitionTime", ts);
      }
    }
    return Json{{"type", type},
                {"status", "True"},
                {"reason", reason},
                {"message", message},
                {"lastTransitionTime", when}};
  };
  Json conditions = Json::array({condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                                 condition("Established", "InitialNamesAccepted",
                                           "the initial names have been accepted")});
  Json stored = status.value("storedVersions", Json::array());
  for (const auto& v : spec.value("versions", Json::array())) {
    if (v.value("storage", false)) {
      const std::string name = v.value("name", "");
      if (std::find(stored.begin(), stored.end(), name) == stored.end()) stored.push_back(name);
    }
  }
  return {{"conditions", conditions}, {"acceptedNames", names}, {"storedVersions", stored}};
}

std::vector<std::string> pruneCustomResource(const ServedResource& r, Json& obj) {
  const auto* schema = schemaOf(r);
  return schema ? schema->prune(obj) : std::vector<std::string>{};
}

void defaultCustomResource(const ServedResource& r, Json& obj) {
  if (const auto* schema = schemaOf(r)) schema->applyDefaults(obj);
}

std::vector<core::Cause> validateCustomResource(const ServedResource& r, const Json& obj) {
  const auto* schema = schemaOf(r);
  return schema ? schema->validate(obj) : std::vector<core::Cause>{};
}

}  // namespace flotilla::apiserver
