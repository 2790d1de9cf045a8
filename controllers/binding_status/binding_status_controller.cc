#include "controllers/binding_status/binding_status_controller.h"

#include <spdlog/spdlog.h>

#include <set>

#include "api/work_types.h"
#include "apimachinery/json_dump.h"
#include "apimachinery/json_parse.h"
#include "client/json_scan.h"
#include "controllers/binding/binding_controller.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "interpreter/aggregate_status.h"

namespace flotilla::controllers {

void addAvailableCondition(const nlohmann::json& templ, nlohmann::json& status,
                           const std::string& now) {
  if (templ.value("kind", "") != "Deployment" || !status.is_object()) return;
  const int64_t want =
      templ.value("spec", nlohmann::json::object()).value("replicas", int64_t{1});
  const int64_t available = status.value("availableReplicas", int64_t{0});
  nlohmann::json conditions = status.value("conditions", nlohmann::json::array());
  if (available >= want) {
    setCondition(conditions,
                 {"Available", "True", "MinimumReplicasAvailable",
                  "Deployment has minimum availability."},
                 now);
  } else {
    setCondition(conditions,
                 {"Available", "False", "MinimumReplicasUnavailable",
                  "Deployment does not have minimum availability."},
                 now);
  }
  // Condition lastUpdateTime is not part of metav1.Condition; keep the Deployment shape simple.
  status["conditions"] = std::move(conditions);
}

BindingStatusController::BindingStatusController(client::ClientPtr host,
                                                 BindingStatusCaches caches,
                                                 const TemplateStore* templates,
                                                 core::ClockPtr clock,
                                                 BindingStatusOptions options)
    : host_(std::move(host)),
      caches_(caches),
      templates_(templates),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      options_(options) {}

BindingStatusController::WorkReport BindingStatusController::reportOf(
    const client::Object& work) {
  const std::string key = work.key();
  {
    std::lock_guard lock(reports_mu_);
    auto it = reports_.find(key);
    if (it != reports_.end() && it->second.resource_version == work.resourceVersion()) {
      return it->second;
    }
  }
  WorkReport r;
  r.resource_version = work.resourceVersion();
  const std::string_view status_text = work.rawMember({"status"});
  nlohmann::json ws = status_text.empty() ? nlohmann::json::object()
                                          : apimachinery::parseJsonOrDiscarded(status_text);
  if (!ws.is_object()) ws = nlohmann::json::object();
  const auto conditions = ws.value("conditions", nlohmann::json::array());
  r.applied = conditionStatus(conditions, kConditionApplied);
  for (const auto& c : conditions) {
    if (c.value("type", "") == kConditionApplied && r.applied != "True") {
      r.applied_message = c.value("message", "");
    }
  }
  const auto statuses = ws.value("manifestStatuses", nlohmann::json::array());
  if (!statuses.empty()) {
    if (statuses[0].contains("status")) r.status = statuses[0]["status"];
    r.health = statuses[0].value("health", "");
  }
  if (r.health.empty()) r.health = api::kHealthUnknown;
  std::lock_guard lock(reports_mu_);
  reports_[key] = r;
  return r;
}

core::Result<runtime::ReconcileResult> BindingStatusController::reconcile(
    const runtime::Request& request) {
  const std::string& ns = request.namespace_name;
  const bool cluster_scoped = ns.empty();
  const client::Indexer* cache =
      cluster_scoped ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  client::ObjectPtr cached = own_bindings_.freshest(request.key(), cache->get(ns, request.name));
  if (!cached || cached->deleting()) {
    settle_.release(request.key());
    return runtime::ReconcileResult{};
  }
  // Private parses of the members read (rawMember): a tree kept on every cached binding, Work
  // and template would cost several times its text, for as long as it is cached, and most passes
  // (a Work reported while others have not) need only spec.clusters and the Works' status.
  auto parsed = [](const client::Object& o, std::initializer_list<std::string_view> path,
                   nlohmann::json fallback) {
    const std::string_view text = o.rawMember(path);
    if (text.empty()) return fallback;
    nlohmann::json j = apimachinery::parseJsonOrDiscarded(text);
    return j.is_discarded() || j.type() != fallback.type() ? fallback : j;
  };

  std::map<std::string, client::ObjectPtr> works_by_cluster;
  for (const auto& w : caches_.works->byIndex(kWorkBindingIndex, request.key())) {
    works_by_cluster[clusterOfExecutionNamespace(w->namespaceName())] = w;
  }
  std::set<std::string> targets;
  for (const auto& c : parsed(*cached, {"spec", "clusters"}, nlohmann::json::array())) {
    if (c.is_object()) targets.insert(c.value("name", ""));
  }
  nlohmann::json items = nlohmann::json::array();
  std::vector<api::AggregatedStatusItem> typed;
  bool all_applied = !targets.empty();
  // Not scheduled yet, or a target's Work missing or not reported Applied yet.
  bool unreported = targets.empty();
  for (const auto& cluster : targets) {
    auto it = works_by_cluster.find(cluster);
    api::AggregatedStatusItem item;
    item.cluster_name = cluster;
    if (it == works_by_cluster.end()) {
      all_applied = false;
      unreported = true;
      continue;  // no Work yet: nothing to report for this cluster
    }
    WorkReport report = reportOf(*it->second);
    item.applied = report.applied == "True";
    unreported = unreported || report.applied.empty();
    item.applied_message = std::move(report.applied_message);
    item.status = std::move(report.status);
    item.health = std::move(report.health);
    all_applied = all_applied && item.applied;
    items.push_back(api::toJson(item));
    typed.push_back(std::move(item));
  }

  if (unreported) {
    // The first rollout: the missing reports are coming (each Work's own write waits for its
    // member objects to settle); one write with all of them beats one per Work.
    auto d = settle_.hold(request.key(), clock_->now(), options_.settle);
    if (d.wait) return runtime::ReconcileResult{d.left};
  } else {
    settle_.release(request.key());
  }
  {
    // Written below (or nothing to write): the reports are not needed again until a Work moves.
    std::lock_guard lock(reports_mu_);
    for (const auto& [cluster, w] : works_by_cluster) reports_.erase(w->key());
  }

  const std::string now = nowText(*clock_);
  nlohmann::json status = parsed(*cached, {"status"}, nlohmann::json::object());
  const nlohmann::json old_status = status;
  if (items.empty()) {
    status.erase("aggregatedStatus");
  } else {
    status["aggregatedStatus"] = items;
  }
  nlohmann::json conditions = status.value("conditions", nlohmann::json::array());
  if (all_applied && typed.size() == targets.size()) {
    setCondition(conditions,
                 {api::kConditionFullyApplied, "True", "FullyAppliedSuccess",
                  "All works have been successfully applied"},
                 now);
  } else {
    setCondition(conditions,
                 {api::kConditionFullyApplied, "False", "FullyAppliedFailed",
                  "Failed to apply all works, see status.aggregatedStatus for details"},
                 now);
  }
  status["conditions"] = std::move(conditions);
  if (status != old_status) {
    // The status spliced into the binding's text: the rest is neither parsed nor serialised.
    auto next = client::json_scan::withMember(cached->raw(), "status", apimachinery::dumpJson(status));
    if (!next) return core::internalError("the cached binding " + request.key() + " is not JSON");
    auto written =
        host_->updateText(cluster_scoped ? kClusterResourceBindingsGvr : kResourceBindingsGvr, ns,
                          request.name, *next, {kFieldManager}, "status");
    if (!written) return written.status();
    own_bindings_.record(request.key(), cached->resourceVersion(),
                         client::Object::withoutManagedFields(*written));
  }

  // The template's status, aggregated by the interpreter.
  const auto res = parsed(*cached, {"spec", "resource"}, nlohmann::json::object());
  auto kind = templates_->kindFor(res.value("apiVersion", ""), res.value("kind", ""));
  if (!kind || typed.empty()) return runtime::ReconcileResult{};
  const std::string templ_key = kind->gvr.toString() + "/" +
                                client::objectKey(res.value("namespace", ""), res.value("name", ""));
  client::ObjectPtr templ = own_templates_.freshest(
      templ_key, templates_->get(res.value("apiVersion", ""), res.value("kind", ""),
                                 res.value("namespace", ""), res.value("name", "")));
  if (!templ || templ->deleting()) return runtime::ReconcileResult{};
  const auto templ_tree = templ->tree();
  const nlohmann::json& templ_json = *templ_tree;
  auto aggregated = interpreter::aggregateStatus(templ_json, typed, {now});
  if (!aggregated) return runtime::terminalError(aggregated.status());
  const nlohmann::json old_templ_status = templ_json.value("status", nlohmann::json());
  nlohmann::json new_templ_status = aggregated->value("status", nlohmann::json());
  addAvailableCondition(templ_json, new_templ_status, now);
  if (new_templ_status != old_templ_status && !new_templ_status.is_null()) {
    auto next = client::json_scan::withMember(templ->raw(), "status", apimachinery::dumpJson(new_templ_status));
    if (!next) return core::internalError("the cached template " + templ->key() + " is not JSON");
    auto written =
        host_->updateText(kind->gvr, kind->namespaced ? res.value("namespace", "") : "",
                          templ->name(), *next, {kFieldManager}, "status");
    if (!written) return written.status();
    own_templates_.record(templ_key, templ->resourceVersion(),
                          client::Object::withoutManagedFields(*written));
    core::logger("binding-status")->debug("[{}] template status aggregated", request.key());
  }
  return runtime::ReconcileResult{};
}

}  // namespace flotilla::controllers
