#include "scheduler/plugins.h"

#include <algorithm>

#include "scheduler/cluster_affinity.h"

namespace flotilla::scheduler {

// 128-bit intermediate products keep money arithmetic exact (a GCC/Clang extension).
__extension__ typedef __int128 Int128;

bool SchedulingContext::wasScheduledOn(const std::string& cluster) const {
  return std::binary_search(previous_names.begin(), previous_names.end(), cluster);
}

FilterResult ClusterAffinityFilter::filter(const SchedulingContext& ctx,
                                           const Cluster& cluster) const {
  if (ctx.term != nullptr) {
    if (clusterMatches(cluster, ctx.term->affinity)) return FilterResult::success();
    if (ctx.binding->isWorkload()) {
      for (const OverflowAffinity& o : ctx.term->overflow) {
        if (clusterMatches(cluster, o.affinity)) return FilterResult::success();
      }
    }
    return FilterResult::unschedulable("did not match affinity group " + ctx.term->name);
  }
  const auto& affinity = ctx.binding->placement.cluster_affinity;
  if (!affinity || clusterMatches(cluster, *affinity)) return FilterResult::success();
  return FilterResult::unschedulable("did not match cluster affinity");
}

FilterResult ClusterEvictionFilter::filter(const SchedulingContext& ctx,
                                           const Cluster& cluster) const {
  const auto& evicting = ctx.binding->evicting_from;
  if (std::find(evicting.begin(), evicting.end(), cluster.name) == evicting.end()) {
    return FilterResult::success();
  }
  return FilterResult::unschedulable("being evicted (graceful eviction task)");
}

FilterResult SpreadConstraintFilter::filter(const SchedulingContext& ctx,
                                            const Cluster& cluster) const {
  for (const SpreadConstraint& sc : ctx.binding->placement.spread_constraints) {
    if (sc.field == SpreadField::Provider && cluster.provider.empty()) {
      return FilterResult::unschedulable("no provider for spread constraint");
    }
    if (sc.field == SpreadField::Region && cluster.region.empty()) {
      return FilterResult::unschedulable("no region for spread constraint");
    }
    if (sc.field == SpreadField::Zone && cluster.zones.empty()) {
      return FilterResult::unschedulable("no zone for spread constraint");
    }
  }
  return FilterResult::success();
}

FilterResult TaintTolerationFilter::filter(const SchedulingContext& ctx,
                                           const Cluster& cluster) const {
  if (cluster.taints.empty() || ctx.wasScheduledOn(cluster.name)) return FilterResult::success();
  for (const Taint& taint : cluster.taints) {
    if (taint.effect != kEffectNoSchedule && taint.effect != kEffectNoExecute) continue;
    if (!isTolerated(ctx.binding->placement.tolerations, taint)) {
      return FilterResult::unschedulable("untolerated taint " + taint.key);
    }
  }
  return FilterResult::success();
}

FilterResult ApiEnablementFilter::filter(const SchedulingContext& ctx,
                                         const Cluster& cluster) const {
  if (ctx.wasScheduledOn(cluster.name)) return FilterResult::success();
  std::string computed;
  const std::string& key = ctx.api_key.empty() ? (computed = ctx.binding->apiKey()) : ctx.api_key;
  if (std::binary_search(cluster.api_enablements.begin(), cluster.api_enablements.end(), key)) {
    return FilterResult::success();
  }
  return FilterResult::unschedulable("API " + ctx.binding->api_version + " " +
                                     ctx.binding->kind + " not enabled");
}

FilterResult WorkloadAffinityFilter::filter(const SchedulingContext& ctx,
                                            const Cluster& cluster) const {
  const Binding& b = *ctx.binding;
  if (b.affinity_group.empty() || b.affinity_peers.empty() ||
      std::binary_search(b.affinity_peers.begin(), b.affinity_peers.end(), cluster.name)) {
    return FilterResult::success();
  }
  return FilterResult::unschedulable("workload affinity group " + b.affinity_group +
                                     " runs on other clusters");
}

FilterResult WorkloadAntiAffinityFilter::filter(const SchedulingContext& ctx,
                                                const Cluster& cluster) const {
  const Binding& b = *ctx.binding;
  if (b.anti_affinity_group.empty() ||
      !std::binary_search(b.anti_affinity_peers.begin(), b.anti_affinity_peers.end(),
                          cluster.name)) {
    return FilterResult::success();
  }
  return FilterResult::unschedulable("workload anti-affinity group " + b.anti_affinity_group +
                                     " already runs here");
}

void ClusterAffinityScore::score(const SchedulingContext&, std::span<const Candidate>,
                                 std::span<int64_t> out) const {
  std::fill(out.begin(), out.end(), 0);
}

void ClusterLocalityScore::score(const SchedulingContext& ctx,
                                 std::span<const Candidate> candidates,
                                 std::span<int64_t> out) const {
  for (size_t i = 0; i < candidates.size(); ++i) {
    out[i] = ctx.wasScheduledOn(candidates[i].name()) ? 100 : 0;
  }
}

void CostScore::score(const SchedulingContext&, std::span<const Candidate> candidates,
                      std::span<int64_t> out) const {
  int64_t lo = INT64_MAX;
  int64_t hi = INT64_MIN;
  for (const Candidate& c : candidates) {
    if (c.price == nullptr || !c.price->priced) continue;
    lo = std::min(lo, c.price->hourly_micros);
    hi = std::max(hi, c.price->hourly_micros);
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    const ReplicaPrice* p = candidates[i].price;
    if (p == nullptr || !p->priced) {
      out[i] = 0;
    } else if (hi == lo) {
      out[i] = 100;
    } else {
      out[i] = static_cast<int64_t>(static_cast<Int128>(hi - p->hourly_micros) * 100 /
                                    (hi - lo));
    }
  }
}

void Registry::addFilter(std::string name, FilterFactory factory) {
  filters_.emplace_back(std::move(name), std::move(factory));
}

void Registry::addScore(std::string name, ScoreFactory factory) {
  scores_.emplace_back(std::move(name), std::move(factory));
}

const Registry& Registry::builtin() {
  static const Registry registry = [] {
    Registry r;
    // Affinity first: a cluster the policy never names should be explained as such, not by a
    // taint it happens to carry.
    r.addFilter(std::string(ClusterAffinityFilter::kName),
                [] { return std::make_unique<ClusterAffinityFilter>(); });
    r.addFilter(std::string(ClusterEvictionFilter::kName),
                [] { return std::make_unique<ClusterEvictionFilter>(); });
    r.addFilter(std::string(SpreadConstraintFilter::kName),
                [] { return std::make_unique<SpreadConstraintFilter>(); });
    r.addFilter(std::string(TaintTolerationFilter::kName),
                [] { return std::make_unique<TaintTolerationFilter>(); });
    r.addFilter(std::string(ApiEnablementFilter::kName),
                [] { return std::make_unique<ApiEnablementFilter>(); });
    r.addFilter(std::string(WorkloadAffinityFilter::kName),
                [] { return std::make_unique<WorkloadAffinityFilter>(); });
    r.addFilter(std::string(WorkloadAntiAffinityFilter::kName),
                [] { return std::make_unique<WorkloadAntiAffinityFilter>(); });
    r.addScore(std::string(ClusterAffinityScore::kName),
               [] { return std::make_unique<ClusterAffinityScore>(); });
    r.addScore(std::string(ClusterLocalityScore::kName),
               [] { return std::make_unique<ClusterLocalityScore>(); });
    r.addScore(std::string(CostScore::kName), [] { return std::make_unique<CostScore>(); });
    return r;
  }();
  return registry;
}

}  // namespace flotilla::scheduler
