#include "policies/policy_matcher.h"

#include <algorithm>
#include <regex>

#include "policies/selector_match.h"

namespace flotilla::policies {

namespace {

std::string stringAt(const api::Json& object, const char* a, const char* b = nullptr) {
  if (!object.is_object()) return "";
  auto it = object.find(a);
  if (it == object.end()) return "";
  if (b == nullptr) return it->is_string() ? it->get<std::string>() : "";
  if (!it->is_object()) return "";
  auto jt = it->find(b);
  return jt != it->end() && jt->is_string() ? jt->get<std::string>() : "";
}

std::string metaString(const api::Json& object, const char* map, const std::string& key) {
  if (!object.is_object() || !object.contains("metadata")) return "";
  const auto& meta = object["metadata"];
  if (!meta.is_object() || !meta.contains(map) || !meta[map].is_object()) return "";
  auto it = meta[map].find(key);
  return it != meta[map].end() && it->is_string() ? it->get<std::string>() : "";
}

bool isDeleting(const api::PropagationPolicy& p) { return !p.metadata.deletion_timestamp.empty(); }

// True when a beats b in Karmada's ordering: explicit priority, implicit priority, then name.
bool better(int32_t a_explicit, ImplicitPriority a_implicit, const std::string& a_name,
            int32_t b_explicit, ImplicitPriority b_implicit, const std::string& b_name) {
  if (a_explicit != b_explicit) return a_explicit > b_explicit;
  if (a_implicit != b_implicit) return a_implicit > b_implicit;
  return a_name < b_name;
}

std::optional<size_t> bestOf(const api::Json& object,
                             const std::vector<api::PropagationPolicy>& policies,
                             const std::vector<size_t>& indices) {
  std::optional<size_t> best;
  ImplicitPriority best_implicit = ImplicitPriority::Mismatch;
  for (size_t i : indices) {
    const auto& p = policies[i];
    if (isDeleting(p)) continue;
    auto implicit = implicitPriority(object, p.spec.resource_selectors);
    if (implicit == ImplicitPriority::Mismatch) continue;
    if (!best || better(p.spec.explicitPriority(), implicit, p.metadata.name,
                        policies[*best].spec.explicitPriority(), best_implicit,
                        policies[*best].metadata.name)) {
      best = i;
      best_implicit = implicit;
    }
  }
  return best;
}

std::vector<size_t> allIndices(size_t n) {
  std::vector<size_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = i;
  return out;
}

std::string permanentIdOf(const api::PropagationPolicy& p) {
  auto it =
      p.metadata.labels.find(p.isClusterScoped() ? kCPPPermanentIdLabel : kPPPermanentIdLabel);
  return it == p.metadata.labels.end() ? "" : it->second;
}

bool samePolicy(const api::PropagationPolicy& a, const api::PropagationPolicy& b) {
  return a.isClusterScoped() == b.isClusterScoped() && a.metadata.name == b.metadata.name &&
         a.metadata.namespace_ == b.metadata.namespace_;
}

}  // namespace

bool isReservedNamespace(const std::string& ns) {
  return ns == "karmada-system" || ns == "karmada-cluster" || ns.rfind("karmada-es-", 0) == 0;
}

bool shouldSkipTemplate(const api::Json& object, const SkipOptions& options) {
  const std::string ns = stringAt(object, "metadata", "namespace");
  if (!ns.empty()) {
    if (isReservedNamespace(ns)) return true;
    for (const auto& pattern : options.skipped_namespace_patterns) {
      try {
        if (std::regex_match(ns, std::regex(pattern))) return true;
      } catch (const std::regex_error&) {
        // An invalid pattern skips nothing, like a flag that failed to compile would.
      }
    }
  }
  if (ns == "kube-system" && stringAt(object, "kind") == "ConfigMap" &&
      stringAt(object, "metadata", "name") == "extension-apiserver-authentication") {
    return true;
  }
  return objectLabels(object).count(kClaimedByLabel) > 0;
}

ImplicitPriority selectorPriority(const api::Json& object, const api::ResourceSelector& selector) {
  if (selector.api_version != stringAt(object, "apiVersion") ||
      selector.kind != stringAt(object, "kind")) {
    return ImplicitPriority::Mismatch;
  }
  if (!selector.namespace_.empty() &&
      selector.namespace_ != stringAt(object, "metadata", "namespace")) {
    return ImplicitPriority::Mismatch;
  }
  if (!selector.name.empty()) {
    return selector.name == stringAt(object, "metadata", "name") ? ImplicitPriority::MatchName
                                                                 : ImplicitPriority::Mismatch;
  }
  if (!selector.label_selector || selector.label_selector->is_null()) {
    return ImplicitPriority::MatchAll;
  }
  auto m = labelSelectorMatches(*selector.label_selector, objectLabels(object));
  return m.isOk() && *m ? ImplicitPriority::MatchLabelSelector : ImplicitPriority::Mismatch;
}

ImplicitPriority implicitPriority(const api::Json& object,
                                  const std::vector<api::ResourceSelector>& selectors) {
  ImplicitPriority best = ImplicitPriority::Mismatch;
  for (const auto& s : selectors) best = std::max(best, selectorPriority(object, s));
  return best;
}

std::optional<size_t> highestPriorityPolicy(const api::Json& object,
                                            const std::vector<api::PropagationPolicy>& policies) {
  return bestOf(object, policies, allIndices(policies.size()));
}

Claim claimOf(const api::Json& object) {
  Claim c;
  const auto pp_ns = metaString(object, "annotations", kPPNamespaceAnnotation);
  const auto pp_name = metaString(object, "annotations", kPPNameAnnotation);
  const auto pp_id = metaString(object, "labels", kPPPermanentIdLabel);
  if (!pp_ns.empty() && !pp_name.empty() && !pp_id.empty()) {
    c.kind = Claim::Kind::PropagationPolicy;
    c.namespace_ = pp_ns;
    c.name = pp_name;
    c.permanent_id = pp_id;
    return c;
  }
  const auto cpp_name = metaString(object, "annotations", kCPPNameAnnotation);
  const auto cpp_id = metaString(object, "labels", kCPPPermanentIdLabel);
  if (!cpp_name.empty() && !cpp_id.empty()) {
    c.kind = Claim::Kind::ClusterPropagationPolicy;
    c.name = cpp_name;
    c.permanent_id = cpp_id;
  }
  return c;
}

void unclaimTemplate(api::Json& object) {
  if (!object.is_object() || !object.contains("metadata")) return;
  auto& meta = object["metadata"];
  for (const char* map : {"labels", "annotations"}) {
    if (!meta.contains(map) || !meta[map].is_object()) continue;
    for (const char* key : {kPPPermanentIdLabel, kPPNamespaceAnnotation, kPPNameAnnotation,
                            kCPPPermanentIdLabel, kCPPNameAnnotation}) {
      meta[map].erase(key);
    }
    if (meta[map].empty()) meta.erase(map);
  }
}

void claimTemplate(api::Json& object, const api::PropagationPolicy& policy) {
  unclaimTemplate(object);
  auto& meta = object["metadata"];
  if (policy.isClusterScoped()) {
    meta["labels"][kCPPPermanentIdLabel] = permanentIdOf(policy);
    meta["annotations"][kCPPNameAnnotation] = policy.metadata.name;
  } else {
    meta["labels"][kPPPermanentIdLabel] = permanentIdOf(policy);
    meta["annotations"][kPPNamespaceAnnotation] = policy.metadata.namespace_;
    meta["annotations"][kPPNameAnnotation] = policy.metadata.name;
  }
}

bool canPreempt(const api::Json& object, const api::PropagationPolicy& preemptor,
                const api::PropagationPolicy& current, bool preemption_gate_enabled) {
  if (!preemption_gate_enabled || preemptor.spec.preemption != api::kPreemptAlways) return false;
  if (samePolicy(preemptor, current) || isDeleting(preemptor)) return false;
  if (implicitPriority(object, preemptor.spec.resource_selectors) == ImplicitPriority::Mismatch) {
    return false;
  }
  // Only explicit priorities count for preemption; implicit priority is ignored.
  if (!preemptor.isClusterScoped()) {
    return current.isClusterScoped() ||
           preemptor.spec.explicitPriority() > current.spec.explicitPriority();
  }
  return current.isClusterScoped() &&
         preemptor.spec.explicitPriority() > current.spec.explicitPriority();
}

std::vector<size_t> preemptorsToRequeue(int32_t old_priority, int32_t new_priority,
                                        const std::vector<api::PropagationPolicy>& policies) {
  std::vector<size_t> out;
  if (new_priority >= old_priority) return out;
  for (size_t i = 0; i < policies.size(); ++i) {
    const auto& p = policies[i];
    int32_t prio = p.spec.explicitPriority();
    if (p.spec.preemption == api::kPreemptAlways && prio > new_priority && prio < old_priority) {
      out.push_back(i);
    }
  }
  std::stable_sort(out.begin(), out.end(), [&](size_t a, size_t b) {
    return policies[a].spec.explicitPriority() > policies[b].spec.explicitPriority();
  });
  return out;
}

core::Status checkDependentOverrides(const api::PropagationPolicy& policy,
                                     const std::vector<api::OverridePolicy>& existing) {
  std::string missing;
  for (const auto& name : policy.spec.dependent_overrides) {
    bool found = false;
    for (const auto& op : existing) {
      const bool same_scope =
          policy.isClusterScoped()
              ? op.isClusterScoped()
              : !op.isClusterScoped() && op.metadata.namespace_ == policy.metadata.namespace_;
      found = found || (same_scope && op.metadata.name == name);
    }
    if (!found) missing += (missing.empty() ? "" : ", ") + name;
  }
  if (missing.empty()) return core::Status::ok();
  return core::Status(core::Code::Unavailable, "waiting for dependent overrides of " + policy.kind +
                                                   " " + policy.metadata.name + ": " + missing);
}

MatchDecision matchTemplate(const api::Json& object, const std::vector<api::PropagationPolicy>& pps,
                            const std::vector<api::PropagationPolicy>& cpps,
                            const MatchOptions& options) {
  MatchDecision d;
  if (shouldSkipTemplate(object, options.skip)) {
    d.outcome = MatchDecision::Outcome::Skipped;
    return d;
  }
  const std::string ns = stringAt(object, "metadata", "namespace");
  // PPs of other namespaces never apply, whatever the caller passed.
  std::vector<size_t> pp_indices;
  for (size_t i = 0; i < pps.size(); ++i) {
    if (!ns.empty() && pps[i].metadata.namespace_ == ns) pp_indices.push_back(i);
  }
  const auto cpp_indices = allIndices(cpps.size());

  // Preemptors of a current claim: PPs first (a PP always beats CPPs), then CPPs.
  auto preemptor = [&](const api::PropagationPolicy& current) -> std::optional<MatchDecision> {
    std::vector<size_t> pp_candidates, cpp_candidates;
    for (size_t i : pp_indices) {
      if (canPreempt(object, pps[i], current, options.preemption_gate_enabled)) {
        pp_candidates.push_back(i);
      }
    }
    for (size_t i : cpp_indices) {
      if (canPreempt(object, cpps[i], current, options.preemption_gate_enabled)) {
        cpp_candidates.push_back(i);
      }
    }
    MatchDecision p;
    p.outcome = MatchDecision::Outcome::Preempted;
    if (auto best = bestOf(object, pps, pp_candidates)) {
      p.policy = best;
      return p;
    }
    if (auto best = bestOf(object, cpps, cpp_candidates)) {
      p.policy = best;
      p.cluster_scoped = true;
      return p;
    }
    return std::nullopt;
  };

  const Claim claim = claimOf(object);
  auto still_valid = [&](const api::PropagationPolicy& p) {
    return !isDeleting(p) && permanentIdOf(p) == claim.permanent_id &&
           implicitPriority(object, p.spec.resource_selectors) != ImplicitPriority::Mismatch;
  };
  if (claim.kind != Claim::Kind::None) {
    const bool claim_is_cpp = claim.kind == Claim::Kind::ClusterPropagationPolicy;
    const auto& list = claim_is_cpp ? cpps : pps;
    const auto& indices = claim_is_cpp ? cpp_indices : pp_indices;
    for (size_t i : indices) {
      const auto& p = list[i];
      if (p.metadata.name != claim.name) continue;
      if (!claim_is_cpp && p.metadata.namespace_ != claim.namespace_) continue;
      if (!still_valid(p)) break;
      if (auto pre = preemptor(p)) return *pre;
      d.outcome = MatchDecision::Outcome::KeepClaim;
      d.policy = i;
      d.cluster_scoped = claim_is_cpp;
      return d;
    }
    d.cleanup_previous_claim = true;
  }

  if (auto best = bestOf(object, pps, pp_indices)) {
    d.outcome = MatchDecision::Outcome::ClaimNew;
    d.policy = best;
    return d;
  }
  if (auto best = bestOf(object, cpps, cpp_indices)) {
    d.outcome = MatchDecision::Outcome::ClaimNew;
    d.policy = best;
    d.cluster_scoped = true;
    return d;
  }
  d.outcome = MatchDecision::Outcome::NoMatch;
  return d;
}

}  // namespace flotilla::policies
