#include "policies/cluster_affinity.h"

#include <algorithm>

#include "policies/selector_match.h"

namespace flotilla::policies {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Zones are a set, so In means "any overlap" rather than label equality.
bool zoneMatches(const std::vector<std::string>& zones, const api::NodeSelectorRequirement& r) {
  if (r.operator_ == "In" || r.operator_ == "NotIn") {
    bool overlap = false;
    for (const auto& z : zones) overlap = overlap || contains(r.values, z);
    return r.operator_ == "In" ? overlap : !overlap;
  }
  if (r.operator_ == "Exists") return !zones.empty();
  if (r.operator_ == "DoesNotExist") return zones.empty();
  return false;
}

bool fieldSelectorMatches(const api::Cluster& cluster, const api::FieldSelector& fs) {
  api::StringMap fields;
  if (!cluster.spec.provider.empty()) fields[api::kProviderField] = cluster.spec.provider;
  if (!cluster.spec.region.empty()) fields[api::kRegionField] = cluster.spec.region;
  api::Json label_exprs = api::Json::array();
  for (const auto& r : fs.match_expressions) {
    if (r.key == api::kZoneField) {
      if (!zoneMatches(cluster.allZones(), r)) return false;
      continue;
    }
    label_exprs.push_back({{"key", r.key}, {"operator", r.operator_}, {"values", r.values}});
  }
  if (label_exprs.empty()) return true;
  auto m = labelSelectorMatches(api::Json{{"matchExpressions", label_exprs}}, fields);
  return m.isOk() && *m;
}

}  // namespace

bool clusterMatches(const api::Cluster& cluster, const api::ClusterAffinity& affinity) {
  const auto& name = cluster.metadata.name;
  if (contains(affinity.exclude, name)) return false;
  if (affinity.label_selector) {
    auto m = labelSelectorMatches(*affinity.label_selector, cluster.metadata.labels);
    if (!m.isOk() || !*m) return false;
  }
  if (affinity.field_selector && !fieldSelectorMatches(cluster, *affinity.field_selector)) {
    return false;
  }
  return affinity.cluster_names.empty() || contains(affinity.cluster_names, name);
}

}  // namespace flotilla::policies
