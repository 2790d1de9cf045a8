// Kubernetes field-format rules and the placement/affinity validation shared by several kinds.
#include <algorithm>
#include <set>

#include "api/validation.h"
#include "api/validation_internal.h"

namespace flotilla::api {

namespace {
bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?, at most 63 characters
bool isQualifiedNamePart(const std::string& s) {
  if (s.empty() || s.size() > 63 || !isAlnum(s.front()) || !isAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}
}  // namespace

bool isDns1123Subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string label = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || (!std::islower(static_cast<unsigned char>(label.front())) &&
                          !std::isdigit(static_cast<unsigned char>(label.front())))) {
      return false;
    }
    for (char c : label) {
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        return false;
      }
    }
    if (label.back() == '-') return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

bool isQualifiedName(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return isQualifiedNamePart(s);
  const std::string prefix = s.substr(0, slash), name = s.substr(slash + 1);
  return !prefix.empty() && isDns1123Subdomain(prefix) && isQualifiedNamePart(name);
}

bool isLabelValue(const std::string& s) { return s.empty() || isQualifiedNamePart(s); }

namespace validation {

void required(Causes& out, const std::string& field) {
  out.push_back({"FieldValueRequired", "Required value", field});
}

void invalid(Causes& out, const std::string& field, const std::string& value,
             const std::string& detail) {
  out.push_back({"FieldValueInvalid", "Invalid value: \"" + value + "\": " + detail, field});
}

void forbidden(Causes& out, const std::string& field, const std::string& detail) {
  out.push_back({"FieldValueForbidden", "Forbidden: " + detail, field});
}

void duplicate(Causes& out, const std::string& field, const std::string& value) {
  out.push_back({"FieldValueDuplicate", "Duplicate value: \"" + value + "\"", field});
}

void notSupported(Causes& out, const std::string& field, const std::string& value,
                  std::initializer_list<const char*> supported) {
  std::string list;
  for (const char* s : supported) list += (list.empty() ? "\"" : ", \"") + std::string(s) + "\"";
  out.push_back({"FieldValueNotSupported",
                 "Unsupported value: \"" + value + "\": supported values: " + list, field});
}

bool oneOf(const std::string& v, std::initializer_list<const char*> values) {
  for (const char* s : values) {
    if (v == s) return true;
  }
  return false;
}

void labelSelector(Causes& out, const Json& selector, const std::string& path) {
  if (selector.is_null()) return;
  if (!selector.is_object()) {
    invalid(out, path, safeDump(selector), "must be an object");
    return;
  }
  if (auto it = selector.find("matchLabels"); it != selector.end() && it->is_object()) {
    for (auto kv = it->begin(); kv != it->end(); ++kv) {
      if (!isQualifiedName(kv.key())) {
        invalid(out, path + ".matchLabels", kv.key(), "must be a valid label key");
      }
      if (!kv.value().is_string() || !isLabelValue(kv.value().get<std::string>())) {
        invalid(out, path + ".matchLabels", safeDump(kv.value()), "must be a valid label value");
      }
    }
  }
  auto it = selector.find("matchExpressions");
  if (it == selector.end() || !it->is_array()) return;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& e = (*it)[i];
    const std::string p = path + ".matchExpressions[" + std::to_string(i) + "]";
    const std::string op = e.value("operator", "");
    const size_t n = e.contains("values") && e["values"].is_array() ? e["values"].size() : 0;
    if (!isQualifiedName(e.value("key", "")))
      invalid(out, p + ".key", e.value("key", ""), "must be a valid label key");
    if (op == "In" || op == "NotIn") {
      if (n == 0) required(out, p + ".values");
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (n != 0)
        forbidden(out, p + ".values",
                  "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else {
      notSupported(out, p + ".operator", op, {"In", "NotIn", "Exists", "DoesNotExist"});
    }
  }
}

void toleration(Causes& out, const Toleration& t, const std::string& p) {
  if (!t.key.empty() && !isQualifiedName(t.key))
    invalid(out, p + ".key", t.key, "must be a valid label key");
  if (t.key.empty() && t.operator_ != "Exists") {
    invalid(out, p + ".operator", t.operator_, "operator must be Exists when `key` is empty");
  }
  if (t.operator_ == "Exists") {
    if (!t.value.empty())
      invalid(out, p + ".operator", t.value, "value must be empty when `operator` is 'Exists'");
  } else if (t.operator_ == "Equal" || t.operator_.empty()) {
    if (!isLabelValue(t.value)) invalid(out, p + ".value", t.value, "must be a valid label value");
  } else {
    // Karmada disables Lt/Gt for cluster tolerations.
    notSupported(out, p + ".operator", t.operator_, {"Equal", "Exists"});
  }
  if (!t.effect.empty() && !oneOf(t.effect, {"NoSchedule", "PreferNoSchedule", "NoExecute"})) {
    notSupported(out, p + ".effect", t.effect, {"NoSchedule", "PreferNoSchedule", "NoExecute"});
  }
  if (t.toleration_seconds && t.effect != "NoExecute") {
    invalid(out, p + ".effect", t.effect,
            "effect must be 'NoExecute' when `tolerationSeconds` is set");
  }
}

}  // namespace validation

using namespace validation;

Causes validateClusterAffinity(const ClusterAffinity& a, const std::string& path) {
  Causes out;
  if (a.label_selector) labelSelector(out, *a.label_selector, path + ".labelSelector");
  if (a.field_selector) {
    const auto& exprs = a.field_selector->match_expressions;
    for (size_t i = 0; i < exprs.size(); ++i) {
      const std::string p = path + ".fieldSelector.matchExpressions[" + std::to_string(i) + "]";
      if (!oneOf(exprs[i].key, {kProviderField, kRegionField, kZoneField})) {
        notSupported(out, p + ".key", exprs[i].key, {"provider", "region", "zone"});
      }
      if (!oneOf(exprs[i].operator_, {"In", "NotIn"})) {
        notSupported(out, p + ".operator", exprs[i].operator_, {"In", "NotIn"});
      }
    }
  }
  return out;
}

namespace {
bool affinityEmpty(const ClusterAffinity& a) {
  return !a.label_selector && !a.field_selector && a.cluster_names.empty() && a.exclude.empty();
}
void append(Causes& out, Causes more) { out.insert(out.end(), more.begin(), more.end()); }
}  // namespace

Causes validatePlacement(const Placement& placement, const std::string& path) {
  Causes out;
  if (placement.cluster_affinity && !placement.cluster_affinities.empty()) {
    forbidden(out, path, "clusterAffinities can not co-exist with clusterAffinity");
  }
  if (placement.cluster_affinity) {
    append(out, validateClusterAffinity(*placement.cluster_affinity, path + ".clusterAffinity"));
  }
  const std::string type = effectiveReplicaSchedulingType(placement);
  const std::string division = effectiveDivisionPreference(placement);
  const bool dynamic = placement.replica_scheduling &&
                       placement.replica_scheduling->weight_preference &&
                       !placement.replica_scheduling->weight_preference->dynamic_weight.empty();
  std::set<std::string> names;
  for (size_t i = 0; i < placement.cluster_affinities.size(); ++i) {
    const auto& term = placement.cluster_affinities[i];
    const std::string p = path + ".clusterAffinities[" + std::to_string(i) + "]";
    if (term.affinity_name.empty()) {
      required(out, p + ".affinityName");
    } else if (term.affinity_name.size() > 32 || !isQualifiedName(term.affinity_name)) {
      invalid(out, p + ".affinityName", term.affinity_name,
              "must be a valid label key of at most 32 characters");
    }
    if (!names.insert(term.affinity_name).second)
      duplicate(out, p + ".affinityName", term.affinity_name);
    append(out, validateClusterAffinity(term.affinity(), p));
    if (term.overflow_affinities.empty()) continue;
    if (affinityEmpty(term.affinity())) {
      forbidden(out, p + ".overflowAffinities",
                "requires a non-empty cluster affinity in the term");
    }
    if (!(type == kReplicaSchedulingDivided && (dynamic || division == kDivisionAggregated))) {
      forbidden(out, p + ".overflowAffinities",
                "only supported with Divided scheduling and dynamicWeight or Aggregated");
    }
    for (size_t j = 0; j < term.overflow_affinities.size(); ++j) {
      const auto& o = term.overflow_affinities[j];
      const std::string op = p + ".overflowAffinities[" + std::to_string(j) + "]";
      if (o.affinity_name.empty()) {
        required(out, op + ".affinityName");
      } else if (!names.insert(o.affinity_name).second) {
        duplicate(out, op + ".affinityName", o.affinity_name);
      }
      append(out, validateClusterAffinity(o.affinity(), op));
    }
  }
  for (size_t i = 0; i < placement.cluster_tolerations.size(); ++i) {
    toleration(out, placement.cluster_tolerations[i],
               path + ".clusterTolerations[" + std::to_string(i) + "]");
  }
  std::set<std::string> spread_fields;
  for (size_t i = 0; i < placement.spread_constraints.size(); ++i) {
    const auto& sc = placement.spread_constraints[i];
    const std::string p = path + ".spreadConstraints[" + std::to_string(i) + "]";
    if (!sc.spread_by_field.empty() && !sc.spread_by_label.empty()) {
      invalid(out, p, sc.spread_by_label, "spreadByLabel should not co-exist with spreadByField");
    }
    if (!sc.spread_by_field.empty()) {
      if (!oneOf(sc.spread_by_field, {"cluster", "region", "zone", "provider"})) {
        notSupported(out, p + ".spreadByField", sc.spread_by_field,
                     {"cluster", "region", "zone", "provider"});
      }
      if (!spread_fields.insert(sc.spread_by_field).second) {
        duplicate(out, p + ".spreadByField", sc.spread_by_field);
      }
    }
    if (sc.min_groups < 0)
      invalid(out, p + ".minGroups", std::to_string(sc.min_groups),
              "must be greater than or equal to 0");
    if (sc.max_groups < 0)
      invalid(out, p + ".maxGroups", std::to_string(sc.max_groups),
              "must be greater than or equal to 0");
    if (sc.max_groups > 0 && sc.max_groups < sc.min_groups) {
      invalid(out, p + ".maxGroups", std::to_string(sc.max_groups),
              "maxGroups lower than minGroups is not allowed");
    }
  }
  if (!spread_fields.empty() && spread_fields.count(kSpreadByFieldCluster) == 0) {
    invalid(out, path + ".spreadConstraints", "",
            "the cluster spread constraint must be enabled in one of the constraints in case of "
            "SpreadByField is enabled");
  }
  if (placement.replica_scheduling) {
    const auto& rs = *placement.replica_scheduling;
    const std::string p = path + ".replicaScheduling";
    if (!rs.replica_scheduling_type.empty() &&
        !oneOf(rs.replica_scheduling_type,
               {kReplicaSchedulingDuplicated, kReplicaSchedulingDivided})) {
      notSupported(out, p + ".replicaSchedulingType", rs.replica_scheduling_type,
                   {"Duplicated", "Divided"});
    }
    if (!rs.replica_division_preference.empty() &&
        !oneOf(rs.replica_division_preference, {kDivisionAggregated, kDivisionWeighted})) {
      notSupported(out, p + ".replicaDivisionPreference", rs.replica_division_preference,
                   {"Aggregated", "Weighted"});
    }
    if (rs.weight_preference) {
      const auto& wp = *rs.weight_preference;
      const std::string wpp = p + ".weightPreference";
      if (!wp.dynamic_weight.empty() && wp.dynamic_weight != kDynamicWeightAvailableReplicas) {
        notSupported(out, wpp + ".dynamicWeight", wp.dynamic_weight, {"AvailableReplicas"});
      }
      for (size_t i = 0; i < wp.static_weight_list.size(); ++i) {
        const std::string sp = wpp + ".staticWeightList[" + std::to_string(i) + "]";
        if (wp.static_weight_list[i].weight < 1) {
          invalid(out, sp + ".weight", std::to_string(wp.static_weight_list[i].weight),
                  "must be greater than or equal to 1");
        }
        append(out, validateClusterAffinity(wp.static_weight_list[i].target_cluster,
                                            sp + ".targetCluster"));
      }
    }
  }
  if (placement.workload_affinity) {
    const auto& wa = *placement.workload_affinity;
    const std::string p = path + ".workloadAffinity";
    std::string a = wa.affinity ? wa.affinity->group_by_label_key : "";
    std::string aa = wa.anti_affinity ? wa.anti_affinity->group_by_label_key : "";
    if (wa.affinity && !isQualifiedName(a))
      invalid(out, p + ".affinity.groupByLabelKey", a, "must be a valid label key");
    if (wa.anti_affinity && !isQualifiedName(aa))
      invalid(out, p + ".antiAffinity.groupByLabelKey", aa, "must be a valid label key");
    if (wa.affinity && wa.anti_affinity && a == aa) {
      invalid(out, p + ".antiAffinity.groupByLabelKey", aa,
              "must differ from affinity.groupByLabelKey");
    }
  }
  return out;
}

core::Status toStatus(const std::string& kind, const std::string& name, const Causes& causes) {
  if (causes.empty()) return core::Status::ok();
  std::string msg = kind + " \"" + name + "\" is invalid: ";
  for (size_t i = 0; i < causes.size(); ++i) {
    msg += (i ? ", " : "") + causes[i].field + ": " + causes[i].message;
  }
  return core::Status(core::Code::Invalid, msg, causes);
}

}  // namespace flotilla::api
