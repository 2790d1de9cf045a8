// Builders shared by the scheduler tests: terse clusters, candidates, placements and a fixed
// estimator, so each table row states only what the rule under test looks at.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "estimator/replica_estimator.h"
#include "scheduler/framework.h"
#include "scheduler/model.h"

namespace flotilla::scheduler::testing {

inline Cluster makeCluster(std::string name, std::string provider = "", std::string region = "",
                           std::vector<std::string> zones = {}) {
  Cluster c;
  c.name = std::move(name);
  c.provider = std::move(provider);
  c.region = std::move(region);
  c.zones = std::move(zones);
  c.api_enablements = {"apps/v1/Deployment", "v1/ConfigMap"};
  return c;
}

inline Requirement req(std::string key, SelectorOp op, std::vector<std::string> values = {}) {
  return Requirement{std::move(key), op, std::move(values)};
}

inline ClusterAffinity names(std::vector<std::string> cluster_names) {
  ClusterAffinity a;
  a.cluster_names = std::move(cluster_names);
  return a;
}

inline ClusterAffinity labelIs(std::string key, std::string value) {
  ClusterAffinity a;
  a.label_selector.push_back(req(std::move(key), SelectorOp::In, {std::move(value)}));
  return a;
}

inline ReplicaScheduling divided(Division division = Division::Weighted,
                                 bool dynamic_weight = false) {
  ReplicaScheduling rs;
  rs.type = ReplicaType::Divided;
  rs.division = division;
  if (dynamic_weight) {
    rs.has_weight_preference = true;
    rs.dynamic_weight = true;
  }
  return rs;
}

inline ReplicaScheduling duplicated() {
  ReplicaScheduling rs;
  rs.type = ReplicaType::Duplicated;
  return rs;
}

inline Binding deployment(int32_t replicas, Placement placement = {}) {
  Binding b;
  b.api_version = "apps/v1";
  b.kind = "Deployment";
  b.namespace_ = "default";
  b.name = "web";
  b.replicas = replicas;
  b.requirements = estimator::ReplicaRequirements{{{"cpu", 100}}};
  b.placement = std::move(placement);
  return b;
}

// Answers a fixed number of replicas per cluster name (0 for unknown clusters).
class TableEstimator final : public estimator::ReplicaEstimator {
 public:
  explicit TableEstimator(std::vector<std::pair<std::string, int32_t>> table)
      : table_(std::move(table)) {}
  std::string_view name() const override { return "Table"; }
  int32_t maxAvailableReplicas(std::string_view cluster, const estimator::ClusterResources&,
                               const estimator::ReplicaRequirements*) const override {
    for (const auto& [name, replicas] : table_) {
      if (name == cluster) return replicas;
    }
    return estimator::kUnauthentic;
  }

 private:
  std::vector<std::pair<std::string, int32_t>> table_;
};

}  // namespace flotilla::scheduler::testing
