// The scheduler framework: filter and score plugins behind two small interfaces, collected in a
// registry by name. A filter says whether a cluster can host the binding at all and, when not,
// gives a code and a human reason so a failed placement can be explained cluster by cluster. A
// score plugin rates every feasible cluster 0..100; the framework sums weight × score.
//
// Adding a plugin: implement FilterPlugin or ScorePlugin with a `kName`, and register a factory in
// registry.cc. Plugins are stateless; everything per-decision lives in SchedulingContext.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/cost_model.h"
#include "scheduler/model.h"

namespace flotilla::scheduler {

enum class FilterCode { Success, Unschedulable, Error };

struct FilterResult {
  FilterCode code = FilterCode::Success;
  std::string reason;  // human text; identical text aggregates in the summary
  bool ok() const { return code == FilterCode::Success; }
  static FilterResult success() { return {}; }
  static FilterResult unschedulable(std::string reason) {
    return {FilterCode::Unschedulable, std::move(reason)};
  }
};

// Everything about the decision in progress that plugins may read.
struct SchedulingContext {
  const Binding* binding = nullptr;
  // The scheduling group being tried (clusterAffinities), or nullptr when the placement uses a
  // single clusterAffinity (or none).
  const AffinityTerm* term = nullptr;
  // Clusters in binding.previous, sorted, for O(log n) "already scheduled here" checks.
  std::vector<std::string> previous_names;
  std::string api_key;  // binding->apiKey(), computed once per decision
  bool wasScheduledOn(const std::string& cluster) const;
};

// A feasible cluster on its way through score, select and assign.
struct Candidate {
  const Cluster* cluster = nullptr;
  int64_t score = 0;
  int64_t cost_score = 0;          // CostScore's contribution (weighted), used by Aggregated
  int32_t available = 0;           // estimator result + replicas already assigned there
  int32_t allocatable = 0;         // estimator result
  int32_t overflow_order = 0;      // 0 primary group, i = i-th overflow tier, 1000 none
  const ReplicaPrice* price = nullptr;
  const std::string& name() const { return cluster->name; }
};

class FilterPlugin {
 public:
  virtual ~FilterPlugin() = default;
  virtual std::string_view name() const = 0;
  virtual FilterResult filter(const SchedulingContext& ctx, const Cluster& cluster) const = 0;
};
using FilterPluginPtr = std::unique_ptr<FilterPlugin>;

class ScorePlugin {
 public:
  virtual ~ScorePlugin() = default;
  virtual std::string_view name() const = 0;
  // Writes one score in 0..100 per candidate into `out` (same length).
  virtual void score(const SchedulingContext& ctx, std::span<const Candidate> candidates,
                     std::span<int64_t> out) const = 0;
};
using ScorePluginPtr = std::unique_ptr<ScorePlugin>;

// Named plugin factories, in the order the plugins run. Filter order only decides which reason is
// reported for a cluster that fails several filters (Karmada's order is random); it is fixed here
// so explanations are deterministic.
class Registry {
 public:
  using FilterFactory = std::function<FilterPluginPtr()>;
  using ScoreFactory = std::function<ScorePluginPtr()>;

  void addFilter(std::string name, FilterFactory factory);
  void addScore(std::string name, ScoreFactory factory);
  const std::vector<std::pair<std::string, FilterFactory>>& filters() const { return filters_; }
  const std::vector<std::pair<std::string, ScoreFactory>>& scores() const { return scores_; }

  // Every plugin Flotilla ships: Karmada's filters and scores plus CostScore.
  static const Registry& builtin();

 private:
  std::vector<std::pair<std::string, FilterFactory>> filters_;
  std::vector<std::pair<std::string, ScoreFactory>> scores_;
};

}  // namespace flotilla::scheduler
