#include "scheduler/assign.h"

#include <algorithm>
#include <map>

#include "scheduler/cluster_affinity.h"
#include "scheduler/webster.h"

namespace flotilla::scheduler {

namespace {

core::Status assignError(std::string message) {
  return core::Status(core::Code::FailedPrecondition, std::move(message));
}

void finish(std::vector<TargetCluster>& clusters, bool keep_empty) {
  if (!keep_empty) {
    std::erase_if(clusters, [](const TargetCluster& t) { return t.replicas == 0; });
  }
  std::sort(clusters.begin(), clusters.end(),
            [](const TargetCluster& a, const TargetCluster& b) { return a.name < b.name; });
}

struct Weighted {
  const Candidate* candidate;
  int64_t weight;
  bool holds_replicas;
};

}  // namespace

std::vector<int64_t> staticWeights(const Placement& placement,
                                   std::span<const Candidate> candidates) {
  std::vector<int64_t> weights(candidates.size(), 0);
  bool any = false;
  if (placement.replica_scheduling && placement.replica_scheduling->has_weight_preference) {
    for (size_t i = 0; i < candidates.size(); ++i) {
      for (const StaticWeightRule& rule : placement.replica_scheduling->static_weights) {
        if (rule.weight > weights[i] && clusterMatches(*candidates[i].cluster, rule.target)) {
          weights[i] = rule.weight;
        }
      }
      any = any || weights[i] > 0;
    }
  }
  if (!any) std::fill(weights.begin(), weights.end(), 1);
  return weights;
}

AssignOutcome assignDynamic(const Binding& binding, std::span<const Candidate> candidates,
                            int32_t replicas, bool aggregated) {
  AssignOutcome out;
  std::map<std::string, int32_t> previous;
  for (const TargetCluster& t : binding.previous) previous[t.name] += t.replicas;

  // `scheduled`: the previous result restricted to the current candidates.
  std::vector<TargetCluster> scheduled;
  int64_t assigned = 0;
  for (const Candidate& c : candidates) {
    auto it = previous.find(c.name());
    if (it != previous.end() && it->second > 0) {
      scheduled.push_back({c.name(), it->second});
      assigned += it->second;
    }
  }

  std::vector<Weighted> weights;
  int64_t target = replicas;
  if (binding.fresh) {
    for (const Candidate& c : candidates) {
      auto it = previous.find(c.name());
      weights.push_back({&c, c.allocatable + (it == previous.end() ? 0 : it->second), false});
    }
    scheduled.clear();
  } else if (assigned > replicas) {
    // Scale down: shrink proportionally to the previous result.
    for (const Candidate& c : candidates) {
      auto it = previous.find(c.name());
      if (it != previous.end() && it->second > 0) weights.push_back({&c, it->second, false});
    }
    scheduled.clear();
  } else if (assigned < replicas) {
    for (const Candidate& c : candidates) weights.push_back({&c, c.allocatable, false});
    target = replicas - assigned;
  } else {
    out.clusters = std::move(scheduled);
    finish(out.clusters, false);
    return out;
  }
  for (Weighted& w : weights) {
    w.holds_replicas = std::any_of(scheduled.begin(), scheduled.end(), [&](const auto& t) {
      return t.name == w.candidate->name();
    });
  }

  // Karmada sorts by weight (unstably for > 12 entries; stable here, ties keep the ranking).
  // Aggregated puts clusters already holding replicas first and, in Flotilla, cheaper clusters
  // before dearer ones.
  std::stable_sort(weights.begin(), weights.end(), [aggregated](const Weighted& a,
                                                                const Weighted& b) {
    if (aggregated) {
      if (a.holds_replicas != b.holds_replicas) return a.holds_replicas;
      if (a.candidate->cost_score != b.candidate->cost_score) {
        return a.candidate->cost_score > b.candidate->cost_score;
      }
    }
    return a.weight > b.weight;
  });

  int64_t sum = 0;
  for (const Weighted& w : weights) sum += w.weight;
  out.needed = target;
  out.available = sum;
  if (sum < target) {
    out.status = assignError("Clusters available replicas " + std::to_string(sum) +
                             " are not enough to schedule.");
    return out;
  }
  if (aggregated) {
    int64_t prefix = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      prefix += weights[i].weight;
      if (prefix >= target) {
        weights.resize(i + 1);
        break;
      }
    }
  }
  std::vector<Party> parties;
  parties.reserve(weights.size());
  for (const Weighted& w : weights) parties.push_back({w.candidate->name(), w.weight});
  auto divided = websterDivide(static_cast<int32_t>(target), parties, {}, binding.uid);
  // Merge the new seats onto what was already scheduled.
  std::map<std::string, int32_t> merged;
  for (const TargetCluster& t : scheduled) merged[t.name] += t.replicas;
  for (const TargetCluster& t : divided) merged[t.name] += t.replicas;
  for (const auto& [name, r] : merged) out.clusters.push_back({name, r});
  finish(out.clusters, false);
  return out;
}

namespace {

bool usesOverflow(std::span<const Candidate> selected) {
  return std::any_of(selected.begin(), selected.end(),
                     [](const Candidate& c) { return c.overflow_order > 0; });
}

// Overflow tiers: each tier takes what it can hold of what is left, through the normal dynamic
// algorithm restricted to the tier; scale-in therefore empties the last tiers first.
AssignOutcome assignOverflow(const Binding& binding, std::span<const Candidate> selected,
                             bool aggregated) {
  std::map<int32_t, std::vector<Candidate>> tiers;
  for (const Candidate& c : selected) tiers[c.overflow_order].push_back(c);
  AssignOutcome out;
  int64_t remaining = binding.replicas;
  int64_t total_available = 0;
  for (auto& [order, tier] : tiers) {
    int64_t tier_available = 0;
    for (const Candidate& c : tier) tier_available += c.available;
    total_available += tier_available;
    if (remaining <= 0) continue;
    const auto take = static_cast<int32_t>(std::min(remaining, tier_available));
    if (take == 0) continue;
    AssignOutcome part = assignDynamic(binding, tier, take, aggregated);
    if (!part.status.isOk()) return part;
    out.clusters.insert(out.clusters.end(), part.clusters.begin(), part.clusters.end());
    remaining -= take;
  }
  out.needed = binding.replicas;
  out.available = total_available;
  if (remaining > 0) {
    out.status = assignError("Clusters available replicas " + std::to_string(total_available) +
                             " are not enough to schedule.");
    out.clusters.clear();
  }
  return out;
}

}  // namespace

AssignOutcome assignReplicas(const Binding& binding, std::span<const Candidate> selected,
                             bool keep_empty) {
  AssignOutcome out;
  if (selected.empty()) {
    out.status = assignError("no clusters available to schedule");
    return out;
  }
  if (!binding.isWorkload()) {
    for (const Candidate& c : selected) out.clusters.push_back({c.name(), 0});
    std::sort(out.clusters.begin(), out.clusters.end(),
              [](const TargetCluster& a, const TargetCluster& b) { return a.name < b.name; });
    return out;
  }
  const auto& rs = binding.placement.replica_scheduling;
  if (!rs || rs->type == ReplicaType::Duplicated) {
    for (const Candidate& c : selected) out.clusters.push_back({c.name(), binding.replicas});
    finish(out.clusters, keep_empty);
    return out;
  }
  const bool aggregated = rs->division == Division::Aggregated;
  if (aggregated || rs->dynamic_weight) {
    out = usesOverflow(selected) ? assignOverflow(binding, selected, aggregated)
                                 : assignDynamic(binding, selected, binding.replicas, aggregated);
  } else {
    const auto weights = staticWeights(binding.placement, selected);
    std::vector<Party> parties;
    for (size_t i = 0; i < selected.size(); ++i) {
      if (weights[i] > 0) parties.push_back({selected[i].name(), weights[i]});
    }
    out.clusters = websterDivide(binding.replicas, parties, {}, binding.uid);
  }
  if (!out.status.isOk()) return out;
  if (keep_empty) {
    // --enable-empty-workload-propagation: selected clusters stay, with 0 replicas.
    for (const Candidate& c : selected) {
      if (std::none_of(out.clusters.begin(), out.clusters.end(),
                       [&](const TargetCluster& t) { return t.name == c.name(); })) {
        out.clusters.push_back({c.name(), 0});
      }
    }
  }
  finish(out.clusters, keep_empty);
  return out;
}

}  // namespace flotilla::scheduler
