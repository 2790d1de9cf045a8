#include "estimator/general_estimator.h"

#include <gtest/gtest.h>

namespace flotilla::estimator {
namespace {

constexpr int64_t kGi = 1024LL * 1024 * 1024 * 1000;  // milli-units
constexpr int64_t kCore = 1000;
constexpr int64_t kPod = 1000;

ResourceSummary summary(ResourceList allocatable, ResourceList allocated = {},
                        ResourceList allocating = {}) {
  return ResourceSummary{std::move(allocatable), std::move(allocated), std::move(allocating), {}};
}

struct EstimateCase {
  std::string name;
  ClusterResources cluster;
  std::optional<ReplicaRequirements> requirements;
  int32_t want;
};

class GeneralEstimatorTest : public ::testing::TestWithParam<EstimateCase> {};

TEST_P(GeneralEstimatorTest, Estimates) {
  const auto& c = GetParam();
  GeneralEstimator estimator;
  EXPECT_EQ(estimator.maxAvailableReplicas("member1", c.cluster,
                                           c.requirements ? &*c.requirements : nullptr),
            c.want);
}

// The default Karmada model grades 0..8 over cpu and memory (cluster.spec.resourceModels).
std::vector<ResourceModel> defaultModels() {
  const int64_t cpu[] = {0, 1, 2, 4, 8, 16, 32, 64, 128};
  const int64_t mem[] = {0, 4, 16, 32, 64, 128, 256, 512, 1024};
  std::vector<ResourceModel> models;
  for (int g = 0; g < 9; ++g) {
    const int64_t cpu_max = g == 8 ? INT64_MAX : cpu[g + 1] * kCore;
    const int64_t mem_max = g == 8 ? INT64_MAX : mem[g + 1] * kGi;
    models.push_back({g, {{kCpu, cpu[g] * kCore, cpu_max}, {kMemory, mem[g] * kGi, mem_max}}});
  }
  return models;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, GeneralEstimatorTest,
    ::testing::Values(
        EstimateCase{"NoSummaryIsZero", ClusterResources{}, std::nullopt, 0},
        EstimateCase{"NoPodsLeftIsZero",
                     {summary({{kPods, 10 * kPod}}, {{kPods, 6 * kPod}}, {{kPods, 4 * kPod}}), {}},
                     std::nullopt, 0},
        EstimateCase{"NoRequirementsIsAllowedPods",
                     {summary({{kPods, 110 * kPod}}, {{kPods, 10 * kPod}}), {}}, std::nullopt, 100},
        // karmada.md §2h worked example: min(80, 6, 6) = 6.
        EstimateCase{"SpecExample",
                     {summary({{kPods, 100 * kPod}, {kCpu, 4 * kCore}, {kMemory, 8 * kGi}},
                              {{kPods, 20 * kPod}, {kCpu, 1 * kCore}, {kMemory, 2 * kGi}}),
                      {}},
                     ReplicaRequirements{{{kCpu, 500}, {kMemory, 1 * kGi}}},
                     6},
        EstimateCase{"AllocatingCounts",
                     {summary({{kPods, 100 * kPod}, {kCpu, 4 * kCore}},
                              {{kCpu, 1 * kCore}}, {{kCpu, 1 * kCore}}),
                      {}},
                     ReplicaRequirements{{{kCpu, 500}}},
                     4},
        EstimateCase{"AllowedPodsBounds",
                     {summary({{kPods, 3 * kPod}, {kCpu, 64 * kCore}}), {}},
                     ReplicaRequirements{{{kCpu, 100}}},
                     3},
        EstimateCase{"MissingAllocatableResourceIsZero",
                     {summary({{kPods, 100 * kPod}, {kCpu, 4 * kCore}}), {}},
                     ReplicaRequirements{{{kCpu, 100}, {"nvidia.com/gpu", 1000}}},
                     0},
        EstimateCase{"ExhaustedResourceIsZero",
                     {summary({{kPods, 100 * kPod}, {kCpu, 4 * kCore}}, {{kCpu, 4 * kCore}}), {}},
                     ReplicaRequirements{{{kCpu, 100}}},
                     0},
        EstimateCase{"ZeroRequestIgnored",
                     {summary({{kPods, 7 * kPod}, {kCpu, 4 * kCore}}), {}},
                     ReplicaRequirements{{{kCpu, 0}}},
                     7},
        // Grade 2 (cpu >= 2, memory >= 16Gi) x 3 nodes and grade 4 (8 cores, 64Gi) x 1 node;
        // request 1 core + 2Gi: 3 nodes x min(2, 8) + 1 node x min(8, 32) = 6 + 8 = 14.
        EstimateCase{"ResourceModelVirtualNodes",
                     {ResourceSummary{{{kPods, 1000 * kPod}, {kCpu, 100 * kCore}},
                                      {},
                                      {},
                                      {{2, 3}, {4, 1}}},
                      defaultModels()},
                     ReplicaRequirements{{{kCpu, 1 * kCore}, {kMemory, 2 * kGi}}},
                     14},
        EstimateCase{"ResourceModelBoundedByAllowedPods",
                     {ResourceSummary{{{kPods, 10 * kPod}, {kCpu, 100 * kCore}},
                                      {},
                                      {},
                                      {{2, 3}, {4, 1}}},
                      defaultModels()},
                     ReplicaRequirements{{{kCpu, 1 * kCore}, {kMemory, 2 * kGi}}},
                     10},
        // Grade 0 minimums are zero: nodes in it hold nothing.
        EstimateCase{"ResourceModelGradeZeroHoldsNothing",
                     {ResourceSummary{{{kPods, 100 * kPod}}, {}, {}, {{0, 50}}}, defaultModels()},
                     ReplicaRequirements{{{kCpu, 100}}},
                     0},
        // A resource the models do not describe falls back to the summary-based estimate.
        EstimateCase{"ResourceModelUnknownResourceFallsBack",
                     {ResourceSummary{{{kPods, 100 * kPod}, {"example.com/fpga", 4000}},
                                      {},
                                      {},
                                      {{2, 3}}},
                      defaultModels()},
                     ReplicaRequirements{{{"example.com/fpga", 1000}}},
                     4},
        EstimateCase{"NoModelsFallsBack",
                     {ResourceSummary{{{kPods, 100 * kPod}, {kCpu, 2 * kCore}}, {}, {}, {{2, 3}}},
                      {}},
                     ReplicaRequirements{{{kCpu, 1 * kCore}}},
                     2}),
    [](const auto& info) { return info.param.name; });

class FixedEstimator final : public ReplicaEstimator {
 public:
  explicit FixedEstimator(int32_t answer) : answer_(answer) {}
  std::string_view name() const override { return "Fixed"; }
  int32_t maxAvailableReplicas(std::string_view, const ClusterResources&,
                               const ReplicaRequirements*) const override {
    return answer_;
  }

 private:
  int32_t answer_;
};

struct MergeCase {
  std::string name;
  std::vector<int32_t> answers;
  int32_t spec_replicas;
  int32_t want;
};

class MergeTest : public ::testing::TestWithParam<MergeCase> {};

TEST_P(MergeTest, MinimumIgnoringUnauthentic) {
  const auto& c = GetParam();
  std::vector<FixedEstimator> owned;
  owned.reserve(c.answers.size());
  for (int32_t a : c.answers) owned.emplace_back(a);
  std::vector<const ReplicaEstimator*> estimators;
  for (const auto& e : owned) estimators.push_back(&e);
  EXPECT_EQ(estimateReplicas(estimators, "member1", ClusterResources{}, nullptr, c.spec_replicas), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Merge, MergeTest,
    ::testing::Values(MergeCase{"MinOfAll", {7, 3, 9}, 5, 3},
                      MergeCase{"UnauthenticIgnored", {-1, 4}, 5, 4},
                      MergeCase{"AllUnauthenticMeansSpecReplicas", {-1, -1}, 5, 5},
                      MergeCase{"NoEstimatorsMeansSpecReplicas", {}, 8, 8},
                      MergeCase{"UnboundedMeansSpecReplicas", {kUnbounded}, 6, 6},
                      MergeCase{"ZeroWins", {0, 10}, 5, 0}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace flotilla::estimator
