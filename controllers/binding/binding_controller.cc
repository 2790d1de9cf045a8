#include "controllers/binding/binding_controller.h"

#include <spdlog/spdlog.h>

#include <set>

#include "api/work_types.h"
#include "apimachinery/json_parse.h"
#include "controllers/wire/karmada_names.h"
#include "controllers/wire/override_policies.h"
#include "core/logging.h"
#include "failover/eviction.h"
#include "interpreter/replica.h"
#include "interpreter/retain.h"
#include "planner/manifest.h"
#include "policies/override_manager.h"

namespace flotilla::controllers {

namespace {

std::string joinedKeys(const nlohmann::json& map) {
  std::string out;
  if (!map.is_object()) return out;
  for (auto it = map.begin(); it != map.end(); ++it) {  // nlohmann objects iterate sorted
    if (!out.empty()) out += ",";
    out += it.key();
  }
  return out;
}

// "overwrite" or "abort": the template's annotation wins when it is one of them.
std::string conflictResolution(const nlohmann::json& templ, const nlohmann::json& binding) {
  const auto ann = templ["metadata"].value("annotations", nlohmann::json::object());
  const std::string own = ann.value(kConflictResolutionAnnotation, "");
  if (own == "overwrite" || own == "abort") return own;
  return binding["spec"].value("conflictResolution", "") == "Overwrite" ? "overwrite" : "abort";
}

}  // namespace

std::vector<std::string> workBindingIndex(const client::Object& work) {
  // Read from the text: a tree built here would stay on every cached Work.
  if (auto crb = work.annotation(kCRBNameAnnotation)) return {*crb};
  if (auto rb = work.annotation(kRBNameAnnotation)) {
    return {client::objectKey(work.annotation(kRBNamespaceAnnotation).value_or(""), *rb)};
  }
  return {};
}

BindingController::BindingController(client::ClientPtr host, BindingCaches caches,
                                     const TemplateStore* templates,
                                     std::shared_ptr<runtime::EventRecorder> events)
    : host_(std::move(host)), caches_(caches), templates_(templates), events_(std::move(events)) {}

std::shared_ptr<const api::Cluster> BindingController::decodedCluster(const std::string& name) {
  client::ObjectPtr obj = caches_.clusters->get(name);
  if (!obj) return nullptr;
  {
    std::lock_guard lock(clusters_mu_);
    auto it = decoded_clusters_.find(name);
    if (it != decoded_clusters_.end() && it->second.first == obj->resourceVersion()) {
      return it->second.second;
    }
  }
  // Decoding a Cluster (its status lists every API resource) costs more than rendering a Work;
  // every binding of a cluster shares one decode per Cluster version.
  auto decoded = api::fromJson<api::Cluster>(obj->json());
  if (!decoded) return nullptr;
  auto shared = std::make_shared<const api::Cluster>(std::move(*decoded));
  std::lock_guard lock(clusters_mu_);
  decoded_clusters_[name] = {obj->resourceVersion(), shared};
  return shared;
}

core::Status BindingController::removeWorks(const std::string& binding_key,
                                            const std::set<std::string>& keep) {
  for (const auto& w : caches_.works->byIndex(kWorkBindingIndex, binding_key)) {
    if (keep.count(w->key()) || w->deleting()) continue;
    core::Status s = host_->remove(kWorksGvr, w->namespaceName(), w->name(), {});
    if (!s.isOk() && s.code() != core::Code::NotFound) return s;
    core::logger("binding")->info("[{}] work {} deleted", binding_key, w->key());
  }
  return core::Status();
}

core::Result<runtime::ReconcileResult> BindingController::reconcile(
    const runtime::Request& request) {
  const std::string& ns = request.namespace_name;
  const bool cluster_scoped = ns.empty();
  const std::string key = request.key();
  const client::Indexer* cache =
      cluster_scoped ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  client::ObjectPtr cached = cache->get(ns, request.name);
  if (!cached || cached->deleting()) {
    FLOTILLA_RETURN_IF_ERROR(removeWorks(key, {}));
    return runtime::ReconcileResult{};
  }
  // Private parses (tree()): bindings and templates are many and large, and a tree kept on each
  // cached one would cost several times its text.
  const auto b_tree = cached->tree();
  const nlohmann::json& b = *b_tree;
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json& spec = b.contains("spec") ? b["spec"] : kEmpty;
  const nlohmann::json& res = spec.contains("resource") ? spec["resource"] : kEmpty;
  client::ObjectPtr templ_obj =
      templates_->get(res.value("apiVersion", ""), res.value("kind", ""),
                      res.value("namespace", ""), res.value("name", ""));
  if (!templ_obj) return runtime::ReconcileResult{};  // the detector removes the binding
  const auto templ_tree = templ_obj->tree();
  const nlohmann::json& templ = *templ_tree;
  const auto suspension = spec.value("suspension", nlohmann::json::object());
  if (suspension.value("dispatching", false)) return runtime::ReconcileResult{};

  auto interpreted = interpreter::interpretReplica(templ);
  if (!interpreted) return runtime::terminalError(interpreted.status());
  std::vector<api::OverridePolicy> ops, cops;
  if (!cluster_scoped && caches_.override_policies) {
    ops = decodeOverridePolicies(caches_.override_policies->byNamespace(ns));
  }
  if (caches_.cluster_override_policies) {
    cops = decodeOverridePolicies(caches_.cluster_override_policies->list());
  }
  const std::string binding_id_label = cluster_scoped ? kCRBPermanentIdLabel : kRBPermanentIdLabel;
  const auto blabels = b["metadata"].value("labels", nlohmann::json::object());
  const std::string binding_id = blabels.value(binding_id_label, "");
  const std::string conflict = conflictResolution(templ, b);
  const std::string work_name =
      api::workName(res.value("namespace", ""), res.value("name", ""), res.value("kind", ""));

  // Pruning does not depend on the cluster: once per binding, not once per target.
  nlohmann::json pruned = templ;
  planner::pruneForMember(pruned);
  std::set<std::string> keep;
  for (const auto& target : spec.value("clusters", nlohmann::json::array())) {
    const std::string cluster_name = target.value("name", "");
    auto cluster = decodedCluster(cluster_name);
    if (!cluster) continue;
    const std::string work_ns = api::executionNamespace(cluster_name);
    keep.insert(client::objectKey(work_ns, work_name));

    // Same steps as planner::renderManifest, with the applied overrides kept for annotations.
    // One copy of the pruned template per target, edited in place.
    nlohmann::json manifest = pruned;
    if (interpreted->has_hook) {
      auto revised = interpreter::reviseReplicaInPlace(manifest, target.value("replicas", 0));
      if (!revised.isOk()) return runtime::terminalError(revised);
    }
    core::Result<policies::OverrideResult> overridden = policies::OverrideResult{};
    if (cops.empty() && ops.empty()) {
      // No policy can apply: nothing to override or to record (what applyOverridePolicies
      // gives then, without a copy of the manifest).
      overridden->object = std::move(manifest);
    } else {
      overridden = policies::applyOverridePolicies(manifest, *cluster, cops, ops);
    }
    if (!overridden) {
      if (events_) {
        (void)events_->record(*cached, runtime::EventType::Warning, "OverridePolicyFailed",
                              "cluster " + cluster_name + ": " + overridden.status().message());
      }
      return runtime::terminalError(overridden.status());
    }
    manifest = std::move(overridden->object);

    client::ObjectPtr existing = caches_.works->get(work_ns, work_name);
    // Parsed privately: a tree kept on every cached Work would cost several times its text.
    const nlohmann::json existing_json =
        existing ? apimachinery::parseJsonOrThrow(existing->raw()) : nlohmann::json();
    std::string work_id;
    if (existing) {
      work_id = existing_json["metadata"]
                    .value("labels", nlohmann::json::object())
                    .value(kWorkPermanentIdLabel, "");
    }
    if (work_id.empty()) work_id = newPermanentId();

    auto& mm = manifest["metadata"];
    const std::string managed_labels = joinedKeys(mm.value("labels", nlohmann::json::object()));
    const std::string managed_annotations =
        joinedKeys(mm.value("annotations", nlohmann::json::object()));
    mm["labels"][kManagedLabel] = "true";
    mm["labels"][binding_id_label] = binding_id;
    mm["labels"][kWorkPermanentIdLabel] = work_id;
    auto& ma = mm["annotations"];
    ma[kTemplateUidAnnotation] = templ["metadata"].value("uid", "");
    ma[kTemplateGenerationAnnotation] =
        std::to_string(templ["metadata"].value("generation", int64_t{0}));
    if (cluster_scoped) {
      ma[kCRBNameAnnotation] = request.name;
    } else {
      ma[kRBNamespaceAnnotation] = ns;
      ma[kRBNameAnnotation] = request.name;
    }
    ma[kWorkNameAnnotation] = work_name;
    ma[kWorkNamespaceAnnotation] = work_ns;
    ma[kConflictResolutionAnnotation] = conflict;
    ma[interpreter::kManagedLabelsAnnotation] = managed_labels;
    ma[interpreter::kManagedAnnotationsAnnotation] = managed_annotations;

    nlohmann::json work = existing ? existing_json : nlohmann::json::object();
    work["apiVersion"] = api::kWorkV1alpha1GroupVersion;
    work["kind"] = "Work";
    auto& wm = work["metadata"];
    wm["name"] = work_name;
    wm["namespace"] = work_ns;
    nlohmann::json finalizers = wm.value("finalizers", nlohmann::json::array());
    if (std::find(finalizers.begin(), finalizers.end(), kExecutionFinalizer) == finalizers.end()) {
      finalizers.push_back(kExecutionFinalizer);
    }
    wm["finalizers"] = finalizers;
    wm["labels"][binding_id_label] = binding_id;
    wm["labels"][kWorkPermanentIdLabel] = work_id;
    auto& wa = wm["annotations"];
    if (cluster_scoped) {
      wa[kCRBNameAnnotation] = request.name;
    } else {
      wa[kRBNamespaceAnnotation] = ns;
      wa[kRBNameAnnotation] = request.name;
    }
    wa[kConflictResolutionAnnotation] = conflict;
    const std::string applied_cops =
        policies::appliedOverridesAnnotation(overridden->cluster_overrides);
    const std::string applied_ops = policies::appliedOverridesAnnotation(overridden->overrides);
    for (const auto& [k, v] : {std::pair{policies::kAppliedClusterOverridesAnnotation,
                                         applied_cops},
                               std::pair{policies::kAppliedOverridesAnnotation, applied_ops}}) {
      if (v.empty()) {
        wa.erase(k);
      } else {
        wa[k] = v;
      }
    }
    nlohmann::json manifests = nlohmann::json::array();
    manifests.push_back(std::move(manifest));
    work["spec"]["workload"]["manifests"] = std::move(manifests);
    if (spec.contains("preserveResourcesOnDeletion")) {
      work["spec"]["preserveResourcesOnDeletion"] = spec["preserveResourcesOnDeletion"];
    }
    if (existing && work == existing_json) continue;
    auto written = existing ? host_->update(kWorksGvr, work_ns, work, {kFieldManager})
                            : host_->create(kWorksGvr, work_ns, work, {kFieldManager});
    if (!written) return written.status();
    core::logger("binding")->info("[{}] work {}/{} {}", key, work_ns, work_name,
                                  existing ? "updated" : "created");
  }
  // A cluster being evicted Gracefully or Never keeps its Work (the old copy) until the
  // graceful-eviction controller drops the task; Directly tasks lose it at once.
  for (const auto& task : spec.value("gracefulEvictionTasks", nlohmann::json::array())) {
    if (failover::normalizePurgeMode(task.value("purgeMode", "")) == failover::kPurgeDirectly) {
      continue;
    }
    keep.insert(client::objectKey(api::executionNamespace(task.value("fromCluster", "")),
                                  work_name));
  }
  FLOTILLA_RETURN_IF_ERROR(removeWorks(key, keep));
  return runtime::ReconcileResult{};
}

}  // namespace flotilla::controllers
