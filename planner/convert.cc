#include "planner/convert.h"

#include <algorithm>
#include <set>

#include "api/resource_quantity.h"
#include "apimachinery/label_selector.h"
#include "policies/cluster_affinity.h"

namespace flotilla::planner {

void Problems::add(std::string field, std::string message, std::string type) {
  causes_.push_back(core::Cause{std::move(type), std::move(message), std::move(field)});
}

namespace {


std::string idx(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

}  // namespace

scheduler::ClusterAffinity toAffinity(const api::ClusterAffinity& affinity,
                                      const std::string& path, Problems& problems) {
  // The webhook's restrictions first (keys provider/region/zone, operators In/NotIn); the
  // conversion itself is policies' compileClusterAffinity, shared with override targets.
  bool valid = true;
  if (affinity.field_selector) {
    const auto& exprs = affinity.field_selector->match_expressions;
    for (size_t i = 0; i < exprs.size(); ++i) {
      const auto& e = exprs[i];
      const std::string p = idx(path + ".fieldSelector.matchExpressions", i);
      if (e.key != api::kProviderField && e.key != api::kRegionField &&
          e.key != api::kZoneField) {
        problems.add(p + ".key", "unsupported key \"" + e.key + "\": want provider, region or zone",
                     "FieldValueNotSupported");
        valid = false;
      }
      if (e.operator_ != "In" && e.operator_ != "NotIn") {
        problems.add(p + ".operator",
                     "unsupported operator \"" + e.operator_ + "\": want In or NotIn",
                     "FieldValueNotSupported");
        valid = false;
      }
    }
  }
  auto compiled = policies::compileClusterAffinity(affinity);
  if (!compiled.isOk()) {
    const core::Status status = compiled.status();
    for (const auto& c : status.causes()) {
      if (c.field == "labelSelector") problems.add(path + ".labelSelector", c.message, c.type);
    }
    return {};
  }
  if (!valid) return {};
  return std::move(compiled).value();
}

scheduler::Placement toPlacement(const api::Placement& placement, const std::string& path,
                                 Problems& problems) {
  scheduler::Placement out;
  if (placement.cluster_affinity && !placement.cluster_affinities.empty()) {
    problems.add(path + ".clusterAffinities",
                 "clusterAffinity and clusterAffinities cannot co-exist", "FieldValueForbidden");
  }
  if (placement.cluster_affinity) {
    out.cluster_affinity = toAffinity(*placement.cluster_affinity, path + ".clusterAffinity",
                                      problems);
  }
  std::set<std::string> term_names;
  for (size_t i = 0; i < placement.cluster_affinities.size(); ++i) {
    const auto& t = placement.cluster_affinities[i];
    const std::string p = idx(path + ".clusterAffinities", i);
    if (t.affinity_name.empty() || t.affinity_name.size() > 32) {
      problems.add(p + ".affinityName", "must be 1 to 32 characters", "FieldValueRequired");
    }
    if (!term_names.insert(t.affinity_name).second) {
      problems.add(p + ".affinityName", "duplicate affinityName \"" + t.affinity_name + "\"",
                   "FieldValueDuplicate");
    }
    scheduler::AffinityTerm term;
    term.name = t.affinity_name;
    term.affinity = toAffinity(t.affinity(), p, problems);
    for (size_t j = 0; j < t.overflow_affinities.size(); ++j) {
      const auto& o = t.overflow_affinities[j];
      const std::string op = idx(p + ".overflowAffinities", j);
      if (o.affinity_name == t.affinity_name) {
        problems.add(op + ".affinityName", "must differ from the term's affinityName",
                     "FieldValueDuplicate");
      }
      term.overflow.push_back({o.affinity_name, toAffinity(o.affinity(), op, problems)});
    }
    out.cluster_affinities.push_back(std::move(term));
  }
  for (size_t i = 0; i < placement.cluster_tolerations.size(); ++i) {
    const auto& t = placement.cluster_tolerations[i];
    if (t.operator_ == "Lt" || t.operator_ == "Gt") {
      problems.add(idx(path + ".clusterTolerations", i) + ".operator",
                   "operator " + t.operator_ + " is not supported", "FieldValueNotSupported");
      continue;
    }
    out.tolerations.push_back({t.key, t.operator_, t.value, t.effect});
  }
  std::set<scheduler::SpreadField> seen;
  bool any_field = false;
  for (size_t i = 0; i < placement.spread_constraints.size(); ++i) {
    const auto& sc = placement.spread_constraints[i];
    const std::string p = idx(path + ".spreadConstraints", i);
    scheduler::SpreadConstraint c;
    c.min_groups = sc.min_groups;
    c.max_groups = sc.max_groups;
    if (!sc.spread_by_label.empty()) {
      if (!sc.spread_by_field.empty()) {
        problems.add(p, "spreadByLabel and spreadByField cannot co-exist", "FieldValueForbidden");
      }
      continue;  // declared by Karmada, not implemented by its scheduler
    }
    const std::string& f = sc.spread_by_field.empty() ? std::string("cluster") : sc.spread_by_field;
    if (f == api::kSpreadByFieldCluster) {
      c.field = scheduler::SpreadField::Cluster;
    } else if (f == api::kSpreadByFieldRegion) {
      c.field = scheduler::SpreadField::Region;
    } else if (f == api::kSpreadByFieldZone) {
      c.field = scheduler::SpreadField::Zone;
    } else if (f == api::kSpreadByFieldProvider) {
      c.field = scheduler::SpreadField::Provider;
    } else {
      problems.add(p + ".spreadByField", "unsupported value \"" + f + "\"",
                   "FieldValueNotSupported");
      continue;
    }
    any_field = true;
    if (sc.min_groups < 0 || sc.max_groups < 0) {
      problems.add(p, "minGroups and maxGroups must be >= 0");
    }
    if (sc.max_groups > 0 && sc.max_groups < sc.min_groups) {
      problems.add(p + ".maxGroups", "maxGroups lower than minGroups is not allowed");
    }
    if (!seen.insert(c.field).second) {
      problems.add(p + ".spreadByField", "multiple constraints by the same field",
                   "FieldValueDuplicate");
    }
    out.spread_constraints.push_back(c);
  }
  if (any_field && !seen.count(scheduler::SpreadField::Cluster)) {
    problems.add(path + ".spreadConstraints",
                 "a spreadByField: cluster constraint is required when spreading by field",
                 "FieldValueRequired");
  }
  if (placement.replica_scheduling) {
    const auto& rs = *placement.replica_scheduling;
    const std::string p = path + ".replicaScheduling";
    scheduler::ReplicaScheduling s;
    const std::string type = api::effectiveReplicaSchedulingType(placement);
    if (type == api::kReplicaSchedulingDuplicated) {
      s.type = scheduler::ReplicaType::Duplicated;
    } else if (type == api::kReplicaSchedulingDivided) {
      s.type = scheduler::ReplicaType::Divided;
      const std::string division = api::effectiveDivisionPreference(placement);
      if (division == api::kDivisionAggregated) {
        s.division = scheduler::Division::Aggregated;
      } else if (division != api::kDivisionWeighted) {
        problems.add(p + ".replicaDivisionPreference", "unsupported value \"" + division + "\"",
                     "FieldValueNotSupported");
      }
    } else {
      problems.add(p + ".replicaSchedulingType", "unsupported value \"" + type + "\"",
                   "FieldValueNotSupported");
    }
    if (rs.weight_preference) {
      s.has_weight_preference = true;
      const auto& wp = *rs.weight_preference;
      if (!wp.dynamic_weight.empty()) {
        if (wp.dynamic_weight != api::kDynamicWeightAvailableReplicas) {
          problems.add(p + ".weightPreference.dynamicWeight",
                       "unsupported value \"" + wp.dynamic_weight + "\"",
                       "FieldValueNotSupported");
        }
        s.dynamic_weight = true;
      }
      for (size_t i = 0; i < wp.static_weight_list.size(); ++i) {
        const auto& w = wp.static_weight_list[i];
        const std::string wpath = idx(p + ".weightPreference.staticWeightList", i);
        if (w.weight < 1) problems.add(wpath + ".weight", "must be >= 1");
        s.static_weights.push_back(
            {toAffinity(w.target_cluster, wpath + ".targetCluster", problems), w.weight});
      }
    }
    out.replica_scheduling = std::move(s);
  }
  for (size_t i = 0; i < out.cluster_affinities.size(); ++i) {
    if (out.cluster_affinities[i].overflow.empty()) continue;
    const auto& s = out.replica_scheduling;
    const bool dynamic_or_aggregated =
        s && s->type == scheduler::ReplicaType::Divided &&
        (s->dynamic_weight || s->division == scheduler::Division::Aggregated);
    if (!dynamic_or_aggregated) {
      problems.add(idx(path + ".clusterAffinities", i) + ".overflowAffinities",
                   "overflowAffinities need Divided scheduling with dynamicWeight or Aggregated",
                   "FieldValueForbidden");
    }
  }
  return out;
}

estimator::ResourceList toResourceList(const api::ResourceList& list, const std::string& path,
                                       Problems& problems) {
  estimator::ResourceList out;
  for (const auto& [name, text] : list) {
    auto q = api::parseQuantity(text);
    if (!q.isOk()) {
      problems.add(path + "." + name, q.status().message());
      continue;
    }
    out[name] = q->milli;
  }
  return out;
}

scheduler::Cluster toCluster(const api::Cluster& cluster, Problems& problems) {
  scheduler::Cluster out;
  out.name = cluster.metadata.name;
  out.labels = cluster.metadata.labels;
  out.provider = cluster.spec.provider;
  out.region = cluster.spec.region;
  out.zones = cluster.allZones();
  for (const auto& t : cluster.spec.taints) out.taints.push_back({t.key, t.value, t.effect});
  for (const auto& e : cluster.status.api_enablements) {
    for (const auto& r : e.resources) out.api_enablements.push_back(e.group_version + "/" + r.kind);
  }
  std::sort(out.api_enablements.begin(), out.api_enablements.end());
  out.deleting = !cluster.metadata.deletion_timestamp.empty();
  if (cluster.status.resource_summary) {
    const auto& rs = *cluster.status.resource_summary;
    estimator::ResourceSummary summary;
    summary.allocatable =
        toResourceList(rs.allocatable, "status.resourceSummary.allocatable", problems);
    summary.allocated = toResourceList(rs.allocated, "status.resourceSummary.allocated", problems);
    summary.allocating =
        toResourceList(rs.allocating, "status.resourceSummary.allocating", problems);
    for (const auto& m : rs.allocatable_modelings) {
      summary.allocatable_modelings.push_back({m.grade, m.count});
    }
    out.resources.summary = std::move(summary);
  }
  for (size_t i = 0; i < cluster.spec.resource_models.size(); ++i) {
    const auto& m = cluster.spec.resource_models[i];
    estimator::ResourceModel model;
    model.grade = static_cast<int64_t>(m.grade);
    for (size_t j = 0; j < m.ranges.size(); ++j) {
      const auto& r = m.ranges[j];
      const std::string p = idx(idx("spec.resourceModels", i) + ".ranges", j);
      auto min = api::parseQuantity(r.min);
      auto max = api::parseQuantity(r.max);
      if (!min.isOk()) problems.add(p + ".min", min.status().message());
      if (!max.isOk()) problems.add(p + ".max", max.status().message());
      if (!min.isOk() || !max.isOk()) continue;
      model.ranges.push_back({r.name, min->milli, max->milli});
    }
    out.resources.models.push_back(std::move(model));
  }
  return out;
}

scheduler::PriceBook toPriceBook(const api::PriceBook& book, Problems& problems) {
  scheduler::PriceBook out;
  out.name = book.metadata.name;
  out.currency = book.spec.currency;
  if (out.currency.empty()) problems.add("spec.currency", "required", "FieldValueRequired");
  const std::string billing = book.spec.effectiveBilling();
  if (billing == api::kBillingLimits) {
    out.billing = scheduler::Billing::Limits;
  } else if (billing != api::kBillingRequests) {
    problems.add("spec.billing", "unsupported value \"" + billing + "\": want Requests or Limits",
                 "FieldValueNotSupported");
  }
  for (size_t i = 0; i < book.spec.rules.size(); ++i) {
    const auto& r = book.spec.rules[i];
    const std::string p = idx("spec.rules", i);
    scheduler::PriceRule rule;
    const auto& t = r.target_cluster;
    const bool match_all = (!t.label_selector || t.label_selector->empty()) &&
                           (!t.field_selector || t.field_selector->match_expressions.empty()) &&
                           t.cluster_names.empty() && t.exclude.empty();
    if (!match_all) rule.target = toAffinity(t, p + ".targetCluster", problems);
    if (r.prices.empty()) problems.add(p + ".prices", "at least one price is required",
                                       "FieldValueRequired");
    for (const auto& [resource, text] : r.prices) {
      auto micros = scheduler::parseMicros(text);
      if (!micros.isOk()) {
        problems.add(p + ".prices." + resource, micros.status().message());
        continue;
      }
      rule.prices[resource] = *micros;
    }
    out.rules.push_back(std::move(rule));
  }
  return out;
}

}  // namespace flotilla::planner
