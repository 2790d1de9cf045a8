#include "controllers/detector/namespace_sync.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/work_types.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "controllers/wire/override_policies.h"
#include "policies/override_manager.h"
#include "api/codec.h"

namespace flotilla::controllers {

namespace {

// Marks the Works this controller owns; the value is the namespace carried.
constexpr const char* kNamespaceWorkAnnotation = "namespace.flotilla.io/name";

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

NamespacePropagation namespacePropagation(const nlohmann::json& ns) {
  const auto meta = ns.value("metadata", nlohmann::json::object());
  const std::string name = meta.value("name", "");
  if (name.empty() || name == "karmada-system" || name == "karmada-cluster" ||
      startsWith(name, kExecutionNamespacePrefix) || startsWith(name, "kube-")) {
    return NamespacePropagation::Reserved;
  }
  const auto labels = meta.value("labels", nlohmann::json::object());
  if (labels.is_object() && labels.value(kSkipAutoPropagationLabel, "") == "true") {
    return NamespacePropagation::Skip;
  }
  return NamespacePropagation::Propagate;
}

core::Result<nlohmann::json> namespaceWork(const nlohmann::json& ns, const std::string& cluster,
                                           const nlohmann::json& existing,
                                           const NamespaceOverride& override_manifest) {
  const auto& meta = ns.at("metadata");
  const std::string name = meta.value("name", "");
  const std::string work_ns = api::executionNamespace(cluster);
  const std::string work_name = api::workName("", name, "Namespace");

  nlohmann::json manifest = {{"apiVersion", "v1"},
                             {"kind", "Namespace"},
                             {"metadata", {{"name", name}}}};
  auto& mm = manifest["metadata"];
  mm["labels"] = meta.value("labels", nlohmann::json::object());
  mm["annotations"] = meta.value("annotations", nlohmann::json::object());
  mm["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
  mm["labels"][kManagedLabel] = "true";
  mm["annotations"][kWorkNameAnnotation] = work_name;
  mm["annotations"][kWorkNamespaceAnnotation] = work_ns;
  // The member namespace may already exist (created by hand, or on demand by the execution
  // controller before this Work): adopting it is what the namespace controller is for.
  mm["annotations"][kConflictResolutionAnnotation] = "overwrite";
  std::string applied_overrides;
  if (override_manifest) {
    auto applied = override_manifest(manifest);
    if (!applied) return applied.status();
    applied_overrides = std::move(*applied);
  }

  nlohmann::json work = existing.is_object() ? existing : nlohmann::json::object();
  work["apiVersion"] = api::kWorkV1alpha1GroupVersion;
  work["kind"] = "Work";
  auto& wm = work["metadata"];
  wm["name"] = work_name;
  wm["namespace"] = work_ns;
  nlohmann::json finalizers = wm.value("finalizers", nlohmann::json::array());
  if (std::find(finalizers.begin(), finalizers.end(), kExecutionFinalizer) == finalizers.end()) {
    finalizers.push_back(kExecutionFinalizer);
  }
  wm["finalizers"] = std::move(finalizers);
  if (!wm["labels"].is_object()) wm["labels"] = nlohmann::json::object();
  if (!wm["labels"].contains(kWorkPermanentIdLabel)) {
    wm["labels"][kWorkPermanentIdLabel] = newPermanentId();
  }
  manifest["metadata"]["labels"][kWorkPermanentIdLabel] = wm["labels"][kWorkPermanentIdLabel];
  if (!wm["annotations"].is_object()) wm["annotations"] = nlohmann::json::object();
  if (applied_overrides.empty()) {
    wm["annotations"].erase(policies::kAppliedClusterOverridesAnnotation);
  } else {
    wm["annotations"][policies::kAppliedClusterOverridesAnnotation] = applied_overrides;
  }
  wm["annotations"][kNamespaceWorkAnnotation] = name;
  wm["annotations"][kConflictResolutionAnnotation] = "overwrite";
  work["spec"]["workload"]["manifests"] = nlohmann::json::array({manifest});
  return work;
}

std::string namespaceOfWork(const nlohmann::json& work) {
  const auto ann = work.value("metadata", nlohmann::json::object())
                       .value("annotations", nlohmann::json::object());
  return ann.is_object() ? ann.value(kNamespaceWorkAnnotation, "") : "";
}

std::string namespaceOfWork(const client::Object& work) {
  return work.annotation(kNamespaceWorkAnnotation).value_or("");
}

NamespaceSync::NamespaceSync(client::ClientPtr host, NamespaceSyncCaches caches)
    : host_(std::move(host)), caches_(caches) {}

core::Result<runtime::ReconcileResult> NamespaceSync::reconcile(const runtime::Request& request) {
  auto log = core::logger("namespace-sync");
  const std::string& name = request.name;
  client::ObjectPtr ns = caches_.namespaces->get("", name);
  // A terminating namespace keeps its Works until it is gone (like Karmada, where the garbage
  // collector removes them through their owner reference): its workloads' Works are deleted
  // meanwhile, and removing the member namespace first would race with their cleanup.
  if (ns && ns->deleting()) return runtime::ReconcileResult{};
  const bool gone = !ns;
  const NamespacePropagation what =
      gone ? NamespacePropagation::Reserved : namespacePropagation(ns->json());
  if (what == NamespacePropagation::Skip) return runtime::ReconcileResult{};  // leave as is
  const std::string work_name = api::workName("", name, "Namespace");
  const std::vector<api::OverridePolicy> cops =
      caches_.cluster_override_policies
          ? decodeOverridePolicies(caches_.cluster_override_policies->list())
          : std::vector<api::OverridePolicy>{};

  for (const auto& cluster : caches_.clusters->list()) {
    const std::string work_ns = api::executionNamespace(cluster->name());
    client::ObjectPtr existing = caches_.works->get(work_ns, work_name);
    if (existing && namespaceOfWork(*existing) != name) continue;  // not ours
    if (what == NamespacePropagation::Reserved || cluster->deleting()) {
      if (!existing || existing->deleting()) continue;
      auto s = host_->remove(kWorksGvr, work_ns, work_name, {});
      if (!s.isOk() && s.code() != core::Code::NotFound) return s;
      log->info("[{}] namespace work for {} deleted", name, cluster->name());
      continue;
    }
    const nlohmann::json existing_json = existing ? *existing->tree() : nlohmann::json();
    NamespaceOverride override_manifest;
    std::optional<api::Cluster> typed_cluster;
    if (!cops.empty()) {
      auto decoded = api::fromJson<api::Cluster>(cluster->json());
      if (decoded) typed_cluster = std::move(*decoded);
    }
    if (typed_cluster) {
      override_manifest = [&](nlohmann::json& manifest) -> core::Result<std::string> {
        auto overridden = policies::applyOverridePolicies(manifest, *typed_cluster, cops, {});
        if (!overridden) return overridden.status();
        manifest = std::move(overridden->object);
        return policies::appliedOverridesAnnotation(overridden->cluster_overrides);
      };
    }
    auto built = namespaceWork(ns->json(), cluster->name(), existing_json, override_manifest);
    if (!built) {
      return built.status().withContext("namespace " + name + " for cluster " + cluster->name());
    }
    nlohmann::json desired = std::move(*built);
    if (existing && desired == existing_json) continue;
    if (existing && existing->deleting()) continue;  // recreated once the old one is gone
    auto written = existing ? host_->update(kWorksGvr, work_ns, desired, {kFieldManager})
                            : host_->create(kWorksGvr, work_ns, desired, {kFieldManager});
    if (!written) {
      // The execution namespace appears with the Cluster's join; retry until it does.
      if (written.status().code() == core::Code::AlreadyExists) {
        return core::Status(core::Code::Conflict, "namespace work appeared meanwhile");
      }
      return written.status();
    }
    log->info("[{}] namespace work for {} {}", name, cluster->name(),
              existing ? "updated" : "created");
  }
  return runtime::ReconcileResult{};
}

}  // namespace flotilla::controllers
