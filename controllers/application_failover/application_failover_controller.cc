#include "controllers/application_failover/application_failover_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/codec.h"
#include "api/work_types.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"

namespace flotilla::controllers {

namespace {

using Json = nlohmann::json;

// The binding's spec.failover.application alone, parsed from its text: this runs on every
// binding change and almost no binding has one.
std::optional<api::ApplicationFailoverBehavior> applicationFailover(const client::Object& b) {
  const std::string_view text = b.rawMember({"spec", "failover"});
  if (text.empty()) return std::nullopt;
  const Json failover = Json::parse(text, nullptr, false);
  if (!failover.is_object()) return std::nullopt;
  auto app = failover.find("application");
  if (app == failover.end() || !app->is_object()) return std::nullopt;
  auto typed = api::fromJson<api::ApplicationFailoverBehavior>(*app);
  if (!typed) return std::nullopt;
  return *typed;
}

failover::ApplicationHealthView healthView(const api::ResourceBinding& rb) {
  failover::ApplicationHealthView view;
  for (const auto& c : rb.spec.clusters) view.clusters.push_back(c.name);
  for (const auto& item : rb.status.aggregated_status) {
    if (!item.health.empty()) view.health[item.cluster_name] = item.health;
  }
  for (const auto& t : rb.spec.graceful_eviction_tasks) view.evicting.insert(t.from_cluster);
  return view;
}

}  // namespace

ApplicationFailoverController::ApplicationFailoverController(
    client::ClientPtr host, ApplicationFailoverCaches caches,
    std::shared_ptr<runtime::EventRecorder> events, core::ClockPtr clock)
    : host_(std::move(host)),
      caches_(caches),
      events_(std::move(events)),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()) {}

std::size_t ApplicationFailoverController::trackedBindings() const {
  std::lock_guard lock(mu_);
  return unhealthy_since_.size();
}

void ApplicationFailoverController::forget(const std::string& key) {
  std::lock_guard lock(mu_);
  unhealthy_since_.erase(key);
}

core::Result<runtime::ReconcileResult> ApplicationFailoverController::reconcile(
    const runtime::Request& request) {
  const std::string& ns = request.namespace_name;
  const std::string key = request.key();
  const client::Indexer* cache =
      ns.empty() ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  client::ObjectPtr cached = cache ? cache->get(ns, request.name) : nullptr;
  if (!cached || cached->deleting()) {
    forget(key);
    return runtime::ReconcileResult{};
  }
  const auto policy = applicationFailover(*cached);
  if (!policy) {
    forget(key);
    return runtime::ReconcileResult{};
  }
  const auto tree = cached->tree();
  auto rb = api::fromJson<api::ResourceBinding>(*tree);
  if (!rb) return runtime::terminalError(rb.status());

  std::map<std::string, failover::TimePoint> since;
  {
    std::lock_guard lock(mu_);
    if (auto it = unhealthy_since_.find(key); it != unhealthy_since_.end()) since = it->second;
  }
  const auto now = clock_->wallNow();
  const std::string producer = ns.empty() ? failover::kProducerCrbApplicationFailover
                                          : failover::kProducerRbApplicationFailover;
  auto decision = failover::decideApplicationFailover(*policy, healthView(*rb), since, now,
                                                      producer);
  {
    std::lock_guard lock(mu_);
    if (decision.unhealthy_since.empty()) {
      unhealthy_since_.erase(key);
    } else {
      unhealthy_since_[key] = decision.unhealthy_since;
    }
  }

  if (!decision.evict.empty()) {
    std::vector<api::TargetCluster> clusters = rb->spec.clusters;
    std::vector<api::GracefulEvictionTask> tasks = rb->spec.graceful_eviction_tasks;
    std::vector<const failover::EvictionRequest*> evicted;
    for (const auto& req : decision.evict) {
      if (failover::evictCluster(clusters, tasks, req)) evicted.push_back(&req);
    }
    if (!evicted.empty()) {
      Json next = *tree;
      Json cluster_json = Json::array();
      for (const auto& c : clusters) cluster_json.push_back(api::toJson(c));
      Json task_json = Json::array();
      for (const auto& t : tasks) task_json.push_back(api::toJson(t));
      next["spec"]["clusters"] = std::move(cluster_json);
      next["spec"]["gracefulEvictionTasks"] = std::move(task_json);
      auto written = host_->update(ns.empty() ? kClusterResourceBindingsGvr : kResourceBindingsGvr,
                                   ns, next, {kFieldManager});
      if (!written) {
        // Keep the evicted clusters' timers so the retry evicts them again without waiting out
        // the toleration anew.
        std::lock_guard lock(mu_);
        for (const auto* req : evicted) {
          auto it = since.find(req->cluster);
          unhealthy_since_[key][req->cluster] = it == since.end() ? now : it->second;
        }
        return written.status();
      }
      for (const auto* req : evicted) {
        core::logger("application-failover")
            ->info("[{}] evicted from cluster {} (purgeMode {}): {}", key, req->cluster,
                   req->purge_mode, req->message);
        if (events_) {
          (void)events_->record(*cached, runtime::EventType::Warning, "EvictWorkloadFromCluster",
                                "evicted from cluster " + req->cluster + ": " + req->message);
        }
      }
    }
  }
  if (decision.recheck_after) {
    return runtime::ReconcileResult{std::max<std::chrono::nanoseconds>(
        std::chrono::seconds(1), *decision.recheck_after)};
  }
  return runtime::ReconcileResult{};
}

}  // namespace flotilla::controllers
