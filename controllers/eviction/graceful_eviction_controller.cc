#include "controllers/eviction/graceful_eviction_controller.h"

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "api/work_types.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "failover/eviction.h"

namespace flotilla::controllers {

GracefulEvictionController::GracefulEvictionController(client::ClientPtr host,
                                                       GracefulEvictionCaches caches,
                                                       core::ClockPtr clock,
                                                       GracefulEvictionOptions options)
    : host_(std::move(host)),
      caches_(caches),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()),
      options_(options) {}

core::Result<runtime::ReconcileResult> GracefulEvictionController::reconcile(
    const runtime::Request& request) {
  const std::string& ns = request.namespace_name;
  const client::Indexer* cache =
      ns.empty() ? caches_.cluster_resource_bindings : caches_.resource_bindings;
  client::ObjectPtr cached = cache ? cache->get(ns, request.name) : nullptr;
  if (!cached || cached->deleting()) return runtime::ReconcileResult{};
  // Fast path from the text: most bindings have no eviction task, and this runs on every binding
  // change.
  const std::string_view tasks_text = cached->rawMember({"spec", "gracefulEvictionTasks"});
  if (tasks_text.empty() || tasks_text == "[]" || tasks_text == "null") {
    return runtime::ReconcileResult{};
  }
  const auto b_tree = cached->tree();
  const nlohmann::json& b = *b_tree;
  const auto spec = b.value("spec", nlohmann::json::object());
  if (spec.value("gracefulEvictionTasks", nlohmann::json::array()).empty()) {
    return runtime::ReconcileResult{};
  }
  auto rb = api::fromJson<api::ResourceBinding>(b);
  if (!rb) return runtime::terminalError(rb.status());

  failover::PlacementHealth placement;
  placement.scheduled =
      rb->metadata.generation != 0 &&
      rb->status.scheduler_observed_generation == rb->metadata.generation;
  for (const auto& c : rb->spec.clusters) placement.clusters.push_back(c.name);
  for (const auto& item : rb->status.aggregated_status) {
    placement.health[item.cluster_name] = item.health;
  }
  const auto assessment = failover::assessEvictionTasks(
      rb->spec.graceful_eviction_tasks, placement, clock_->wallNow(), options_.timeout);

  if (assessment.changed) {
    nlohmann::json next = b;
    if (assessment.kept.empty()) {
      next["spec"].erase("gracefulEvictionTasks");
    } else {
      nlohmann::json tasks = nlohmann::json::array();
      for (const auto& t : assessment.kept) tasks.push_back(api::toJson(t));
      next["spec"]["gracefulEvictionTasks"] = std::move(tasks);
    }
    auto written = host_->update(ns.empty() ? kClusterResourceBindingsGvr : kResourceBindingsGvr,
                                 ns, next, {kFieldManager});
    if (!written) return written.status();
    for (const auto& cluster : assessment.dropped) {
      core::logger("graceful-eviction")->info("[{}] eviction from {} done; old copy released",
                                              cached->key(), cluster);
    }
  }
  if (assessment.recheck_after) {
    return runtime::ReconcileResult{
        std::chrono::duration_cast<std::chrono::nanoseconds>(*assessment.recheck_after)};
  }
  return runtime::ReconcileResult{};
}

}  // namespace flotilla::controllers
