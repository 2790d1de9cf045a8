// Resource amounts as the estimators see them: a resource name mapped to an integer amount in
// milli-units (1 CPU core = 1000, 1 byte of memory = 1000), so every quantity Kubernetes can
// express with a milli suffix is exact and arithmetic never rounds. The conversion from wire
// quantities ("500m", "1Gi") happens at the edge (the planner), keeping this library free of
// string parsing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flotilla::estimator {

inline constexpr const char* kCpu = "cpu";
inline constexpr const char* kMemory = "memory";
inline constexpr const char* kPods = "pods";

// resource name -> amount in milli-units.
using ResourceList = std::map<std::string, int64_t>;

// The amount of `name` in `list`, 0 when absent.
int64_t amountOf(const ResourceList& list, const std::string& name);

// One grade of a cluster's resource model (cluster.spec.resourceModels[]); `min`/`max` per
// resource in milli-units, in the model's declared resource order.
struct ResourceModelRange {
  std::string name;
  int64_t min = 0;
  int64_t max = 0;
};
struct ResourceModel {
  int64_t grade = 0;
  std::vector<ResourceModelRange> ranges;
};
// cluster.status.resourceSummary.allocatableModelings[]: how many nodes fall into a grade.
struct AllocatableModeling {
  int64_t grade = 0;
  int64_t count = 0;
};

// cluster.status.resourceSummary.
struct ResourceSummary {
  ResourceList allocatable, allocated, allocating;
  std::vector<AllocatableModeling> allocatable_modelings;
};

// What an estimator knows about one member cluster.
struct ClusterResources {
  std::optional<ResourceSummary> summary;  // nil when the cluster never reported one
  std::vector<ResourceModel> models;       // cluster.spec.resourceModels
};

// binding.spec.replicaRequirements: what one replica asks for.
struct ReplicaRequirements {
  ResourceList resource_request;
};

}  // namespace flotilla::estimator
