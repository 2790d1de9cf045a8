#include "estimator/general_estimator.h"

#include <algorithm>

namespace flotilla::estimator {

int64_t amountOf(const ResourceList& list, const std::string& name) {
  auto it = list.find(name);
  return it == list.end() ? 0 : it->second;
}

namespace {

constexpr int64_t kPodsPerVirtualNode = 110;

// Karmada divides CPU in milli-units and every other resource in whole units, where a whole unit
// is Quantity.Value(): the milli amount rounded up.
int64_t divisionUnits(const std::string& resource, int64_t milli) {
  if (resource == kCpu) return milli;
  if (milli <= 0) return milli / 1000;
  return (milli + 999) / 1000;
}

int64_t clampToInt32(int64_t v) {
  return std::clamp<int64_t>(v, 0, kUnbounded);
}

}  // namespace

int64_t summaryEstimate(const ResourceSummary& summary, const ResourceList& request,
                        int64_t allowed_pods) {
  int64_t result = allowed_pods;
  for (const auto& [name, amount] : request) {
    if (amount <= 0 || name == kPods) continue;
    auto alloc = summary.allocatable.find(name);
    if (alloc == summary.allocatable.end()) return 0;
    const int64_t free_milli =
        alloc->second - amountOf(summary.allocated, name) - amountOf(summary.allocating, name);
    if (free_milli <= 0) return 0;
    const int64_t per_replica = divisionUnits(name, amount);
    if (per_replica <= 0) continue;
    result = std::min(result, divisionUnits(name, free_milli) / per_replica);
  }
  return result;
}

std::optional<int64_t> modelEstimate(const ResourceSummary& summary,
                                     const std::vector<ResourceModel>& models,
                                     const ResourceList& request, int64_t allowed_pods) {
  if (models.empty()) return std::nullopt;
  std::vector<const ResourceModel*> sorted;
  sorted.reserve(models.size());
  for (const auto& m : models) sorted.push_back(&m);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ResourceModel* a, const ResourceModel* b) { return a->grade < b->grade; });

  // Every requested resource must be described by the models; otherwise the virtual nodes would
  // claim an unknown resource is absent and the answer would be a misleading 0.
  for (const auto& [name, amount] : request) {
    if (amount <= 0 || name == kPods) continue;
    const auto& ranges = sorted.front()->ranges;
    bool described = std::any_of(ranges.begin(), ranges.end(),
                                 [&](const ResourceModelRange& r) { return r.name == name; });
    if (!described) return std::nullopt;
  }

  int64_t remaining = allowed_pods;
  int64_t placed = 0;
  for (const ResourceModel* model : sorted) {
    int64_t count = 0;
    for (const auto& m : summary.allocatable_modelings) {
      if (m.grade == model->grade) count = m.count;
    }
    if (count <= 0) continue;
    // Replicas one virtual node of this grade holds.
    int64_t per_node = kPodsPerVirtualNode;
    for (const auto& [name, amount] : request) {
      if (amount <= 0 || name == kPods) continue;
      int64_t capacity = 0;
      for (const auto& r : model->ranges) {
        if (r.name == name) capacity = r.min;
      }
      const int64_t per_replica = divisionUnits(name, amount);
      if (per_replica <= 0) continue;
      per_node = std::min(per_node, divisionUnits(name, capacity) / per_replica);
    }
    if (per_node <= 0) continue;
    // First-fit over `count` identical nodes: each takes min(remaining, per_node).
    const int64_t full_nodes = std::min(count, remaining / per_node);
    placed += full_nodes * per_node;
    remaining -= full_nodes * per_node;
    if (full_nodes < count && remaining > 0) {
      placed += remaining;
      remaining = 0;
    }
    if (remaining <= 0) break;
  }
  return placed;
}

int32_t GeneralEstimator::maxAvailableReplicas(std::string_view, const ClusterResources& cluster,
                                               const ReplicaRequirements* requirements) const {
  if (!cluster.summary) return 0;
  const ResourceSummary& summary = *cluster.summary;
  static const std::string kPodsName(kPods);  // one string, not three temporaries per cluster
  const int64_t allowed_pods = amountOf(summary.allocatable, kPodsName) / 1000 -
                               amountOf(summary.allocated, kPodsName) / 1000 -
                               amountOf(summary.allocating, kPodsName) / 1000;
  if (allowed_pods <= 0) return 0;
  if (requirements == nullptr) return static_cast<int32_t>(clampToInt32(allowed_pods));
  if (resource_modeling_ && !summary.allocatable_modelings.empty()) {
    auto m = modelEstimate(summary, cluster.models, requirements->resource_request, allowed_pods);
    if (m) return static_cast<int32_t>(clampToInt32(std::min(allowed_pods, *m)));
  }
  return static_cast<int32_t>(
      clampToInt32(summaryEstimate(summary, requirements->resource_request, allowed_pods)));
}

int32_t estimateReplicas(std::span<const ReplicaEstimator* const> estimators,
                         std::string_view cluster_name, const ClusterResources& cluster,
                         const ReplicaRequirements* requirements, int32_t spec_replicas) {
  int32_t result = kUnbounded;
  for (const ReplicaEstimator* e : estimators) {
    const int32_t answer = e->maxAvailableReplicas(cluster_name, cluster, requirements);
    if (answer == kUnauthentic) continue;
    result = std::min(result, answer);
  }
  return result == kUnbounded ? spec_replicas : result;
}

}  // namespace flotilla::estimator
