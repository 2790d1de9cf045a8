#include "controllers/taint_policy/taint_policy_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/cluster_types.h"
#include "api/codec.h"
#include "controllers/wire/conditions.h"
#include "controllers/wire/karmada_names.h"
#include "core/logging.h"
#include "failover/taint_policy.h"

namespace flotilla::controllers {

TaintPolicyController::TaintPolicyController(client::ClientPtr host,
                                             const client::Indexer& clusters,
                                             const client::Indexer& policies,
                                             core::ClockPtr clock)
    : host_(std::move(host)),
      clusters_(clusters),
      policies_(policies),
      clock_(clock ? std::move(clock) : std::make_shared<core::RealClock>()) {}

core::Result<runtime::ReconcileResult> TaintPolicyController::reconcile(
    const runtime::Request& request) {
  client::ObjectPtr cached = clusters_.get(request.name);
  if (!cached || cached->deleting()) return runtime::ReconcileResult{};
  auto cluster = api::fromJson<api::Cluster>(cached->json());
  if (!cluster) return runtime::terminalError(cluster.status());

  std::vector<client::ObjectPtr> objs = policies_.list();
  std::sort(objs.begin(), objs.end(),
            [](const auto& a, const auto& b) { return a->name() < b->name(); });
  std::vector<api::ClusterTaintPolicy> policies;
  for (const auto& o : objs) {
    if (o->deleting()) continue;
    auto p = api::fromJson<api::ClusterTaintPolicy>(o->json());
    if (!p) {
      core::logger("taint-policy")->warn("[{}] skipped: {}", o->name(), p.status().message());
      continue;
    }
    policies.push_back(std::move(*p));
  }
  const auto taints = failover::applyTaintPolicies(*cluster, policies, nowText(*clock_));
  nlohmann::json wanted = nlohmann::json::array();
  for (const auto& t : taints) wanted.push_back(api::toJson(t));
  const nlohmann::json& current = cached->json();
  nlohmann::json old_typed = nlohmann::json::array();
  for (const auto& t : cluster->spec.taints) old_typed.push_back(api::toJson(t));
  if (wanted == old_typed) return runtime::ReconcileResult{};

  nlohmann::json next = current;
  if (wanted.empty()) {
    next["spec"].erase("taints");
  } else {
    next["spec"]["taints"] = wanted;
  }
  auto written = host_->update(kClustersGvr, "", next, {kFieldManager});
  if (!written) return written.status();
  core::logger("taint-policy")->info("[{}] taints now {}", request.name, wanted.dump());
  return runtime::ReconcileResult{};
}

}  // namespace flotilla::controllers
