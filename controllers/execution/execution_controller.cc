#include "controllers/execution/execution_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/work_types.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "interpreter/health.h"
#include "interpreter/reflect_status.h"
#include "interpreter/retain.h"

namespace flotilla::controllers {

namespace {

std::string metaString(const nlohmann::json& obj, const char* map, const char* key) {
  const auto m = obj.value("metadata", nlohmann::json::object()).value(map, nlohmann::json::object());
  auto it = m.find(key);
  return it != m.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

bool managedByWork(const nlohmann::json& observed, const std::string& work_namespace,
                   const std::string& work_name) {
  return metaString(observed, "labels", kManagedLabel) == "true" &&
         metaString(observed, "annotations", kWorkNameAnnotation) == work_name &&
         metaString(observed, "annotations", kWorkNamespaceAnnotation) == work_namespace;
}

ExecutionController::ExecutionController(client::ClientPtr host, const client::Indexer& works,
                                         MemberClientsPtr members, core::ClockPtr clock,
                                         ExecutionOptions options)
    : host_(std::move(host)),
      works_(works),
      members_(std::move(members)),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      options_(options) {}

core::Result<ExecutionController::Member> ExecutionController::memberFor(
    const std::string& cluster) {
  auto c = members_->clientFor(cluster);
  if (!c) return c.status();
  std::lock_guard lock(mu_);
  auto it = mappers_.find(cluster);
  if (it == mappers_.end() || it->second.client != *c) {
    it = mappers_.insert_or_assign(cluster, Member{*c, std::make_shared<client::RestMapper>(*c)})
             .first;
  }
  return it->second;
}

core::Result<runtime::ReconcileResult> ExecutionController::cleanup(const client::ObjectPtr& work,
                                                                    const std::string& cluster) {
  const nlohmann::json& w = work->json();
  const auto finalizers = w["metadata"].value("finalizers", nlohmann::json::array());
  if (std::find(finalizers.begin(), finalizers.end(), kExecutionFinalizer) == finalizers.end()) {
    return runtime::ReconcileResult{};
  }
  const bool preserve = w["spec"].value("preserveResourcesOnDeletion", false);
  if (!preserve) {
    auto member = memberFor(cluster);
    // A cluster that no longer exists has nothing left to clean.
    if (!member && member.status().code() != core::Code::NotFound) return member.status();
    if (member) {
      for (const auto& m : w["spec"]["workload"].value("manifests", nlohmann::json::array())) {
        auto gvk = client::gvkFromApiVersion(m.value("apiVersion", ""), m.value("kind", ""));
        auto mapping = member->mapper->mappingForKind(gvk);
        if (!mapping) continue;
        const std::string ns = mapping->namespaced ? m["metadata"].value("namespace", "") : "";
        const std::string name = m["metadata"].value("name", "");
        auto observed = member->client->get(mapping->gvr, ns, name);
        if (!observed) {
          if (observed.status().code() == core::Code::NotFound) continue;
          return observed.status();
        }
        if (!managedByWork((*observed)->json(), work->namespaceName(), work->name())) continue;
        core::Status s = member->client->remove(mapping->gvr, ns, name,
                                                {std::string("Background")});
        if (!s.isOk() && s.code() != core::Code::NotFound) return s;
        core::logger("execution")->info("[{}] deleted {} {} from {}", work->key(), gvk.kind,
                                        client::objectKey(ns, name), cluster);
      }
    }
  }
  nlohmann::json next = w;
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& f : finalizers) {
    if (f != kExecutionFinalizer) kept.push_back(f);
  }
  next["metadata"]["finalizers"] = kept;
  auto written = host_->update(kWorksGvr, work->namespaceName(), next, {kFieldManager});
  if (!written && written.status().code() != core::Code::NotFound) return written.status();
  std::lock_guard lock(mu_);
  for (auto it = applied_.lower_bound(work->key() + "#");
       it != applied_.end() && it->first.rfind(work->key() + "#", 0) == 0;) {
    it = applied_.erase(it);
  }
  return runtime::ReconcileResult{};
}

core::Result<runtime::ReconcileResult> ExecutionController::reconcile(
    const runtime::Request& request) {
  const std::string cluster = clusterOfExecutionNamespace(request.namespace_name);
  if (cluster.empty()) return runtime::ReconcileResult{};
  client::ObjectPtr work = works_.get(request.namespace_name, request.name);
  if (!work) return runtime::ReconcileResult{};
  if (work->deleting()) return cleanup(work, cluster);
  const nlohmann::json& w = work->json();
  if (w["spec"].value("suspendDispatching", false)) return runtime::ReconcileResult{};

  const std::string now = nowText(*clock_);
  nlohmann::json status = w.value("status", nlohmann::json::object());
  nlohmann::json conditions = status.value("conditions", nlohmann::json::array());
  auto member = memberFor(cluster);
  if (!member) {
    setCondition(conditions,
                 {kConditionApplied, "False", "AppliedFailed",
                  "cannot reach cluster " + cluster + ": " + member.status().message()},
                 now);
    status["conditions"] = conditions;
    if (status != w.value("status", nlohmann::json::object())) {
      nlohmann::json next = w;
      next["status"] = status;
      (void)host_->update(kWorksGvr, request.namespace_name, next, {kFieldManager}, "status");
    }
    // A member that is down comes back on its own; retry at a steady pace rather than letting
    // per-key backoff grow towards its 1000 s cap.
    core::logger("execution")->warn("[{}] {}", work->key(), member.status().message());
    return runtime::ReconcileResult{std::max<std::chrono::milliseconds>(
        options_.status_period, std::chrono::seconds(5))};
  }
  const bool overwrite = metaString(w, "annotations", kConflictResolutionAnnotation) == "overwrite";

  std::string failure;
  nlohmann::json manifest_statuses = nlohmann::json::array();
  const auto manifests = w["spec"]["workload"].value("manifests", nlohmann::json::array());
  for (size_t ordinal = 0; ordinal < manifests.size(); ++ordinal) {
    const nlohmann::json& desired = manifests[ordinal];
    auto gvk = client::gvkFromApiVersion(desired.value("apiVersion", ""), desired.value("kind", ""));
    auto mapping = member->mapper->mappingForKind(gvk);
    if (!mapping) {
      failure = "cluster " + cluster + " does not serve " + gvk.groupVersion() + " " + gvk.kind +
                ": " + mapping.status().message();
      continue;
    }
    const std::string ns = mapping->namespaced ? desired["metadata"].value("namespace", "") : "";
    const std::string name = desired["metadata"].value("name", "");
    const std::string applied_key = work->key() + "#" + std::to_string(ordinal);
    auto observed = member->client->get(mapping->gvr, ns, name);
    client::ObjectPtr live;
    if (!observed && observed.status().code() == core::Code::NotFound) {
      if (!ns.empty()) {
        // Karmada's namespace controller propagates namespaces; until then, create on demand.
        auto ns_obj = member->client->get(kNamespacesGvr, "", ns);
        if (!ns_obj && ns_obj.status().code() == core::Code::NotFound) {
          (void)member->client->create(
              kNamespacesGvr, "",
              {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}},
              {kFieldManager});
        }
      }
      auto created = member->client->create(mapping->gvr, ns, desired, {kFieldManager});
      if (!created) {
        failure = "failed to create " + gvk.kind + " " + client::objectKey(ns, name) + ": " +
                  created.status().message();
        continue;
      }
      live = *created;
      core::logger("execution")->info("[{}] created {} {} in {}", work->key(), gvk.kind,
                                      client::objectKey(ns, name), cluster);
    } else if (!observed) {
      return observed.status();
    } else {
      live = *observed;
      if (!managedByWork(live->json(), request.namespace_name, request.name) && !overwrite) {
        failure = gvk.kind + " " + client::objectKey(ns, name) + " already exists in the cluster " +
                  cluster + " and the " + kConflictResolutionAnnotation +
                  " strategy value is empty, Karmada will not manage this resource";
        continue;
      }
      bool unchanged = false;
      {
        std::lock_guard lock(mu_);
        auto it = applied_.find(applied_key);
        unchanged = it != applied_.end() && it->second.first == work->resourceVersion() &&
                    it->second.second == live->resourceVersion();
      }
      if (!unchanged) {
        auto retained = interpreter::retain(desired, live->json());
        if (!retained) return runtime::terminalError(retained.status());
        retained->erase("status");  // member-owned; never part of our write
        auto updated = member->client->update(mapping->gvr, ns, *retained, {kFieldManager});
        if (!updated) {
          if (updated.status().code() == core::Code::Conflict) return updated.status();
          failure = "failed to update " + gvk.kind + " " + client::objectKey(ns, name) + ": " +
                    updated.status().message();
          continue;
        }
        live = *updated;
      }
    }
    {
      std::lock_guard lock(mu_);
      applied_[applied_key] = {work->resourceVersion(), live->resourceVersion()};
    }
    nlohmann::json item = {{"identifier",
                            {{"ordinal", ordinal},
                             {"version", gvk.version},
                             {"kind", gvk.kind},
                             {"resource", mapping->gvr.resource},
                             {"name", name}}}};
    if (!gvk.group.empty()) item["identifier"]["group"] = gvk.group;
    if (!ns.empty()) item["identifier"]["namespace"] = ns;
    auto reflected = interpreter::reflectStatus(live->json());
    if (reflected && !reflected->is_null()) item["status"] = *reflected;
    item["health"] = interpreter::interpretHealth(live->json());
    manifest_statuses.push_back(std::move(item));
  }

  if (failure.empty()) {
    setCondition(conditions,
                 {kConditionApplied, "True", "AppliedSuccessful",
                  "Manifest has been successfully applied"},
                 now);
  } else {
    setCondition(conditions, {kConditionApplied, "False", "AppliedFailed", failure}, now);
  }
  status["conditions"] = std::move(conditions);
  if (manifest_statuses.empty()) {
    status.erase("manifestStatuses");
  } else {
    status["manifestStatuses"] = std::move(manifest_statuses);
  }
  if (status != w.value("status", nlohmann::json::object())) {
    nlohmann::json next = w;
    next["status"] = status;
    auto written =
        host_->update(kWorksGvr, request.namespace_name, next, {kFieldManager}, "status");
    if (!written) return written.status();
    // Our own status write moved the Work's resourceVersion; that alone is no reason to
    // re-apply the manifests.
    std::lock_guard lock(mu_);
    for (auto& [key, versions] : applied_) {
      if (key.rfind(work->key() + "#", 0) == 0 && versions.first == work->resourceVersion()) {
        versions.first = (*written)->resourceVersion();
      }
    }
  }
  if (!failure.empty()) {
    core::logger("execution")->warn("[{}] {}", work->key(), failure);
  }
  return runtime::ReconcileResult{options_.status_period};
}

}  // namespace flotilla::controllers
