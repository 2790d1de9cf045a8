#include "member/resource_summary.h"

#include <gtest/gtest.h>

namespace flotilla::member {
namespace {

using Json = nlohmann::json;

Json node(const std::string& name, const std::string& cpu, const std::string& memory) {
  return {{"metadata", {{"name", name}}},
          {"status", {{"allocatable", {{"cpu", cpu}, {"memory", memory}, {"pods", "110"}}}}}};
}

Json pod(const std::string& node_name, const std::string& phase, const std::string& cpu,
         const std::string& memory) {
  return {{"spec",
           {{"nodeName", node_name},
            {"containers", {{{"resources", {{"requests", {{"cpu", cpu}, {"memory", memory}}}}}}}}}},
          {"status", {{"phase", phase}}}};
}

TEST(SummarizeResources, AllocatableAllocatedAllocating) {
  const std::vector<Json> nodes = {node("a", "4", "8Gi"), node("b", "8", "16Gi")};
  const std::vector<Json> pods = {
      pod("a", "Running", "500m", "1Gi"),  pod("b", "Pending", "1", "512Mi"),
      pod("", "Pending", "250m", "256Mi"), pod("a", "Succeeded", "4", "4Gi"),  // finished
      pod("", "Failed", "1", "1Gi")};
  auto s = summarizeResources(nodes, pods);
  EXPECT_EQ(s.allocatable, (api::ResourceList{{"cpu", "12"}, {"memory", "24Gi"}, {"pods", "220"}}));
  EXPECT_EQ(s.allocated, (api::ResourceList{{"cpu", "1500m"}, {"memory", "1536Mi"}, {"pods", "2"}}));
  EXPECT_EQ(s.allocating, (api::ResourceList{{"cpu", "250m"}, {"memory", "256Mi"}, {"pods", "1"}}));
  EXPECT_TRUE(s.allocatable_modelings.empty());
}

TEST(SummarizeResources, GradesNodesByFreeResources) {
  const std::vector<Json> nodes = {node("a", "4", "8Gi"), node("b", "8", "16Gi")};
  const std::vector<Json> pods = {pod("a", "Running", "3", "1Gi")};
  auto models = api::defaultResourceModels();
  auto s = summarizeResources(nodes, pods, models);
  ASSERT_EQ(s.allocatable_modelings.size(), models.size());
  // a: 1 cpu / 7Gi free -> cpu grade 1, memory grade 1 -> 1. b: 8 cpu / 16Gi -> min(4, 2) = 2.
  EXPECT_EQ(s.allocatable_modelings[1].count, 1);
  EXPECT_EQ(s.allocatable_modelings[2].count, 1);
  EXPECT_EQ(s.allocatable_modelings[0].count, 0);
}

}  // namespace
}  // namespace flotilla::member
