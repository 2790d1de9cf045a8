#include "planner/moves.h"

#include <algorithm>
#include <map>

namespace flotilla::planner {

namespace {

std::map<std::string, int32_t> byName(std::span<const scheduler::TargetCluster> list) {
  std::map<std::string, int32_t> out;
  for (const auto& t : list) out[t.name] += t.replicas;
  return out;
}

const scheduler::ClusterExplanation* explanationOf(
    std::span<const scheduler::ClusterExplanation> explain, const std::string& name) {
  auto it = std::lower_bound(
      explain.begin(), explain.end(), name,
      [](const scheduler::ClusterExplanation& e, const std::string& n) { return e.name < n; });
  return it != explain.end() && it->name == name ? &*it : nullptr;
}

// Σ replicas × per-replica price; clusters without a price are listed instead of summed.
int64_t hourly(const std::map<std::string, int32_t>& clusters,
               std::span<const scheduler::ClusterExplanation> explain, MoveCost& cost) {
  int64_t sum = 0;
  for (const auto& [name, replicas] : clusters) {
    const auto* e = explanationOf(explain, name);
    if (e == nullptr || !e->price.priced) {
      if (std::find(cost.unpriced.begin(), cost.unpriced.end(), name) == cost.unpriced.end()) {
        cost.unpriced.push_back(name);
      }
      continue;
    }
    if (cost.currency.empty()) cost.currency = e->price.currency;
    sum += e->price.hourly_micros * replicas;
  }
  return sum;
}

}  // namespace

Moves computeMoves(bool bound, std::span<const scheduler::TargetCluster> before,
                   std::span<const scheduler::TargetCluster> after, bool workload, bool priced,
                   std::span<const scheduler::ClusterExplanation> explain) {
  Moves moves;
  moves.bound = bound;
  const auto old_clusters = byName(before);
  const auto new_clusters = byName(after);
  for (const auto& [name, replicas] : new_clusters) {
    auto it = old_clusters.find(name);
    if (it == old_clusters.end()) {
      moves.added.push_back({name, replicas});
    } else if (workload && it->second != replicas) {
      moves.changed.push_back({name, it->second, replicas});
    }
  }
  for (const auto& [name, replicas] : old_clusters) {
    if (!new_clusters.contains(name)) moves.removed.push_back({name, replicas});
  }
  if (workload && priced) {
    MoveCost cost;
    cost.hourly_before_micros = hourly(old_clusters, explain, cost);
    cost.hourly_after_micros = hourly(new_clusters, explain, cost);
    std::sort(cost.unpriced.begin(), cost.unpriced.end());
    moves.cost = std::move(cost);
  }
  return moves;
}

std::string movesSummary(const Moves& moves, bool workload) {
  if (moves.none()) return "=";
  std::string out;
  auto append = [&](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
  for (const auto& t : moves.added) {
    append("+" + t.name + (workload ? ":" + std::to_string(t.replicas) : ""));
  }
  for (const auto& t : moves.removed) {
    append("-" + t.name + (workload ? ":" + std::to_string(t.replicas) : ""));
  }
  for (const auto& c : moves.changed) {
    append(c.name + ":" + std::to_string(c.before) + "→" + std::to_string(c.after));
  }
  return out;
}

}  // namespace flotilla::planner
