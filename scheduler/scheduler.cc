#include "scheduler/scheduler.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "scheduler/assign.h"
#include "scheduler/cluster_affinity.h"
#include "scheduler/plugins.h"
#include "scheduler/select.h"

namespace flotilla::scheduler {

struct Scheduler::Attempt {
  bool ok = false;
  bool fit_error = false;  // no cluster passed the filters
  std::string message;
  std::vector<TargetCluster> clusters;
  std::vector<ClusterExplanation> explain;
};

namespace {

constexpr int32_t kNoOverflowTier = 1000;

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// "0/5 clusters fit: 2 untolerated taint x, 3 did not match cluster affinity" — rejection
// reasons grouped and sorted by text so the message is stable.
std::string fitSummary(size_t total, const std::map<std::string, int64_t>& reasons,
                       const std::string& extra) {
  std::string out = "0/" + std::to_string(total) + " clusters fit";
  std::string sep = ": ";
  for (const auto& [reason, count] : reasons) {
    out += sep + std::to_string(count) + " " + reason;
    sep = ", ";
  }
  if (!extra.empty()) out += sep + extra;
  return out;
}

int32_t overflowOrder(const Binding& binding, const AffinityTerm* term, const Cluster& cluster) {
  if (term == nullptr || term->overflow.empty() || !binding.isWorkload()) return 0;
  if (clusterMatches(cluster, term->affinity)) return 0;
  for (size_t i = 0; i < term->overflow.size(); ++i) {
    if (clusterMatches(cluster, term->overflow[i].affinity)) return static_cast<int32_t>(i + 1);
  }
  return kNoOverflowTier;
}

}  // namespace

Scheduler::Scheduler(SchedulerOptions options,
                     std::vector<const estimator::ReplicaEstimator*> estimators,
                     const CostModel* cost, const Registry& registry)
    : options_(std::move(options)), estimators_(std::move(estimators)), cost_(cost) {
  for (const auto& [name, factory] : registry.filters()) {
    if (!contains(options_.disabled_plugins, name)) filters_.push_back(factory());
  }
  for (const auto& [name, factory] : registry.scores()) {
    if (contains(options_.disabled_plugins, name)) continue;
    auto it = options_.score_weights.find(name);
    scores_.emplace_back(factory(), it == options_.score_weights.end() ? 1 : it->second);
    if (name == CostScore::kName) cost_enabled_ = true;
  }
}

Scheduler::Attempt Scheduler::scheduleGroup(const Binding& binding,
                                            std::span<const Cluster> clusters,
                                            const AffinityTerm* term) const {
  Attempt attempt;
  SchedulingContext ctx;
  ctx.binding = &binding;
  ctx.term = term;
  ctx.api_key = binding.apiKey();
  std::map<std::string, int32_t> previous;
  for (const TargetCluster& t : binding.previous) {
    ctx.previous_names.push_back(t.name);
    previous[t.name] += t.replicas;
  }
  std::sort(ctx.previous_names.begin(), ctx.previous_names.end());

  const bool pricing = cost_ != nullptr && !cost_->empty();
  const estimator::ResourceList* requests =
      binding.requirements ? &binding.requirements->resource_request : nullptr;
  const estimator::ResourceList* limits = binding.limits ? &*binding.limits : nullptr;

  // One replica's price under each PriceBook rule, computed the first time a cluster uses the
  // rule: a workload costs the same on every cluster one rule prices.
  std::vector<std::optional<ReplicaPrice>> rule_prices(pricing ? cost_->ruleCount() : 0);

  // Filter.
  attempt.explain.resize(clusters.size());
  std::vector<Candidate> feasible;
  feasible.reserve(clusters.size());
  std::vector<size_t> feasible_index;  // candidate -> explain/cluster index
  feasible_index.reserve(clusters.size());
  std::map<std::string, int64_t> reasons;
  for (size_t i = 0; i < clusters.size(); ++i) {
    const Cluster& cluster = clusters[i];
    ClusterExplanation& e = attempt.explain[i];
    e.name = cluster.name;
    if (pricing) {
      const int32_t slot = cost_->matchRule(cluster);
      if (slot >= 0) {
        auto& cached = rule_prices[slot];
        if (!cached) cached = cost_->priceRule(slot, requests, limits);
        e.price = *cached;
      }
    }
    if (cluster.deleting) {
      e.reason = "being deleted";
      ++reasons[e.reason];
      continue;
    }
    bool pass = true;
    for (const FilterPluginPtr& f : filters_) {
      FilterResult r = f->filter(ctx, cluster);
      if (!r.ok()) {
        e.plugin = std::string(f->name());
        e.reason = std::move(r.reason);
        ++reasons[e.reason];
        pass = false;
        break;
      }
    }
    if (!pass) continue;
    e.feasible = true;
    Candidate c;
    c.cluster = &cluster;
    c.price = &e.price;
    c.overflow_order = overflowOrder(binding, term, cluster);
    feasible.push_back(c);
    feasible_index.push_back(i);
  }
  if (feasible.empty()) {
    attempt.fit_error = true;
    attempt.message = fitSummary(clusters.size(), reasons, "");
    return attempt;
  }

  // Score.
  std::vector<int64_t> plugin_scores(feasible.size());
  for (const auto& [plugin, weight] : scores_) {
    plugin->score(ctx, feasible, plugin_scores);
    const bool is_cost = plugin->name() == CostScore::kName;
    for (size_t i = 0; i < feasible.size(); ++i) {
      feasible[i].score += weight * plugin_scores[i];
      if (is_cost) feasible[i].cost_score += weight * plugin_scores[i];
    }
  }

  // Estimate: available = estimate + replicas already there; non-workloads are unbounded.
  const bool workload = binding.isWorkload();
  const estimator::ReplicaRequirements* req =
      binding.requirements ? &*binding.requirements : nullptr;
  for (size_t i = 0; i < feasible.size(); ++i) {
    Candidate& c = feasible[i];
    if (!workload) {
      c.allocatable = c.available = std::numeric_limits<int32_t>::max();
    } else {
      c.allocatable =
          estimator::estimateReplicas(estimators_, c.name(), c.cluster->resources, req,
                                      binding.replicas);
      auto it = previous.find(c.name());
      const int64_t prev = it == previous.end() ? 0 : it->second;
      c.available = static_cast<int32_t>(std::min<int64_t>(
          c.allocatable + prev, std::numeric_limits<int32_t>::max()));
    }
    ClusterExplanation& e = attempt.explain[feasible_index[i]];
    e.score = c.score;
    e.available_replicas = c.available;
  }

  // Select and assign.
  sortCandidates(feasible);
  auto selected = selectClusters(binding, std::move(feasible));
  if (!selected.isOk()) {
    attempt.message = fitSummary(clusters.size(), reasons,
                                 std::to_string(feasible_index.size()) + " feasible but " +
                                     selected.status().message());
    return attempt;
  }
  AssignOutcome assigned =
      assignReplicas(binding, selected.value(), options_.empty_workload_propagation);
  if (!assigned.status.isOk()) {
    std::string extra;
    if (assigned.needed > 0) {
      extra = std::to_string(selected->size()) + " insufficient capacity (need " +
              std::to_string(assigned.needed) + ", available " +
              std::to_string(assigned.available) + ")";
    } else {
      extra = assigned.status.message();
    }
    attempt.message = fitSummary(clusters.size(), reasons, extra);
    return attempt;
  }
  attempt.ok = true;
  attempt.clusters = std::move(assigned.clusters);
  return attempt;
}

ScheduleResult Scheduler::schedule(const Binding& binding,
                                   std::span<const Cluster> clusters) const {
  ScheduleResult result;
  Attempt chosen;
  const auto& terms = binding.placement.cluster_affinities;
  if (terms.empty()) {
    chosen = scheduleGroup(binding, clusters, nullptr);
  } else {
    // Start from the group the binding was last placed by, or the first one for a Fresh
    // reschedule (v1.19+); never move back to an earlier group on our own.
    size_t start = 0;
    if (!binding.fresh) {
      for (size_t i = 0; i < terms.size(); ++i) {
        if (terms[i].name == binding.observed_affinity_name) start = i;
      }
    }
    std::optional<Attempt> first;
    std::string messages;
    for (size_t i = start; i < terms.size(); ++i) {
      Attempt a = scheduleGroup(binding, clusters, &terms[i]);
      if (a.ok) {
        chosen = std::move(a);
        result.affinity_name = terms[i].name;
        break;
      }
      messages += (messages.empty() ? "" : "; ") + ("group " + terms[i].name + ": " + a.message);
      if (!first) first = std::move(a);
    }
    if (!chosen.ok) {
      chosen = std::move(*first);
      chosen.message = messages;
    }
  }

  result.scheduled = chosen.ok;
  if (!chosen.ok) {
    result.reason = chosen.fit_error ? kReasonNoClusterFit : kReasonUnschedulable;
    result.message = chosen.message;
  }
  result.clusters = std::move(chosen.clusters);
  result.explain = std::move(chosen.explain);
  // Explanations are listed by cluster name. Both callers pass clusters sorted by name, so this
  // is usually a check; otherwise a permutation is sorted and the (large) explanations moved once.
  auto by_name = [](const ClusterExplanation& a, const ClusterExplanation& b) {
    return a.name < b.name;
  };
  if (!std::is_sorted(result.explain.begin(), result.explain.end(), by_name)) {
    std::vector<uint32_t> order(result.explain.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return by_name(result.explain[a], result.explain[b]);
    });
    std::vector<ClusterExplanation> sorted;
    sorted.reserve(order.size());
    for (uint32_t i : order) sorted.push_back(std::move(result.explain[i]));
    result.explain = std::move(sorted);
  }

  if (cost_ != nullptr && !cost_->empty()) {
    PlacementCost cost;
    // Both lists are sorted by name: walk them together.
    auto e = result.explain.begin();
    for (const TargetCluster& t : result.clusters) {
      while (e != result.explain.end() && e->name < t.name) ++e;
      if (e == result.explain.end() || e->name != t.name || !e->price.priced) {
        cost.unpriced.push_back(t.name);
        continue;
      }
      if (cost.currency.empty()) cost.currency = e->price.currency;
      const int64_t hourly = e->price.hourly_micros * t.replicas;
      cost.clusters.emplace_hint(cost.clusters.end(), t.name, hourly);
      cost.hourly_micros += hourly;
    }
    result.cost = std::move(cost);
  }
  return result;
}

}  // namespace flotilla::scheduler
