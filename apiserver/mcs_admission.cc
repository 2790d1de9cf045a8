#include "apiserver/mcs_admission.h"

#include <optional>
#include <set>

#include "apiserver/object_store.h"
#include "mcs/validation/validation.h"

namespace flotilla::apiserver {
namespace {

std::string metaText(const Json& obj, const char* field) {
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].is_object()) return "";
  const Json& v = obj["metadata"].value(field, Json());
  return v.is_string() ? v.get<std::string>() : "";
}

class McsLookups {
 public:
  McsLookups(ObjectStore& store, const ResourceRegistry& registry)
      : store_(store), registry_(registry) {}

  std::optional<Json> service(const std::string& ns, const std::string& name) const {
    auto r = registry_.find("", "v1", "services");
    if (!r || ns.empty() || name.empty()) return std::nullopt;
    auto got = store_.get(*r, ns, name);
    if (!got.isOk()) return std::nullopt;
    return std::move(*got);
  }

  std::optional<std::set<std::string>> clusters() const {
    auto r = registry_.findAnyVersion("cluster.karmada.io", "clusters");
    if (!r) return std::nullopt;
    auto listed = store_.list(*r, "", ListParams{});
    if (!listed.isOk() || listed->items.empty()) return std::nullopt;
    std::set<std::string> names;
    for (const auto& c : listed->items) names.insert(metaText(c, "name"));
    return names;
  }

 private:
  ObjectStore& store_;
  const ResourceRegistry& registry_;
};

bool specUnchanged(const Json& obj, const Json* old) {
  if (old == nullptr) return false;
  return obj.value("spec", Json()) == old->value("spec", Json());
}

}  // namespace

void registerMcsValidators(Admission& admission, ObjectStore& store,
                           const ResourceRegistry& registry) {
  auto lookups = std::make_shared<McsLookups>(store, registry);

  admission.registerValidator(
      "multicluster.x-k8s.io", "ServiceExport",
      [lookups](const Json& obj, const Json* old) -> std::vector<core::Cause> {
        if (old != nullptr) return {};  // no spec: only creation can be wrong
        mcs::McsContext context;
        context.schema_checked = true;
        auto svc = lookups->service(metaText(obj, "namespace"), metaText(obj, "name"));
        if (svc) context.service = &*svc;
        return mcs::validateServiceExport(obj, context);
      });

  admission.registerValidator(
      "multicluster.x-k8s.io", "ServiceImport",
      [](const Json& obj, const Json* old) -> std::vector<core::Cause> {
        if (specUnchanged(obj, old)) return {};
        mcs::McsContext context;
        context.schema_checked = true;
        return mcs::validateServiceImport(obj, context);
      });

  admission.registerValidator(
      "networking.karmada.io", "MultiClusterService",
      [lookups](const Json& obj, const Json* old) -> std::vector<core::Cause> {
        if (specUnchanged(obj, old)) return {};
        mcs::McsContext context;
        context.schema_checked = true;
        context.known_clusters = lookups->clusters();
        auto svc = lookups->service(metaText(obj, "namespace"), metaText(obj, "name"));
        if (svc) context.service = &*svc;
        return mcs::validateMultiClusterService(obj, context);
      });
}

}  // namespace flotilla::apiserver
