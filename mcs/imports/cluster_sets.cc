#include "mcs/imports/cluster_sets.h"

#include <algorithm>
#include <set>

#include "core/clock.h"

namespace flotilla::mcs {
namespace {

const Json& field(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

const Json* readyCondition(const Json& cluster) {
  for (const Json& c : field(field(cluster, "status"), "conditions")) {
    if (field(c, "type") == "Ready") return &c;
  }
  return nullptr;
}

std::vector<std::string> pick(const Json& spec, const char* list, const char* deprecated,
                              const std::vector<std::string>& all) {
  std::set<std::string> named;
  for (const Json& c : field(spec, list)) {
    if (field(c, "name").is_string()) named.insert(c["name"].get<std::string>());
  }
  if (named.empty()) {
    for (const Json& c : field(spec, deprecated)) {
      if (c.is_string()) named.insert(c.get<std::string>());
    }
  }
  std::vector<std::string> out;
  for (const auto& c : all) {
    if (named.empty() || named.count(c)) out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool clusterReady(const Json& cluster) {
  const Json* c = readyCondition(cluster);
  return c && field(*c, "status") == "True";
}

SourceAvailability sourceAvailability(const Json& cluster,
                                      std::chrono::system_clock::time_point now,
                                      std::chrono::milliseconds grace) {
  if (!cluster.is_object()) return {false, std::nullopt};
  const Json* c = readyCondition(cluster);
  // A cluster not probed yet has no Ready condition: its endpoints count.
  if (!c || field(*c, "status") == "True") return {true, std::nullopt};
  std::chrono::system_clock::time_point since;
  const Json& t = field(*c, "lastTransitionTime");
  if (!t.is_string() || !core::parseRfc3339(t.get<std::string>(), &since)) {
    return {false, std::nullopt};
  }
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(since + grace - now);
  if (left.count() <= 0) return {false, std::nullopt};
  return {true, left};
}

bool crossCluster(const Json& mcs) {
  for (const Json& t : field(field(mcs, "spec"), "types")) {
    if (t == "CrossCluster") return true;
  }
  return false;
}

std::vector<std::string> mcsProviders(const Json& mcs, const std::vector<std::string>& all) {
  return pick(field(mcs, "spec"), "providerClusters", "serviceProvisionClusters", all);
}

std::vector<std::string> mcsConsumers(const Json& mcs, const std::vector<std::string>& all) {
  return pick(field(mcs, "spec"), "consumerClusters", "serviceConsumptionClusters", all);
}

}  // namespace flotilla::mcs
