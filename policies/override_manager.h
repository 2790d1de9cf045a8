// Override application for one rendered manifest and one target cluster (karmada.md §2b):
// ClusterOverridePolicies first, then (namespaced templates only) the OverridePolicies of the
// template's namespace; inside each group policies apply in ascending (implicit priority, name)
// order, so later, more specific policies win. Returns the overridden object plus which policies
// applied, for the Work's policy.karmada.io/applied-(cluster-)overrides annotations. The Cluster
// is passed in: this never fetches anything (unlike Karmada's override manager).
#pragma once

#include <string>
#include <vector>

#include "api/cluster_types.h"
#include "api/policy_types.h"
#include "core/status.h"

namespace flotilla::policies {

inline constexpr const char* kAppliedOverridesAnnotation = "policy.karmada.io/applied-overrides";
inline constexpr const char* kAppliedClusterOverridesAnnotation =
    "policy.karmada.io/applied-cluster-overrides";

struct AppliedOverride {
  std::string policy_name;
  api::Overriders overriders;
};

struct OverrideResult {
  api::Json object;
  std::vector<AppliedOverride> cluster_overrides;  // from ClusterOverridePolicies
  std::vector<AppliedOverride> overrides;          // from OverridePolicies
};

// The policies of one group that apply to `object`, in application order (indices).
std::vector<size_t> orderedApplicablePolicies(const api::Json& object,
                                              const std::vector<api::OverridePolicy>& policies);

// Applies every matching rule. `ops` may contain policies of other namespaces (ignored).
// Any overrider error aborts and names the policy and rule.
core::Result<OverrideResult> applyOverridePolicies(const api::Json& object,
                                                   const api::Cluster& cluster,
                                                   const std::vector<api::OverridePolicy>& cops,
                                                   const std::vector<api::OverridePolicy>& ops);

// The annotation value: JSON list of {policyName, overriders} sorted by policyName; empty
// string when nothing applied (the annotation is then omitted).
std::string appliedOverridesAnnotation(const std::vector<AppliedOverride>& applied);

}  // namespace flotilla::policies
