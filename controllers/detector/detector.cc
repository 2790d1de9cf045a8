#include "controllers/detector/detector.h"

#include <spdlog/spdlog.h>

#include <functional>

#include "api/work_types.h"
#include "client/json_scan.h"
#include "controllers/scheduler/scheduler_controller.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "interpreter/dependency.h"
#include "interpreter/replica.h"

namespace flotilla::controllers {

namespace {

std::vector<api::PropagationPolicy> decodePolicies(const std::vector<client::ObjectPtr>& objs) {
  std::vector<api::PropagationPolicy> out;
  for (const auto& o : objs) {
    auto p = api::fromJson<api::PropagationPolicy>(o->json());
    if (!p) continue;  // the webhook would have rejected it; it matches nothing
    api::setDefaults(*p);
    // Matching compares claims by permanent id; policies created without Karmada's webhook
    // have none, so their uid stands in.
    const char* label =
        p->isClusterScoped() ? policies::kCPPPermanentIdLabel : policies::kPPPermanentIdLabel;
    if (!p->metadata.labels.count(label)) p->metadata.labels[label] = p->metadata.uid;
    out.push_back(std::move(*p));
  }
  return out;
}

std::size_t mix(std::size_t h, std::size_t v) {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

std::size_t policiesHash(const std::vector<client::ObjectPtr>& pps,
                         const std::vector<client::ObjectPtr>& cpps) {
  std::size_t h = 0;
  for (const auto* list : {&pps, &cpps}) {
    h = mix(h, list->size());
    for (const auto& p : *list) {
      h = mix(h, std::hash<std::string>()(p->key()));
      h = mix(h, std::hash<std::string>()(p->resourceVersion()));
    }
  }
  return h;
}

bool sameClaimMetadata(const nlohmann::json& a, const nlohmann::json& b) {
  const auto meta = [](const nlohmann::json& j, const char* m) {
    return j.value("metadata", nlohmann::json::object()).value(m, nlohmann::json::object());
  };
  return meta(a, "labels") == meta(b, "labels") &&
         meta(a, "annotations") == meta(b, "annotations");
}

const auto& bindingGvr(bool cluster_scoped) {
  return cluster_scoped ? kClusterResourceBindingsGvr : kResourceBindingsGvr;
}

}  // namespace

std::size_t detectorInputHash(const client::ObjectPtr& obj) {
  if (!obj) return 0;
  const std::string& text = obj->raw();
  const char* p = text.data();
  const char* end = p + text.size();
  client::json_scan::skipSpace(p, end);
  std::size_t h = 1;
  const auto add = [&h](std::string_view k, std::string_view v) {
    h = mix(h, std::hash<std::string_view>()(k));
    h = mix(h, std::hash<std::string_view>()(v));
  };
  const bool ok = client::json_scan::forEachMember(p, end, [&](std::string_view k,
                                                               std::string_view v) {
    if (k == "status") return true;
    if (k != "metadata" || v.empty() || v.front() != '{') {
      add(k, v);
      return true;
    }
    const char* mp = v.data();
    return client::json_scan::forEachMember(mp, v.data() + v.size(),
                                            [&](std::string_view mk, std::string_view mv) {
      if (mk != "resourceVersion") add(mk, mv);
      return true;
    });
  });
  // Unreadable text: a hash of its version, which no other text of the key shares.
  return ok ? h : mix(2, std::hash<std::string>()(obj->resourceVersion()));
}

std::string policyPermanentId(const api::PropagationPolicy& policy) {
  const char* label =
      policy.isClusterScoped() ? policies::kCPPPermanentIdLabel : policies::kPPPermanentIdLabel;
  auto it = policy.metadata.labels.find(label);
  return it != policy.metadata.labels.end() ? it->second : policy.metadata.uid;
}

core::Result<nlohmann::json> desiredBinding(const nlohmann::json& templ,
                                            const api::PropagationPolicy& policy,
                                            const nlohmann::json& existing) {
  const auto& meta = templ.at("metadata");
  const std::string api_version = templ.value("apiVersion", "");
  const std::string kind = templ.value("kind", "");
  const std::string ns = meta.value("namespace", "");
  const std::string name = meta.value("name", "");
  const bool cluster_scoped = ns.empty();

  nlohmann::json b = existing.is_object() ? existing : nlohmann::json::object();
  b["apiVersion"] = api::kWorkGroupVersion;
  b["kind"] = cluster_scoped ? "ClusterResourceBinding" : "ResourceBinding";
  auto& bm = b["metadata"];
  bm["name"] = api::bindingName(kind, name);
  if (!cluster_scoped) bm["namespace"] = ns;
  auto& labels = bm["labels"];
  if (!labels.is_object()) labels = nlohmann::json::object();
  auto& annotations = bm["annotations"];
  if (!annotations.is_object()) annotations = nlohmann::json::object();
  for (const char* k : {policies::kPPPermanentIdLabel, policies::kCPPPermanentIdLabel}) {
    labels.erase(k);
  }
  for (const char* k : {policies::kPPNamespaceAnnotation, policies::kPPNameAnnotation,
                        policies::kCPPNameAnnotation}) {
    annotations.erase(k);
  }
  if (policy.isClusterScoped()) {
    labels[policies::kCPPPermanentIdLabel] = policyPermanentId(policy);
    annotations[policies::kCPPNameAnnotation] = policy.metadata.name;
  } else {
    labels[policies::kPPPermanentIdLabel] = policyPermanentId(policy);
    annotations[policies::kPPNamespaceAnnotation] = policy.metadata.namespace_;
    annotations[policies::kPPNameAnnotation] = policy.metadata.name;
  }
  const char* id_label = cluster_scoped ? kCRBPermanentIdLabel : kRBPermanentIdLabel;
  if (!labels.contains(id_label)) labels[id_label] = newPermanentId();
  bm["ownerReferences"] = nlohmann::json::array({{{"apiVersion", api_version},
                                                  {"kind", kind},
                                                  {"name", name},
                                                  {"uid", meta.value("uid", "")},
                                                  {"controller", true},
                                                  {"blockOwnerDeletion", true}}});

  auto& spec = b["spec"];
  if (!spec.is_object()) spec = nlohmann::json::object();
  nlohmann::json resource = {{"apiVersion", api_version}, {"kind", kind}, {"name", name}};
  if (!ns.empty()) resource["namespace"] = ns;
  if (meta.contains("uid")) resource["uid"] = meta["uid"];
  // resourceVersion is left out on purpose: every template status write would otherwise bump
  // the binding generation and trigger a reschedule.
  spec["resource"] = std::move(resource);

  auto replicas = interpreter::interpretReplica(templ);
  if (!replicas) return replicas.status();
  spec.erase("replicas");
  spec.erase("replicaRequirements");
  if (replicas->has_hook) {
    if (replicas->replicas > 0) spec["replicas"] = replicas->replicas;
    if (replicas->requirements) spec["replicaRequirements"] = api::toJson(*replicas->requirements);
  }
  const auto& ps = policy.spec;
  spec["placement"] = api::toJson(ps.placement);
  auto set_or_erase = [&spec](const char* key, nlohmann::json value, bool present) {
    if (present) {
      spec[key] = std::move(value);
    } else {
      spec.erase(key);
    }
  };
  set_or_erase("propagateDeps", ps.propagate_deps, ps.propagate_deps);
  set_or_erase("schedulerName", ps.scheduler_name, !ps.scheduler_name.empty());
  set_or_erase("conflictResolution", ps.conflict_resolution, !ps.conflict_resolution.empty());
  set_or_erase("failover", ps.failover ? api::toJson(*ps.failover) : nlohmann::json(),
               ps.failover.has_value());
  set_or_erase("suspension", ps.suspension ? api::toJson(*ps.suspension) : nlohmann::json(),
               ps.suspension.has_value());
  set_or_erase("preserveResourcesOnDeletion", ps.preserve_resources_on_deletion.value_or(false),
               ps.preserve_resources_on_deletion.has_value());
  set_or_erase("schedulePriority",
               ps.schedule_priority ? api::toJson(*ps.schedule_priority) : nlohmann::json(),
               ps.schedule_priority.has_value());
  return b;
}

Detector::Detector(client::ClientPtr host, TemplateKind kind, DetectorCaches caches,
                   const TemplateStore* templates, policies::MatchOptions options)
    : host_(std::move(host)),
      kind_(std::move(kind)),
      caches_(caches),
      templates_(templates),
      options_(std::move(options)) {}

core::Status Detector::deleteBinding(const std::string& ns, const std::string& name) {
  const client::Indexer* cache =
      ns.empty() ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  if (cache != nullptr && !cache->get(ns, name)) return core::Status();
  core::Status s = host_->remove(bindingGvr(ns.empty()), ns, name, {});
  if (!s.isOk() && s.code() != core::Code::NotFound) return s;
  core::logger("detector")->info("[{}] binding deleted", client::objectKey(ns, name));
  // Its dependencies are no longer required by it.
  if (!ns.empty()) return pruneDependents(ns, name, {});
  return core::Status();
}

core::Status Detector::pruneDependents(const std::string& ns, const std::string& parent,
                                       const std::set<std::string>& keep) {
  if (caches_.resource_bindings == nullptr) return core::Status();
  // The requiredBy index (registered by the composition root) names exactly the bindings that
  // list `parent`: no scan of the namespace on every reconcile.
  for (const auto& dep :
       caches_.resource_bindings->byIndex(kRequiredByIndex, client::objectKey(ns, parent))) {
    if (keep.count(dep->name()) || dep->deleting()) continue;
    const auto tree = dep->tree();
    const nlohmann::json& b = *tree;
    const nlohmann::json& required = b["spec"]["requiredBy"];
    if (!required.is_array()) continue;
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& r : required) {
      if (!(r.is_object() && r.value("namespace", "") == ns && r.value("name", "") == parent)) {
        kept.push_back(r);
      }
    }
    if (kept.size() == required.size()) continue;
    if (kept.empty() && isDependencyBinding(b)) {
      core::Status st = host_->remove(kResourceBindingsGvr, ns, dep->name(), {});
      if (!st.isOk() && st.code() != core::Code::NotFound) return st;
      core::logger("detector")->info("[{}] dependency binding deleted: no longer required by {}",
                                     dep->key(), parent);
      continue;
    }
    nlohmann::json next = b;
    next["spec"]["requiredBy"] = std::move(kept);
    auto written = host_->update(kResourceBindingsGvr, ns, next, {kFieldManager});
    if (!written && written.status().code() != core::Code::NotFound) return written.status();
  }
  return core::Status();
}

// No policy claims the template. A policy's binding goes; a dependency binding (no policy claim,
// `requiredBy` set by the workloads' detectors) stays while a binding that requires it exists.
core::Status Detector::releaseUnclaimedBinding(const std::string& ns, const std::string& name) {
  const client::Indexer* cache =
      ns.empty() ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  client::ObjectPtr existing = cache ? cache->get(ns, name) : nullptr;
  if (!existing) return deleteBinding(ns, name);
  const auto b_tree = existing->tree();
  const nlohmann::json& b = *b_tree;
  if (!isDependencyBinding(b)) return deleteBinding(ns, name);
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& r : b["spec"]["requiredBy"]) {
    const std::string rns = r.value("namespace", "");
    const client::Indexer* rcache =
        rns.empty() ? caches_.cluster_resource_bindings : caches_.resource_bindings;
    if (rcache == nullptr || rcache->get(rns, r.value("name", ""))) kept.push_back(r);
  }
  if (kept.empty()) return deleteBinding(ns, name);
  if (kept == b["spec"]["requiredBy"]) return core::Status();
  nlohmann::json next = b;
  next["spec"]["requiredBy"] = std::move(kept);
  auto written = host_->update(bindingGvr(ns.empty()), ns, next, {kFieldManager});
  if (!written && written.status().code() != core::Code::NotFound) return written.status();
  return core::Status();
}

bool isDependencyBinding(const nlohmann::json& binding) {
  const auto meta = binding.value("metadata", nlohmann::json::object());
  const auto labels = meta.value("labels", nlohmann::json::object());
  if (labels.is_object() && (labels.contains(policies::kPPPermanentIdLabel) ||
                             labels.contains(policies::kCPPPermanentIdLabel))) {
    return false;
  }
  const auto spec = binding.value("spec", nlohmann::json::object());
  const auto required = spec.value("requiredBy", nlohmann::json::array());
  return required.is_array() && !required.empty();
}

core::Result<runtime::ReconcileResult> Detector::reconcile(const runtime::Request& request) {
  const std::string ns = kind_.namespaced ? request.namespace_name : "";
  const std::string binding_name = api::bindingName(kind_.gvk.kind, request.name);
  client::ObjectPtr cached =
      own_templates_.freshest(request.key(), kind_.informer->indexer().get(ns, request.name));
  if (!cached) {
    {
      std::lock_guard lock(settled_mu_);
      settled_.erase(request.key());
    }
    FLOTILLA_RETURN_IF_ERROR(deleteBinding(ns, binding_name));
    return runtime::ReconcileResult{};
  }
  if (cached->deleting()) return runtime::ReconcileResult{};
  std::vector<client::ObjectPtr> pp_objects;
  if (!ns.empty() && caches_.propagation_policies) {
    pp_objects = caches_.propagation_policies->byNamespace(ns);
  }
  std::vector<client::ObjectPtr> cpp_objects;
  if (caches_.cluster_propagation_policies) {
    cpp_objects = caches_.cluster_propagation_policies->list();
  }
  const client::Indexer* cache =
      ns.empty() ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  client::ObjectPtr existing = cache ? cache->get(ns, binding_name) : nullptr;
  const std::size_t inputs = mix(mix(detectorInputHash(cached), detectorInputHash(existing)),
                                 policiesHash(pp_objects, cpp_objects));
  {
    std::lock_guard lock(settled_mu_);
    auto it = settled_.find(request.key());
    if (it != settled_.end() && it->second == inputs) return runtime::ReconcileResult{};
  }
  // Private parses (tree()): templates and bindings are many, and a tree kept on each cached one
  // would cost several times its text.
  const auto templ_tree = cached->tree();
  const nlohmann::json& templ = *templ_tree;
  if (policies::shouldSkipTemplate(templ, options_.skip)) return runtime::ReconcileResult{};

  std::vector<api::PropagationPolicy> pps = decodePolicies(pp_objects);
  std::vector<api::PropagationPolicy> cpps = decodePolicies(cpp_objects);
  const policies::MatchDecision decision = policies::matchTemplate(templ, pps, cpps, options_);

  if (!decision.policy) {
    if (policies::claimOf(templ).kind != policies::Claim::Kind::None) {
      nlohmann::json next = templ;
      policies::unclaimTemplate(next);
      auto written = host_->update(kind_.gvr, ns, next, {kFieldManager});
      if (!written && written.status().code() != core::Code::NotFound) return written.status();
      if (written) {
        own_templates_.record(request.key(), cached->resourceVersion(),
                              client::Object::withoutManagedFields(*written));
      }
      core::logger("detector")->info("[{}] claim released", cached->key());
    }
    FLOTILLA_RETURN_IF_ERROR(releaseUnclaimedBinding(ns, binding_name));
    return runtime::ReconcileResult{};
  }
  const api::PropagationPolicy& policy =
      decision.cluster_scoped ? cpps[*decision.policy] : pps[*decision.policy];

  // Claim first: a binding without a claimed template would be an orphan after a crash.
  nlohmann::json claimed = templ;
  policies::claimTemplate(claimed, policy);
  nlohmann::json current_template = templ;
  bool wrote = false;
  if (!sameClaimMetadata(claimed, templ)) {
    wrote = true;
    auto written = host_->update(kind_.gvr, ns, claimed, {kFieldManager});
    if (!written) return written.status();
    own_templates_.record(request.key(), cached->resourceVersion(),
                          client::Object::withoutManagedFields(*written));
    current_template = *(*written)->tree();
    core::logger("detector")->info("[{}] claimed by {} {}", cached->key(), policy.kind,
                                   client::objectKey(policy.metadata.namespace_,
                                                     policy.metadata.name));
  }

  const nlohmann::json existing_json = existing ? *existing->tree() : nlohmann::json();
  auto desired = desiredBinding(current_template, policy, existing_json);
  if (!desired) return runtime::terminalError(desired.status());
  if (!existing) {
    wrote = true;
    auto created = host_->create(bindingGvr(ns.empty()), ns, *desired, {kFieldManager});
    if (!created && created.status().code() != core::Code::AlreadyExists) {
      return created.status();
    }
    if (!created) return core::Status(core::Code::Conflict, "binding appeared meanwhile");
    core::logger("detector")->info("[{}] binding {} created", cached->key(), binding_name);
  } else if (*desired != existing_json) {
    wrote = true;
    auto updated = host_->update(bindingGvr(ns.empty()), ns, *desired, {kFieldManager});
    if (!updated) return updated.status();
  }
  if (policy.spec.propagate_deps) {
    FLOTILLA_RETURN_IF_ERROR(syncDependencies(current_template, *desired));
  } else if (!ns.empty()) {
    // propagateDeps turned off: the dependencies it brought are no longer required by it.
    FLOTILLA_RETURN_IF_ERROR(pruneDependents(ns, binding_name, {}));
  }
  // Dependencies follow other templates too: a pass of a policy with propagateDeps is never
  // skipped.
  if (!wrote && !policy.spec.propagate_deps) {
    std::lock_guard lock(settled_mu_);
    settled_[request.key()] = inputs;
  } else {
    std::lock_guard lock(settled_mu_);
    settled_.erase(request.key());
  }
  return runtime::ReconcileResult{};
}

// Dependencies get a binding with `requiredBy` and no placement of their own; the scheduler
// controller places them wherever the bindings that require them are.
core::Status Detector::syncDependencies(const nlohmann::json& templ,
                                        const nlohmann::json& binding) {
  auto deps = interpreter::interpretDependency(templ);
  const std::string ns = templ["metadata"].value("namespace", "");
  const std::string parent = binding["metadata"].value("name", "");
  std::set<std::string> current;  // the bindings of the dependencies the template has now
  if (deps) {
    for (const auto& dep : *deps) current.insert(api::bindingName(dep.kind, dep.name));
  }
  if (!deps) return pruneDependents(ns, parent, current);  // nothing to interpret
  for (const auto& dep : *deps) {
    if (templates_ == nullptr) break;
    client::ObjectPtr dep_obj = templates_->get(dep.api_version, dep.kind, dep.namespace_,
                                                dep.name);
    if (!dep_obj || dep_obj->deleting()) continue;
    // A dependency claimed by a policy of its own is propagated by that policy.
    if (policies::claimOf(dep_obj->json()).kind != policies::Claim::Kind::None) continue;
    const std::string name = api::bindingName(dep.kind, dep.name);
    client::ObjectPtr existing =
        caches_.resource_bindings ? caches_.resource_bindings->get(dep.namespace_, name) : nullptr;
    nlohmann::json b = existing ? *existing->tree() : nlohmann::json::object();
    const nlohmann::json before = b;
    b["apiVersion"] = api::kWorkGroupVersion;
    b["kind"] = "ResourceBinding";
    b["metadata"]["name"] = name;
    b["metadata"]["namespace"] = dep.namespace_;
    if (!b["metadata"]["labels"].is_object()) b["metadata"]["labels"] = nlohmann::json::object();
    if (!b["metadata"]["labels"].contains(kRBPermanentIdLabel)) {
      b["metadata"]["labels"][kRBPermanentIdLabel] = newPermanentId();
    }
    const auto& dm = dep_obj->json()["metadata"];
    b["metadata"]["ownerReferences"] =
        nlohmann::json::array({{{"apiVersion", dep.api_version},
                                {"kind", dep.kind},
                                {"name", dep.name},
                                {"uid", dm.value("uid", "")},
                                {"controller", true},
                                {"blockOwnerDeletion", true}}});
    b["spec"]["resource"] = {{"apiVersion", dep.api_version},
                             {"kind", dep.kind},
                             {"namespace", dep.namespace_},
                             {"name", dep.name},
                             {"uid", dm.value("uid", "")}};
    nlohmann::json required = b["spec"].value("requiredBy", nlohmann::json::array());
    bool found = false;
    for (auto& r : required) {
      if (r.value("namespace", "") == ns && r.value("name", "") == parent) found = true;
    }
    if (!found) {
      required.push_back({{"namespace", ns}, {"name", parent}});
      b["spec"]["requiredBy"] = std::move(required);
    }
    if (b == before) continue;
    auto written = existing ? host_->update(kResourceBindingsGvr, dep.namespace_, b, {kFieldManager})
                            : host_->create(kResourceBindingsGvr, dep.namespace_, b, {kFieldManager});
    if (!written) return written.status();
  }
  return ns.empty() ? core::Status() : pruneDependents(ns, parent, current);
}

}  // namespace flotilla::controllers
