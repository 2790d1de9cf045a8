#include "scheduler/cluster_affinity.h"

#include <algorithm>

namespace flotilla::scheduler {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Zones are a list, so `zone` expressions test overlap rather than equality.
bool zoneMatches(const Requirement& req, const std::vector<std::string>& zones) {
  const bool overlap = std::any_of(zones.begin(), zones.end(),
                                   [&](const std::string& z) { return contains(req.values, z); });
  switch (req.op) {
    case SelectorOp::In:
    case SelectorOp::Equals:
      return overlap;
    case SelectorOp::NotIn:
    case SelectorOp::NotEquals:
      return !overlap;
    case SelectorOp::Exists:
      return !zones.empty();
    case SelectorOp::DoesNotExist:
      return zones.empty();
    default:
      return false;
  }
}

bool fieldsMatch(const Cluster& cluster, const std::vector<Requirement>& field_selector) {
  if (field_selector.empty()) return true;
  std::map<std::string, std::string> fields;
  if (!cluster.provider.empty()) fields.emplace("provider", cluster.provider);
  if (!cluster.region.empty()) fields.emplace("region", cluster.region);
  for (const Requirement& req : field_selector) {
    if (req.key == "zone") {
      if (!zoneMatches(req, cluster.zones)) return false;
    } else if (!requirementMatches(req, fields)) {
      return false;
    }
  }
  return true;
}

bool parseInt(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9' || v > INT64_MAX / 10 - 9) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = s[0] == '-' ? -v : v;
  return true;
}

}  // namespace

bool requirementMatches(const Requirement& req, const std::map<std::string, std::string>& labels) {
  auto it = labels.find(req.key);
  const bool has = it != labels.end();
  switch (req.op) {
    case SelectorOp::Equals:
    case SelectorOp::In:
      return has && contains(req.values, it->second);
    case SelectorOp::NotEquals:
    case SelectorOp::NotIn:
      return !has || !contains(req.values, it->second);
    case SelectorOp::Exists:
      return has;
    case SelectorOp::DoesNotExist:
      return !has;
    case SelectorOp::GreaterThan:
    case SelectorOp::LessThan: {
      int64_t have = 0;
      int64_t want = 0;
      if (!has || req.values.size() != 1 || !parseInt(it->second, have) ||
          !parseInt(req.values[0], want)) {
        return false;
      }
      return req.op == SelectorOp::GreaterThan ? have > want : have < want;
    }
  }
  return false;
}

bool clusterMatches(const Cluster& cluster, const ClusterAffinity& affinity) {
  if (contains(affinity.exclude, cluster.name)) return false;
  for (const Requirement& req : affinity.label_selector) {
    if (!requirementMatches(req, cluster.labels)) return false;
  }
  if (!fieldsMatch(cluster, affinity.field_selector)) return false;
  return affinity.cluster_names.empty() || contains(affinity.cluster_names, cluster.name);
}

bool tolerates(const Toleration& toleration, const Taint& taint) {
  if (!toleration.effect.empty() && toleration.effect != taint.effect) return false;
  if (!toleration.key.empty() && toleration.key != taint.key) return false;
  if (toleration.op == "Exists") return true;
  if (toleration.op.empty() || toleration.op == "Equal") return toleration.value == taint.value;
  return false;
}

bool isTolerated(const std::vector<Toleration>& tolerations, const Taint& taint) {
  return std::any_of(tolerations.begin(), tolerations.end(),
                     [&](const Toleration& t) { return tolerates(t, taint); });
}

}  // namespace flotilla::scheduler
