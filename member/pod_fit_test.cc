#include "member/pod_fit.h"

#include <gtest/gtest.h>

namespace flotilla::member {
namespace {

Json pod(const std::string& cpu, const std::string& memory, Json extra_spec = Json::object()) {
  Json spec = {{"containers",
                {{{"name", "app"}, {"resources", {{"requests", {{"cpu", cpu}, {"memory", memory}}}}}}}}};
  spec.update(extra_spec);
  return {{"metadata", {{"name", "p"}}}, {"spec", spec}};
}

Json node(const std::string& name, const std::string& cpu, const std::string& memory,
          Json labels = Json::object(), Json spec = Json::object()) {
  return {{"metadata", {{"name", name}, {"labels", labels}}},
          {"spec", spec},
          {"status", {{"allocatable", {{"cpu", cpu}, {"memory", memory}, {"pods", "3"}}}}}};
}

Json notReady(Json n) {
  n["status"]["conditions"] = {{{"type", "Ready"}, {"status", "False"}}};
  return n;
}

TEST(PodRequests, SumsContainersTakesLargestInitAndOverhead) {
  Json p = {{"spec",
             {{"containers",
               {{{"resources", {{"requests", {{"cpu", "250m"}}}, {"limits", {{"memory", "1Gi"}}}}}},
                {{"resources", {{"requests", {{"cpu", "500m"}, {"memory", "512Mi"}}}}}}}},
              {"initContainers", {{{"resources", {{"requests", {{"cpu", "2"}}}}}}}},
              {"overhead", {{"cpu", "100m"}}}}}};
  ResourceAmounts r = podRequests(p);
  EXPECT_EQ(r["cpu"], 2100);                              // max(750m, 2) + 100m
  EXPECT_EQ(r["memory"], (1024LL + 512) * 1024 * 1024 * 1000);  // the limit stands in
}

TEST(PodQosClass, Table) {
  auto spec = [](Json resources) { return Json{{"containers", {{{"resources", resources}}}}}; };
  EXPECT_EQ(podQosClass(spec(Json::object())), "BestEffort");
  EXPECT_EQ(podQosClass(spec({{"requests", {{"cpu", "1"}}}})), "Burstable");
  EXPECT_EQ(podQosClass(spec({{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}})), "Guaranteed");
  EXPECT_EQ(podQosClass(spec({{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}},
                              {"requests", {{"cpu", "500m"}}}})),
            "Burstable");
}

TEST(FitFailures, Table) {
  struct Row {
    const char* name;
    Json pod;
    Json node;
    NodeUsage usage;
    std::vector<std::string> want;
  };
  NodeUsage busy;
  busy.requested = {{"cpu", 3500}, {"memory", 0}};
  busy.pods = 1;
  NodeUsage full;
  const NodeUsage none;
  full.pods = 3;
  const Json taints = {{"taints", {{{"key", "gpu"}, {"value", "yes"}, {"effect", "NoSchedule"}}}}};
  const Json toleration = {{"tolerations", {{{"key", "gpu"}, {"operator", "Exists"}}}}};
  const Json affinity = {
      {"affinity",
       {{"nodeAffinity",
         {{"requiredDuringSchedulingIgnoredDuringExecution",
           {{"nodeSelectorTerms",
             {{{"matchExpressions",
                {{{"key", "zone"}, {"operator", "In"}, {"values", {"a", "b"}}}}}}}}}}}}}}};
  std::vector<Row> rows = {
      {"fits", pod("1", "1Gi"), node("n", "4", "8Gi"), none, {}},
      {"insufficient cpu", pod("1", "1Gi"), node("n", "4", "8Gi"), busy, {"Insufficient cpu"}},
      {"insufficient cpu and memory", pod("8", "16Gi"), node("n", "4", "8Gi"), none,
       {"Insufficient cpu", "Insufficient memory"}},
      {"too many pods", pod("1", "1Gi"), node("n", "4", "8Gi"), full, {"Too many pods"}},
      {"missing extended resource",
       pod("1", "1Gi", {{"containers", {{{"resources", {{"limits", {{"nvidia.com/gpu", "1"}}}}}}}}}),
       node("n", "4", "8Gi"), none, {"Insufficient nvidia.com/gpu"}},
      {"node selector", pod("1", "1Gi", {{"nodeSelector", {{"disk", "ssd"}}}}),
       node("n", "4", "8Gi", {{"disk", "hdd"}}), none,
       {"node(s) didn't match Pod's node affinity/selector"}},
      {"node selector matches", pod("1", "1Gi", {{"nodeSelector", {{"disk", "ssd"}}}}),
       node("n", "4", "8Gi", {{"disk", "ssd"}}), none, {}},
      {"affinity In", pod("1", "1Gi", affinity), node("n", "4", "8Gi", {{"zone", "b"}}), none, {}},
      {"affinity not in", pod("1", "1Gi", affinity), node("n", "4", "8Gi", {{"zone", "c"}}), none,
       {"node(s) didn't match Pod's node affinity/selector"}},
      {"untolerated taint", pod("1", "1Gi"), node("n", "4", "8Gi", {}, taints), none,
       {"node(s) had untolerated taint {gpu: yes}"}},
      {"tolerated taint", pod("1", "1Gi", toleration), node("n", "4", "8Gi", {}, taints), none, {}},
      {"not ready", pod("1", "1Gi"), notReady(node("n", "4", "8Gi")), none,
       {"node(s) had untolerated taint {node.kubernetes.io/not-ready: }"}},
      {"cordoned", pod("1", "1Gi"), node("n", "4", "8Gi", {}, {{"unschedulable", true}}), none,
       {"node(s) were unschedulable"}},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(fitFailures(row.pod, row.node, row.usage), row.want) << row.name;
  }
}

TEST(UnschedulableMessage, Table) {
  EXPECT_EQ(unschedulableMessage(3, {{"Insufficient cpu"}, {"Insufficient cpu"}, {"Insufficient cpu"}}),
            "0/3 nodes are available: 3 Insufficient cpu.");
  EXPECT_EQ(unschedulableMessage(3, {{"Insufficient cpu", "Insufficient memory"},
                                     {"Insufficient cpu"},
                                     {"node(s) had untolerated taint {a: b}"}}),
            "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint "
            "{a: b}, 2 Insufficient cpu.");
  EXPECT_EQ(unschedulableMessage(0, {}), "no nodes available to schedule pods");
}

TEST(SchedulePod, PicksLeastAllocatedAndExplainsFailure) {
  std::vector<Json> nodes = {node("a", "4", "8Gi"), node("b", "4", "8Gi")};
  std::map<std::string, NodeUsage> usage;
  usage["a"].requested = {{"cpu", 2000}};
  usage["a"].pods = 1;
  EXPECT_EQ(schedulePod(pod("1", "1Gi"), nodes, usage).node, "b");
  usage["b"].requested = {{"cpu", 3500}};
  EXPECT_EQ(schedulePod(pod("1", "1Gi"), nodes, usage).node, "a");
  auto none = schedulePod(pod("3", "1Gi"), nodes, usage);
  EXPECT_EQ(none.node, "");
  EXPECT_EQ(none.message, "0/2 nodes are available: 2 Insufficient cpu.");
}

TEST(CandidateNodes, NameAndAllocatableParsedOnce) {
  Json capacity_only = node("c", "2", "1Gi");
  capacity_only["status"]["capacity"] = capacity_only["status"]["allocatable"];
  capacity_only["status"].erase("allocatable");
  const struct {
    const char* name;
    Json node;
    std::string want_name;
    int64_t want_cpu;
  } cases[] = {
      {"allocatable", node("a", "4", "8Gi"), "a", 4000},
      {"capacity when allocatable is absent", capacity_only, "c", 2000},
      {"no metadata", Json::object(), "", -1},
  };
  for (const auto& c : cases) {
    const auto candidates = candidateNodes({c.node});
    ASSERT_EQ(candidates.size(), 1u) << c.name;
    EXPECT_EQ(candidates[0].name, c.want_name) << c.name;
    auto cpu = candidates[0].allocatable.find("cpu");
    EXPECT_EQ(cpu == candidates[0].allocatable.end() ? -1 : cpu->second, c.want_cpu) << c.name;
    EXPECT_EQ(candidates[0].allocatable, nodeAllocatable(c.node)) << c.name;
  }
}

}  // namespace
}  // namespace flotilla::member
