#include "member/resource_summary.h"

#include <map>
#include <string>

#include "api/resource_quantity.h"
#include "member/pod_fit.h"

namespace flotilla::member {
namespace {

api::QuantityFormat formatFor(const std::string& resource) {
  const bool binary = resource == "memory" || resource == "ephemeral-storage" ||
                      resource == "storage" || resource.rfind("hugepages-", 0) == 0;
  return binary ? api::QuantityFormat::BinarySI : api::QuantityFormat::DecimalSI;
}

api::ResourceList toResourceList(const ResourceAmounts& amounts) {
  api::ResourceList out;
  for (const auto& [name, milli] : amounts) out[name] = api::formatQuantity(milli, formatFor(name));
  return out;
}

std::string nodeName(const Json& obj) {
  const auto& meta = obj.value("metadata", Json::object());
  return meta.value("name", "");
}

// The grade of one node's free resources: for each modelled resource the last grade whose min is
// at most the free amount; the node's grade is the lowest of those (karmada.md §1.3).
int nodeGrade(const ResourceAmounts& free, const std::vector<api::ResourceModel>& models) {
  int grade = -1;
  if (models.empty()) return grade;
  for (const auto& range : models.front().ranges) {
    auto f = free.find(range.name);
    const int64_t have = f == free.end() ? 0 : f->second;
    int last = -1;
    for (size_t g = 0; g < models.size(); ++g) {
      for (const auto& r : models[g].ranges) {
        if (r.name != range.name) continue;
        auto min = api::parseQuantity(r.min);
        if (min.isOk() && min->milli <= have) last = static_cast<int>(g);
      }
    }
    grade = grade < 0 ? last : std::min(grade, last);
    if (grade < 0) return grade;
  }
  return grade;
}

}  // namespace

api::ResourceSummary summarizeResources(const std::vector<Json>& nodes,
                                        const std::vector<Json>& pods,
                                        const std::vector<api::ResourceModel>& models) {
  ResourceAmounts allocatable, allocated, allocating;
  int64_t bound_pods = 0, pending_pods = 0;
  std::map<std::string, ResourceAmounts> used_by_node;
  for (const auto& pod : pods) {
    if (podIsTerminal(pod)) continue;
    const ResourceAmounts request = podRequests(pod);
    const std::string node = pod.value("spec", Json::object()).value("nodeName", "");
    if (node.empty()) {
      addAmounts(allocating, request);
      ++pending_pods;
    } else {
      addAmounts(allocated, request);
      addAmounts(used_by_node[node], request);
      used_by_node[node]["pods"] += 1000;
      ++bound_pods;
    }
  }
  std::vector<int64_t> grade_counts(models.size(), 0);
  for (const auto& node : nodes) {
    const ResourceAmounts node_allocatable = nodeAllocatable(node);
    addAmounts(allocatable, node_allocatable);
    if (models.empty()) continue;
    ResourceAmounts free = node_allocatable;
    for (const auto& [name, used] : used_by_node[nodeName(node)]) free[name] -= used;
    const int grade = nodeGrade(free, models);
    if (grade >= 0) grade_counts[grade]++;
  }
  allocated["pods"] = bound_pods * 1000;
  allocating["pods"] = pending_pods * 1000;

  api::ResourceSummary summary;
  summary.allocatable = toResourceList(allocatable);
  summary.allocated = toResourceList(allocated);
  summary.allocating = toResourceList(allocating);
  for (size_t g = 0; g < models.size(); ++g) {
    summary.allocatable_modelings.push_back(
        {static_cast<int64_t>(models[g].grade), grade_counts[g]});
  }
  return summary;
}

}  // namespace flotilla::member
