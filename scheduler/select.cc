#include "scheduler/select.h"

#include <algorithm>
#include <limits>
#include <map>

namespace flotilla::scheduler {

namespace {

core::Status selectError(std::string message) {
  return core::Status(core::Code::FailedPrecondition, std::move(message));
}

const SpreadConstraint* findConstraint(const Placement& placement, SpreadField field) {
  for (const auto& sc : placement.spread_constraints) {
    if (sc.field == field) return &sc;
  }
  return nullptr;
}

bool isDuplicated(const Placement& placement) {
  return !placement.replica_scheduling ||
         placement.replica_scheduling->type == ReplicaType::Duplicated;
}

int64_t sumAvailable(const std::vector<Candidate>& list) {
  int64_t sum = 0;
  for (const auto& c : list) sum += c.available;
  return sum;
}

core::Result<std::vector<Candidate>> selectByCluster(std::vector<Candidate> ranked,
                                                     const SpreadConstraint& sc,
                                                     int64_t need_replicas) {
  const int64_t n = static_cast<int64_t>(ranked.size());
  if (n < sc.min_groups) {
    return selectError("the number of feasible clusters is less than spreadConstraint.MinGroups");
  }
  const int64_t take = std::min<int64_t>(n, std::max<int32_t>(sc.max_groups, 0));
  std::vector<Candidate> selected(ranked.begin(), ranked.begin() + take);
  std::vector<Candidate> rest(ranked.begin() + take, ranked.end());
  if (need_replicas < 0 || sumAvailable(selected) >= need_replicas) return selected;
  // Walk the selection from its weakest end, swapping in the unselected cluster with the most
  // available replicas when that is strictly more.
  for (int64_t i = take - 1; i >= 0; --i) {
    int64_t best = -1;
    for (size_t j = 0; j < rest.size(); ++j) {
      if (rest[j].available > selected[i].available &&
          (best < 0 || rest[j].available > rest[best].available)) {
        best = static_cast<int64_t>(j);
      }
    }
    if (best >= 0) std::swap(selected[i], rest[best]);
    if (sumAvailable(selected) >= need_replicas) return selected;
  }
  return selectError("no enough resource when selecting " + std::to_string(take) + " clusters");
}

core::Result<std::vector<Candidate>> selectByRegion(const Binding& binding,
                                                    std::vector<Candidate> ranked,
                                                    const SpreadConstraint& region,
                                                    const SpreadConstraint* cluster) {
  // Regions keep the ranked order of their clusters.
  std::map<std::string, std::vector<const Candidate*>> regions;
  for (const Candidate& c : ranked) regions[c.cluster->region].push_back(&c);
  if (static_cast<int64_t>(regions.size()) < region.min_groups) {
    return selectError("the number of feasible regions is less than spreadConstraint.MinGroups");
  }
  const int32_t cluster_min = cluster ? cluster->min_groups : 1;
  const int32_t cluster_max = cluster && cluster->max_groups > 0
                                  ? cluster->max_groups
                                  : std::numeric_limits<int32_t>::max();
  std::vector<Group> groups;
  for (const auto& [name, members] : regions) {
    groups.push_back(Group{name, static_cast<int64_t>(members.size()),
                           groupScore(binding, members, region.min_groups, cluster_min)});
  }
  const auto chosen = selectGroups(groups, region.min_groups, region.max_groups, cluster_min);
  if (chosen.empty()) {
    return selectError(
        "the number of clusters is less than the cluster spreadConstraint.MinGroups");
  }
  std::vector<Candidate> selected;
  std::vector<const Candidate*> rest;
  size_t total = 0;
  for (const auto& name : chosen) {
    const auto& members = regions[name];
    total += members.size();
    selected.push_back(*members.front());
    rest.insert(rest.end(), members.begin() + 1, members.end());
  }
  std::stable_sort(rest.begin(), rest.end(), [](const Candidate* a, const Candidate* b) {
    if (a->score != b->score) return a->score > b->score;
    if (a->available != b->available) return a->available > b->available;
    return a->name() < b->name();
  });
  const size_t limit = std::min<size_t>(total, static_cast<size_t>(cluster_max));
  for (const Candidate* c : rest) {
    if (selected.size() >= limit) break;
    selected.push_back(*c);
  }
  return selected;
}

struct Path {
  std::vector<const Group*> groups;
  int64_t id = 0;
  int64_t weight = 0;
  int64_t value = 0;
};

void searchPaths(const std::vector<Group>& groups, size_t start, int32_t min_groups,
                 int32_t max_groups, int64_t target, std::vector<const Group*>& path,
                 int64_t value, std::vector<Path>& found) {
  for (size_t i = start; i < groups.size(); ++i) {
    path.push_back(&groups[i]);
    const int64_t v = value + groups[i].value;
    const auto len = static_cast<int32_t>(path.size());
    if (v >= target && len >= min_groups && len <= max_groups) {
      Path p;
      p.groups = path;
      p.id = static_cast<int64_t>(found.size());
      found.push_back(std::move(p));
    } else if (len < max_groups) {
      searchPaths(groups, i + 1, min_groups, max_groups, target, path, v, found);
    }
    path.pop_back();
    // Karmada's quirk: with exactly min_groups groups only the first branch is explored (the
    // only feasible combination is all of them anyway).
    if (static_cast<int32_t>(groups.size()) == min_groups) break;
  }
}

}  // namespace

void sortCandidates(std::vector<Candidate>& candidates) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.overflow_order != b.overflow_order) return a.overflow_order < b.overflow_order;
    if (a.score != b.score) return a.score > b.score;
    if (a.available != b.available) return a.available > b.available;
    return a.name() < b.name();
  });
}

bool isStaticWeight(const Placement& placement) {
  const auto& rs = placement.replica_scheduling;
  if (!rs || rs->type != ReplicaType::Divided || rs->division != Division::Weighted) return false;
  if (!rs->has_weight_preference) return true;
  return !rs->static_weights.empty() && !rs->dynamic_weight;
}

std::vector<std::string> selectGroups(std::vector<Group> groups, int32_t min_groups,
                                      int32_t max_groups, int64_t target) {
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    if (a.value != b.value) return a.value < b.value;
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.name < b.name;
  });
  std::vector<Path> found;
  std::vector<const Group*> path;
  searchPaths(groups, 0, min_groups, max_groups, target, path, 0, found);
  if (found.empty()) return {};
  for (Path& p : found) {
    std::sort(p.groups.begin(), p.groups.end(), [](const Group* a, const Group* b) {
      if (a->weight != b->weight) return a->weight > b->weight;
      return a->name < b->name;
    });
    for (const Group* g : p.groups) {
      p.weight += g->weight;
      p.value += g->value;
    }
  }
  std::sort(found.begin(), found.end(), [](const Path& a, const Path& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    if (a.value != b.value) return a.value > b.value;
    return a.id < b.id;
  });
  // Prefer a shorter path that is a strict prefix of the best one.
  size_t best = 0;
  for (size_t j = 1; j < found.size(); ++j) {
    const auto& b = found[best].groups;
    const auto& c = found[j].groups;
    if (c.size() < b.size() &&
        std::equal(c.begin(), c.end(), b.begin(),
                   [](const Group* x, const Group* y) { return x->name == y->name; })) {
      best = j;
    }
  }
  std::vector<std::string> names;
  for (const Group* g : found[best].groups) names.push_back(g->name);
  return names;
}

int64_t groupScore(const Binding& binding, const std::vector<const Candidate*>& clusters,
                   int32_t group_min_groups, int32_t cluster_min_groups) {
  if (clusters.empty()) return 0;
  const int64_t replicas = binding.replicas;
  if (isDuplicated(binding.placement)) {
    int64_t valid = 0;
    int64_t valid_score = 0;
    for (const Candidate* c : clusters) {
      if (c->available >= replicas) {
        ++valid;
        valid_score += c->score;
      }
    }
    return valid == 0 ? 0 : valid * 1000 + valid_score / valid;
  }
  const int64_t divisor = std::max<int32_t>(group_min_groups, 1);
  const int64_t target = (replicas + divisor - 1) / divisor;
  const int64_t cluster_min = std::max(cluster_min_groups, group_min_groups);
  int64_t sum = 0;
  int64_t sum_score = 0;
  int64_t count = 0;
  for (const Candidate* c : clusters) {
    sum += c->available;
    sum_score += c->score;
    ++count;
    if (count >= cluster_min && sum >= target) break;
  }
  if (sum < target) return sum * 1000 + sum_score / static_cast<int64_t>(clusters.size());
  return target * 1000 + sum_score / count;
}

core::Result<std::vector<Candidate>> selectClusters(const Binding& binding,
                                                    std::vector<Candidate> ranked) {
  const Placement& placement = binding.placement;
  if (placement.spread_constraints.empty() || isStaticWeight(placement)) return ranked;
  const int64_t need_replicas = isDuplicated(placement) ? -1 : binding.replicas;
  const SpreadConstraint* region = findConstraint(placement, SpreadField::Region);
  const SpreadConstraint* cluster = findConstraint(placement, SpreadField::Cluster);
  if (region) return selectByRegion(binding, std::move(ranked), *region, cluster);
  if (cluster) return selectByCluster(std::move(ranked), *cluster, need_replicas);
  return ranked;  // zone/provider constraints alone only filter
}

}  // namespace flotilla::scheduler
