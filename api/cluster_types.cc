#include "api/cluster_types.h"

namespace flotilla::api {

std::vector<std::string> Cluster::allZones() const {
  std::vector<std::string> out = spec.zones;
  if (!spec.zone.empty()) {
    bool seen = false;
    for (const auto& z : out) seen = seen || z == spec.zone;
    if (!seen) out.insert(out.begin(), spec.zone);
  }
  return out;
}

std::string Cluster::readyStatus() const {
  for (const auto& c : status.conditions) {
    if (c.type == kClusterConditionReady) return c.status;
  }
  return "";
}

bool Cluster::apiEnabled(const std::string& group_version, const std::string& kind) const {
  for (const auto& e : status.api_enablements) {
    if (e.group_version != group_version) continue;
    for (const auto& r : e.resources) {
      if (r.kind == kind) return true;
    }
  }
  return false;
}

std::vector<ResourceModel> defaultResourceModels() {
  static const char* kCpu[] = {"0", "1", "2", "4", "8", "16", "32", "64", "128"};
  static const char* kMemory[] = {"0",     "4Gi",   "16Gi",  "32Gi", "64Gi",
                                  "128Gi", "256Gi", "512Gi", "1Ti"};
  // Karmada uses math.MaxInt64 as the open upper bound of the last grade.
  const std::string kInf = "9223372036854775807";
  std::vector<ResourceModel> models;
  for (int g = 0; g < 9; ++g) {
    ResourceModel m;
    m.grade = static_cast<uint64_t>(g);
    ResourceModelRange cpu, mem;
    cpu.name = "cpu";
    cpu.min = kCpu[g];
    cpu.max = g < 8 ? kCpu[g + 1] : kInf;
    mem.name = "memory";
    mem.min = kMemory[g];
    mem.max = g < 8 ? kMemory[g + 1] : kInf;
    m.ranges = {cpu, mem};
    models.push_back(std::move(m));
  }
  return models;
}

void setDefaults(Cluster& cluster, const std::string& now) {
  auto& spec = cluster.spec;
  // Both set is left alone so validation can reject it.
  if (!spec.zone.empty() && spec.zones.empty()) {
    spec.zones = {spec.zone};
    spec.zone.clear();
  }
  if (spec.resource_models.empty()) spec.resource_models = defaultResourceModels();
  for (auto& t : spec.taints) {
    if (t.effect == "NoExecute" && t.time_added.empty()) t.time_added = now;
  }
}

}  // namespace flotilla::api
