#include "controllers/taint_manager/taint_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/cluster_types.h"
#include "api/codec.h"
#include "api/work_types.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "failover/eviction.h"
#include "failover/toleration.h"

namespace flotilla::controllers {

namespace {

// Tolerations of the placement the current result was computed with; the live placement when the
// annotation is missing or unreadable.
std::vector<api::Toleration> appliedTolerations(const nlohmann::json& binding) {
  const auto ann = binding.value("metadata", nlohmann::json::object())
                       .value("annotations", nlohmann::json::object());
  nlohmann::json placement =
      binding.value("spec", nlohmann::json::object()).value("placement", nlohmann::json::object());
  if (auto it = ann.find(kAppliedPlacementAnnotation); it != ann.end() && it->is_string()) {
    auto parsed = nlohmann::json::parse(it->get<std::string>(), nullptr, false);
    if (parsed.is_object()) placement = std::move(parsed);
  }
  auto typed = api::fromJson<api::Placement>(placement);
  return typed ? typed->cluster_tolerations : std::vector<api::Toleration>{};
}

std::string taintText(const std::vector<api::Taint>& taints) {
  std::string out;
  for (const auto& t : taints) {
    if (t.effect != "NoExecute") continue;
    out += (out.empty() ? "" : ", ") + t.key + (t.value.empty() ? "" : "=" + t.value) + ":" +
           t.effect;
  }
  return out;
}

bool hasNoExecuteTaint(const nlohmann::json& cluster) {
  auto spec = cluster.find("spec");
  if (spec == cluster.end() || !spec->is_object()) return false;
  auto taints = spec->find("taints");
  if (taints == spec->end() || !taints->is_array()) return false;
  for (const auto& t : *taints) {
    auto effect = t.is_object() ? t.find("effect") : t.end();
    if (t.is_object() && effect != t.end() && *effect == "NoExecute") return true;
  }
  return false;
}

// The binding's spec.clusters, parsed alone from its text (null when absent): the fast paths
// below run for every binding on every change and need nothing else.
nlohmann::json targetClusters(const client::Object& binding) {
  const std::string_view text = binding.rawMember({"spec", "clusters"});
  if (text.empty()) return nullptr;
  return nlohmann::json::parse(text, nullptr, false);
}

bool anyTargetHasNoExecuteTaint(const nlohmann::json& targets, const client::Indexer& clusters) {
  if (!targets.is_array()) return false;
  for (const auto& t : targets) {
    auto name = t.is_object() ? t.find("name") : t.end();
    if (!t.is_object() || name == t.end() || !name->is_string()) continue;
    client::ObjectPtr obj = clusters.get("", name->get<std::string>());
    if (obj && hasNoExecuteTaint(obj->json())) return true;
  }
  return false;
}

}  // namespace

std::vector<runtime::Request> bindingsOnCluster(const client::Indexer& rbs,
                                                const client::Indexer& crbs,
                                                const std::string& cluster) {
  std::vector<runtime::Request> out;
  for (const auto* cache : {&rbs, &crbs}) {
    for (const auto& b : cache->list()) {
      const nlohmann::json clusters = targetClusters(*b);
      if (!clusters.is_array()) continue;
      for (const auto& c : clusters) {
        if (c.is_object() && c.value("name", "") == cluster) {
          out.push_back({b->namespaceName(), b->name()});
          break;
        }
      }
    }
  }
  return out;
}

TaintManager::TaintManager(client::ClientPtr host, TaintManagerCaches caches,
                           std::shared_ptr<runtime::EventRecorder> events, core::ClockPtr clock,
                           TaintManagerOptions options)
    : host_(std::move(host)),
      caches_(caches),
      events_(std::move(events)),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      options_(std::move(options)) {
  if (options_.eviction_rate > 0) {
    evictions_ = std::make_unique<client::TokenBucket>(clock_, options_.eviction_rate,
                                                        std::max(1, options_.eviction_burst));
  }
}

core::Result<runtime::ReconcileResult> TaintManager::reconcile(const runtime::Request& request) {
  const std::string& ns = request.namespace_name;
  const client::Indexer* cache =
      ns.empty() ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  client::ObjectPtr cached = cache ? cache->get(ns, request.name) : nullptr;
  if (!cached || cached->deleting()) return runtime::ReconcileResult{};
  // Fast path: this runs for every binding on every binding and Cluster change, and nothing can
  // be evicted unless a target cluster carries a NoExecute taint; skip parsing otherwise.
  if (!anyTargetHasNoExecuteTaint(targetClusters(*cached), *caches_.clusters)) {
    return runtime::ReconcileResult{};
  }
  const auto b_tree = cached->tree();
  const nlohmann::json& b = *b_tree;
  auto rb = api::fromJson<api::ResourceBinding>(b);
  if (!rb) return runtime::terminalError(rb.status());

  const auto tolerations = appliedTolerations(b);
  std::string purge_mode = options_.purge_mode;
  if (rb->spec.failover && rb->spec.failover->cluster) {
    purge_mode = rb->spec.failover->cluster->purge_mode;  // empty = Gracefully
  }
  const auto now = clock_->wallNow();
  std::vector<api::TargetCluster> clusters = rb->spec.clusters;
  std::vector<api::GracefulEvictionTask> tasks = rb->spec.graceful_eviction_tasks;
  std::optional<failover::WallTime> next_check;
  std::vector<std::string> evicted;
  for (const auto& target : rb->spec.clusters) {
    client::ObjectPtr cluster_obj = caches_.clusters->get(target.name);
    if (!cluster_obj) continue;
    auto cluster = api::fromJson<api::Cluster>(cluster_obj->json());
    if (!cluster) continue;
    const auto decision = failover::noExecuteDecision(cluster->spec.taints, tolerations, now);
    if (decision.at && (!next_check || *decision.at < *next_check)) next_check = decision.at;
    if (!decision.evict) continue;
    failover::EvictionRequest req;
    req.cluster = target.name;
    req.purge_mode = purge_mode;
    req.message = "cluster " + target.name + " has untolerated NoExecute taints: " +
                  taintText(cluster->spec.taints);
    if (failover::evictCluster(clusters, tasks, req)) evicted.push_back(target.name);
  }

  if (!evicted.empty() && evictions_ && !evictions_->tryAccept()) {
    // Over the eviction rate: nothing is written now; try again when a token is due.
    core::logger("taint-manager")
        ->info("[{}] eviction from {} delayed by the eviction rate ({}/s)", cached->key(),
               evicted.front(), options_.eviction_rate);
    const auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(1.0 / options_.eviction_rate));
    return runtime::ReconcileResult{wait};
  }
  if (!evicted.empty()) {
    nlohmann::json next = b;
    nlohmann::json cluster_json = nlohmann::json::array();
    for (const auto& c : clusters) cluster_json.push_back(api::toJson(c));
    nlohmann::json task_json = nlohmann::json::array();
    for (const auto& t : tasks) task_json.push_back(api::toJson(t));
    next["spec"]["clusters"] = std::move(cluster_json);
    next["spec"]["gracefulEvictionTasks"] = std::move(task_json);
    auto written = host_->update(ns.empty() ? kClusterResourceBindingsGvr : kResourceBindingsGvr,
                                 ns, next, {kFieldManager});
    if (!written) return written.status();
    for (const auto& name : evicted) {
      core::logger("taint-manager")->info("[{}] evicted from cluster {} (purgeMode {})",
                                          cached->key(), name,
                                          failover::normalizePurgeMode(purge_mode));
      if (events_) {
        (void)events_->record(*cached, runtime::EventType::Warning, "EvictWorkloadFromCluster",
                              "evicted from cluster " + name + ": untolerated NoExecute taint");
      }
    }
  }
  if (next_check) {
    const auto wait = std::max(std::chrono::nanoseconds(std::chrono::seconds(1)),
                               std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   *next_check - now));
    return runtime::ReconcileResult{wait};
  }
  return runtime::ReconcileResult{};
}

}  // namespace flotilla::controllers
