#include "policies/cluster_affinity.h"

#include <algorithm>

namespace flotilla::policies {

namespace {

using apimachinery::Requirement;
using apimachinery::SelectorOp;

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Zones are a set, so In means "any overlap" rather than label equality.
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

// provider/region expressions are a label selector over {provider, region}, only set keys present.
bool fieldMatches(const Requirement& req, const ClusterFacts& cluster) {
  const std::string* value = nullptr;
  if (req.key == api::kProviderField) {
    value = &cluster.provider;
  } else if (req.key == api::kRegionField) {
    value = &cluster.region;
  }
  if (value == nullptr || value->empty()) {
    static const std::map<std::string, std::string> kNone;
    return req.matches(kNone);
  }
  // Most expressions are In/NotIn: answer them without building a map.
  switch (req.op) {
    case SelectorOp::In:
    case SelectorOp::Equals:
      return contains(req.values, *value);
    case SelectorOp::NotIn:
    case SelectorOp::NotEquals:
      return !contains(req.values, *value);
    default:
      return req.matches({{req.key, *value}});
  }
}

core::Result<SelectorOp> fieldOperator(const std::string& op) {
  if (op == "In") return SelectorOp::In;
  if (op == "NotIn") return SelectorOp::NotIn;
  if (op == "Exists") return SelectorOp::Exists;
  if (op == "DoesNotExist") return SelectorOp::DoesNotExist;
  if (op == "Gt") return SelectorOp::GreaterThan;
  if (op == "Lt") return SelectorOp::LessThan;
  return core::invalidArgument("unknown operator \"" + op + "\"");
}

}  // namespace

bool clusterMatches(const ClusterFacts& cluster, const CompiledClusterAffinity& affinity) {
  if (contains(affinity.exclude, cluster.name)) return false;
  for (const Requirement& req : affinity.label_selector) {
    if (!req.matches(cluster.labels)) return false;
  }
  for (const Requirement& req : affinity.field_selector) {
    const bool ok =
        req.key == api::kZoneField ? zoneMatches(req, cluster.zones) : fieldMatches(req, cluster);
    if (!ok) return false;
  }
  return affinity.cluster_names.empty() || contains(affinity.cluster_names, cluster.name);
}

core::Result<CompiledClusterAffinity> compileClusterAffinity(const api::ClusterAffinity& affinity) {
  CompiledClusterAffinity out;
  std::vector<core::Cause> causes;
  if (affinity.label_selector && !affinity.label_selector->is_null()) {
    auto parsed = apimachinery::LabelSelector::fromJson(*affinity.label_selector);
    if (parsed.isOk()) {
      out.label_selector = parsed->requirements();
    } else {
      causes.push_back(core::Cause{"FieldValueInvalid", parsed.status().message(),
                                   "labelSelector"});
    }
  }
  if (affinity.field_selector) {
    const auto& exprs = affinity.field_selector->match_expressions;
    for (size_t i = 0; i < exprs.size(); ++i) {
      auto op = fieldOperator(exprs[i].operator_);
      if (!op.isOk()) {
        causes.push_back(core::Cause{
            "FieldValueNotSupported", op.status().message(),
            "fieldSelector.matchExpressions[" + std::to_string(i) + "].operator"});
        continue;
      }
      Requirement r;
      r.key = exprs[i].key;
      r.op = *op;
      r.values = exprs[i].values;
      std::sort(r.values.begin(), r.values.end());
      r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
      out.field_selector.push_back(std::move(r));
    }
  }
  if (!causes.empty()) {
    std::string message = "invalid cluster affinity: " + causes.front().message;
    return core::Status(core::Code::InvalidArgument, std::move(message), std::move(causes));
  }
  out.cluster_names = affinity.cluster_names;
  out.exclude = affinity.exclude;
  return out;
}

bool clusterMatches(const api::Cluster& cluster, const api::ClusterAffinity& affinity) {
  auto compiled = compileClusterAffinity(affinity);
  if (!compiled.isOk()) return false;
  const std::vector<std::string> zones = cluster.allZones();
  return clusterMatches(ClusterFacts{cluster.metadata.name, cluster.metadata.labels,
                                     cluster.spec.provider, cluster.spec.region, zones},
                        *compiled);
}

}  // namespace flotilla::policies
