// The built-in scheduler plugins (karmada.md §2c, §2e) and Flotilla's CostScore.
#pragma once

#include "scheduler/framework.h"

namespace flotilla::scheduler {

// Placement.clusterAffinity, or the scheduling group under trial plus its overflow tiers.
class ClusterAffinityFilter final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "ClusterAffinity";
  std::string_view name() const override { return kName; }
  FilterResult filter(const SchedulingContext& ctx, const Cluster& cluster) const override;
};

// Keeps new placements away from clusters with a graceful-eviction task for this binding.
class ClusterEvictionFilter final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "ClusterEviction";
  std::string_view name() const override { return kName; }
  FilterResult filter(const SchedulingContext& ctx, const Cluster& cluster) const override;
};

// Spread constraints need the property they spread by: provider, region or zones.
class SpreadConstraintFilter final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "SpreadConstraint";
  std::string_view name() const override { return kName; }
  FilterResult filter(const SchedulingContext& ctx, const Cluster& cluster) const override;
};

// NoSchedule/NoExecute taints must be tolerated, except on clusters already scheduled to.
class TaintTolerationFilter final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "TaintToleration";
  std::string_view name() const override { return kName; }
  FilterResult filter(const SchedulingContext& ctx, const Cluster& cluster) const override;
};

// The cluster must serve the template's group/version/kind, except when already scheduled to.
class ApiEnablementFilter final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "APIEnablement";
  std::string_view name() const override { return kName; }
  FilterResult filter(const SchedulingContext& ctx, const Cluster& cluster) const override;
};

// WorkloadAffinity (gate WorkloadAffinity, karmada.md §2c): a binding with an affinity group goes
// only where other bindings of its group already run; the first member of a group (no peers
// placed yet) is never blocked. Inert when the caller sets no group.
class WorkloadAffinityFilter final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "WorkloadAffinity";
  std::string_view name() const override { return kName; }
  FilterResult filter(const SchedulingContext& ctx, const Cluster& cluster) const override;
};

// WorkloadAntiAffinity: a binding with an anti-affinity group avoids clusters where another
// binding of its group runs.
class WorkloadAntiAffinityFilter final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "WorkloadAntiAffinity";
  std::string_view name() const override { return kName; }
  FilterResult filter(const SchedulingContext& ctx, const Cluster& cluster) const override;
};

// Karmada's ClusterAffinity score is always 0; kept so plugin lists match Karmada's.
class ClusterAffinityScore final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "ClusterAffinity";
  std::string_view name() const override { return kName; }
  void score(const SchedulingContext& ctx, std::span<const Candidate> candidates,
             std::span<int64_t> out) const override;
};

// 100 for clusters the binding is already scheduled to, so rescheduling prefers staying put.
class ClusterLocalityScore final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "ClusterLocality";
  std::string_view name() const override { return kName; }
  void score(const SchedulingContext& ctx, std::span<const Candidate> candidates,
             std::span<int64_t> out) const override;
};

// Flotilla: cheapest priced cluster 100, dearest 0, linear in between (integer division);
// unpriced clusters 0. When every priced cluster costs the same they all score 100, and with no
// PriceBook every cluster scores 0, so the ranking is exactly Karmada's.
class CostScore final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "CostScore";
  std::string_view name() const override { return kName; }
  void score(const SchedulingContext& ctx, std::span<const Candidate> candidates,
             std::span<int64_t> out) const override;
};

}  // namespace flotilla::scheduler
