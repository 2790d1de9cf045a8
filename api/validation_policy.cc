// Validation of PropagationPolicy / ClusterPropagationPolicy, OverridePolicy /
// ClusterOverridePolicy and ClusterTaintPolicy (karmada.md §1.1, §1.2, §1.8).
#include <set>

#include "api/validation.h"
#include "api/validation_internal.h"

namespace flotilla::api {

using namespace validation;

namespace {

std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

void resourceSelectors(Causes& out, const std::vector<ResourceSelector>& selectors,
                       const std::string& policy_namespace, bool namespaced,
                       const std::string& path) {
  for (size_t i = 0; i < selectors.size(); ++i) {
    const auto& s = selectors[i];
    const std::string p = idx(path, i);
    if (s.api_version.empty()) required(out, p + ".apiVersion");
    if (s.kind.empty()) required(out, p + ".kind");
    if (namespaced && !s.namespace_.empty() && s.namespace_ != policy_namespace) {
      invalid(out, p + ".namespace", s.namespace_,
              "namespace must be empty or the same as the policy's namespace");
    }
    if (s.label_selector) labelSelector(out, *s.label_selector, p + ".labelSelector");
  }
}

void statePreservation(Causes& out, const std::optional<StatePreservation>& sp,
                       const std::string& path) {
  if (!sp) return;
  for (size_t i = 0; i < sp->rules.size(); ++i) {
    const auto& r = sp->rules[i];
    const std::string p = idx(path + ".rules", i);
    if (!isQualifiedName(r.alias_label_name)) {
      invalid(out, p + ".aliasLabelName", r.alias_label_name, "must be a valid label key");
    }
    if (r.json_path.empty()) required(out, p + ".jsonPath");
  }
}

void failover(Causes& out, const PropagationSpec& spec, const std::string& path) {
  if (!spec.failover) return;
  if (const auto& app = spec.failover->application) {
    const std::string p = path + ".application";
    const auto& secs = app->decision_conditions.toleration_seconds;
    if (secs && *secs < 0) {
      invalid(out, p + ".decisionConditions.tolerationSeconds", std::to_string(*secs),
              "must be greater than or equal to 0");
    }
    const std::string mode = normalizePurgeMode(app->purge_mode);
    if (!oneOf(mode, {kPurgeModeDirectly, kPurgeModeGracefully, kPurgeModeNever})) {
      notSupported(out, p + ".purgeMode", app->purge_mode, {"Directly", "Gracefully", "Never"});
    }
    if (mode == kPurgeModeGracefully) {
      if (!app->grace_period_seconds) {
        required(out, p + ".gracePeriodSeconds");
      } else if (*app->grace_period_seconds <= 0) {
        invalid(out, p + ".gracePeriodSeconds", std::to_string(*app->grace_period_seconds),
                "must be greater than 0");
      }
    } else if (app->grace_period_seconds) {
      forbidden(out, p + ".gracePeriodSeconds", "only allowed when purgeMode is Gracefully");
    }
    statePreservation(out, app->state_preservation, p + ".statePreservation");
    if (!spec.propagate_deps) {
      invalid(out, "spec.propagateDeps", "false",
              "application failover is set, propagateDeps must be true");
    }
  }
  if (const auto& cluster = spec.failover->cluster) {
    const std::string mode = normalizePurgeMode(cluster->purge_mode);
    if (!oneOf(mode, {kPurgeModeDirectly, kPurgeModeGracefully})) {
      notSupported(out, path + ".cluster.purgeMode", cluster->purge_mode,
                   {"Directly", "Gracefully"});
    }
    statePreservation(out, cluster->state_preservation, path + ".cluster.statePreservation");
  }
}

void append(Causes& out, Causes more) { out.insert(out.end(), more.begin(), more.end()); }

}  // namespace

Causes validatePropagationPolicy(const PropagationPolicy& policy_in,
                                 const ValidationOptions& options) {
  PropagationPolicy policy = policy_in;
  setDefaults(policy);
  Causes out;
  const auto& spec = policy.spec;
  const bool namespaced = !policy.isClusterScoped();
  if (policy.metadata.name.empty()) required(out, "metadata.name");
  if (options.require_permanent_id) {
    const char* label = namespaced ? "propagationpolicy.karmada.io/permanent-id"
                                   : "clusterpropagationpolicy.karmada.io/permanent-id";
    if (policy.metadata.labels.count(label) == 0 || policy.metadata.labels.at(label).empty()) {
      required(out, std::string("metadata.labels[") + label + "]");
    }
  }
  if (spec.resource_selectors.empty()) required(out, "spec.resourceSelectors");
  resourceSelectors(out, spec.resource_selectors, policy.metadata.namespace_, namespaced,
                    "spec.resourceSelectors");
  if (!oneOf(spec.preemption, {kPreemptAlways, kPreemptNever})) {
    notSupported(out, "spec.preemption", spec.preemption, {"Always", "Never"});
  }
  if (spec.preemption == kPreemptAlways) {
    for (size_t i = 0; i < spec.resource_selectors.size(); ++i) {
      if (spec.resource_selectors[i].name.empty()) {
        invalid(out, idx("spec.resourceSelectors", i) + ".name", "",
                "name must be specified when preemption is Always");
      }
    }
  }
  if (!oneOf(spec.conflict_resolution, {kConflictAbort, kConflictOverwrite})) {
    notSupported(out, "spec.conflictResolution", spec.conflict_resolution, {"Abort", "Overwrite"});
  }
  if (!spec.activation_preference.empty() && spec.activation_preference != kActivationLazy) {
    notSupported(out, "spec.activationPreference", spec.activation_preference, {"Lazy"});
  }
  append(out, validatePlacement(spec.placement, "spec.placement"));
  failover(out, spec, "spec.failover");
  if (spec.suspension && spec.suspension->dispatching.value_or(false) &&
      spec.suspension->dispatching_on_clusters &&
      !spec.suspension->dispatching_on_clusters->cluster_names.empty()) {
    invalid(out, "spec.suspension.dispatchingOnClusters", "",
            "can not co-exist with dispatching: true");
  }
  if (spec.schedule_priority) {
    const auto& sp = *spec.schedule_priority;
    if (sp.priority_class_source != kKubePriorityClass) {
      notSupported(out, "spec.schedulePriority.priorityClassSource", sp.priority_class_source,
                   {"KubePriorityClass"});
    }
    if (sp.priority_class_name.empty()) required(out, "spec.schedulePriority.priorityClassName");
  }
  for (size_t i = 0; i < spec.dependent_overrides.size(); ++i) {
    if (spec.dependent_overrides[i].empty()) required(out, idx("spec.dependentOverrides", i));
  }
  return out;
}

Causes validatePropagationPolicyUpdate(const PropagationPolicy& old_policy,
                                       const PropagationPolicy& new_policy,
                                       const ValidationOptions& options) {
  Causes out = validatePropagationPolicy(new_policy, options);
  auto scheduler = [](const PropagationPolicy& p) {
    return p.spec.scheduler_name.empty() ? std::string(kDefaultSchedulerName)
                                         : p.spec.scheduler_name;
  };
  if (scheduler(old_policy) != scheduler(new_policy)) {
    invalid(out, "spec.schedulerName", new_policy.spec.scheduler_name, "field is immutable");
  }
  const char* label = new_policy.isClusterScoped()
                          ? "clusterpropagationpolicy.karmada.io/permanent-id"
                          : "propagationpolicy.karmada.io/permanent-id";
  auto id = [&](const PropagationPolicy& p) {
    auto it = p.metadata.labels.find(label);
    return it == p.metadata.labels.end() ? std::string() : it->second;
  };
  if (!id(old_policy).empty() && id(old_policy) != id(new_policy)) {
    invalid(out, std::string("metadata.labels[") + label + "]", id(new_policy),
            "field is immutable");
  }
  return out;
}

namespace {

void overriders(Causes& out, const Overriders& o, const std::string& path) {
  for (size_t i = 0; i < o.plaintext.size(); ++i) {
    const auto& p = o.plaintext[i];
    const std::string f = idx(path + ".plaintext", i);
    if (p.path.empty() || p.path[0] != '/')
      invalid(out, f + ".path", p.path, "must be a JSON pointer");
    if (!oneOf(p.operator_, {"add", "remove", "replace"})) {
      notSupported(out, f + ".operator", p.operator_, {"add", "remove", "replace"});
    }
    if (p.operator_ == "remove" && p.value && !p.value->is_null()) {
      invalid(out, f + ".value", safeDump(*p.value), "value must be empty when operator is remove");
    }
  }
  for (size_t i = 0; i < o.image_overrider.size(); ++i) {
    const auto& im = o.image_overrider[i];
    const std::string f = idx(path + ".imageOverrider", i);
    if (im.predicate && im.predicate->path.empty()) required(out, f + ".predicate.path");
    if (!oneOf(im.component,
               {kImageComponentRegistry, kImageComponentRepository, kImageComponentTag})) {
      notSupported(out, f + ".component", im.component, {"Registry", "Repository", "Tag"});
    }
    if (!oneOf(im.operator_, {"add", "remove", "replace"})) {
      notSupported(out, f + ".operator", im.operator_, {"add", "remove", "replace"});
    }
  }
  for (const auto& [name, list] : {std::make_pair("commandOverrider", &o.command_overrider),
                                   std::make_pair("argsOverrider", &o.args_overrider)}) {
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string f = idx(path + "." + name, i);
      if ((*list)[i].container_name.empty()) required(out, f + ".containerName");
      if (!oneOf((*list)[i].operator_, {"add", "remove"})) {
        notSupported(out, f + ".operator", (*list)[i].operator_, {"add", "remove"});
      }
    }
  }
  for (const auto& [name, list] :
       {std::make_pair("labelsOverrider", &o.labels_overrider),
        std::make_pair("annotationsOverrider", &o.annotations_overrider)}) {
    const bool labels = std::string(name) == "labelsOverrider";
    for (size_t i = 0; i < list->size(); ++i) {
      const auto& lo = (*list)[i];
      const std::string f = idx(path + "." + name, i);
      if (!oneOf(lo.operator_, {"add", "remove", "replace"})) {
        notSupported(out, f + ".operator", lo.operator_, {"add", "remove", "replace"});
      }
      for (const auto& [k, v] : lo.value) {
        if (!isQualifiedName(k)) invalid(out, f + ".value", k, "must be a valid key");
        if (labels && !isLabelValue(v))
          invalid(out, f + ".value", v, "must be a valid label value");
      }
    }
  }
  for (size_t i = 0; i < o.field_overrider.size(); ++i) {
    const auto& fo = o.field_overrider[i];
    const std::string f = idx(path + ".fieldOverrider", i);
    if (fo.field_path.empty()) required(out, f + ".fieldPath");
    if (fo.json.empty() == fo.yaml.empty()) {
      invalid(out, f, "", "exactly one of json or yaml must be set");
    }
    for (const auto& [name, ops] :
         {std::make_pair("json", &fo.json), std::make_pair("yaml", &fo.yaml)}) {
      for (size_t j = 0; j < ops->size(); ++j) {
        const auto& op = (*ops)[j];
        const std::string g = idx(f + "." + name, j);
        if (op.sub_path.empty()) required(out, g + ".subPath");
        if (!oneOf(op.operator_, {"add", "remove", "replace"})) {
          notSupported(out, g + ".operator", op.operator_, {"add", "remove", "replace"});
        }
        const bool has_value = op.value && !op.value->is_null();
        if (op.operator_ == "remove" && has_value) {
          forbidden(out, g + ".value", "value is not allowed for remove");
        }
        if ((op.operator_ == "add" || op.operator_ == "replace") && !has_value) {
          required(out, g + ".value");
        }
      }
    }
  }
}

}  // namespace

Causes validateOverridePolicy(const OverridePolicy& policy_in) {
  OverridePolicy policy = policy_in;
  setDefaults(policy);
  Causes out;
  const auto& spec = policy.spec;
  if (policy.metadata.name.empty()) required(out, "metadata.name");
  resourceSelectors(out, spec.resource_selectors, policy.metadata.namespace_,
                    !policy.isClusterScoped(), "spec.resourceSelectors");
  if (!spec.override_rules.empty() && (spec.target_cluster || spec.overriders)) {
    invalid(out, "spec.overrideRules", "",
            "overrideRules can not co-exist with the deprecated targetCluster/overriders");
  }
  if (spec.target_cluster) {
    append(out, validateClusterAffinity(*spec.target_cluster, "spec.targetCluster"));
  }
  if (spec.overriders) overriders(out, *spec.overriders, "spec.overriders");
  for (size_t i = 0; i < spec.override_rules.size(); ++i) {
    const auto& rule = spec.override_rules[i];
    const std::string p = idx("spec.overrideRules", i);
    if (rule.target_cluster) {
      append(out, validateClusterAffinity(*rule.target_cluster, p + ".targetCluster"));
    }
    overriders(out, rule.overriders, p + ".overriders");
  }
  return out;
}

Causes validateClusterTaintPolicy(const ClusterTaintPolicy& policy) {
  Causes out;
  const auto& spec = policy.spec;
  if (policy.metadata.name.empty()) required(out, "metadata.name");
  if (spec.target_clusters) {
    append(out, validateClusterAffinity(*spec.target_clusters, "spec.targetClusters"));
  }
  for (const auto& [name, list] :
       {std::make_pair("addOnConditions", &spec.add_on_conditions),
        std::make_pair("removeOnConditions", &spec.remove_on_conditions)}) {
    for (size_t i = 0; i < list->size(); ++i) {
      const auto& c = (*list)[i];
      const std::string p = idx(std::string("spec.") + name, i);
      if (c.condition_type.empty()) required(out, p + ".conditionType");
      if (!oneOf(c.operator_, {"In", "NotIn"}))
        notSupported(out, p + ".operator", c.operator_, {"In", "NotIn"});
      if (c.status_values.empty()) required(out, p + ".statusValues");
      for (size_t j = 0; j < c.status_values.size(); ++j) {
        if (!oneOf(c.status_values[j], {"True", "False", "Unknown"})) {
          notSupported(out, idx(p + ".statusValues", j), c.status_values[j],
                       {"True", "False", "Unknown"});
        }
      }
    }
  }
  if (spec.taints.empty()) required(out, "spec.taints");
  std::set<std::string> seen;
  for (size_t i = 0; i < spec.taints.size(); ++i) {
    const auto& t = spec.taints[i];
    const std::string p = idx("spec.taints", i);
    if (t.key.empty()) {
      required(out, p + ".key");
    } else if (!isQualifiedName(t.key)) {
      invalid(out, p + ".key", t.key, "must be a valid label key");
    }
    if (!isLabelValue(t.value)) invalid(out, p + ".value", t.value, "must be a valid label value");
    if (!oneOf(t.effect, {"NoSchedule", "NoExecute"})) {
      notSupported(out, p + ".effect", t.effect, {"NoSchedule", "NoExecute"});
    }
    if (!seen.insert(t.key + ":" + t.effect).second) duplicate(out, p, t.key + ":" + t.effect);
  }
  return out;
}

}  // namespace flotilla::api
