// Karmada's admission-webhook validation (karmada.md §1), one function per kind. Each returns
// every violation as a core::Cause whose `field` is the full dotted path (for example
// spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight), so the API
// server can answer 422 with all causes and `flotilla plan` can print them. Validation runs on a
// defaulted copy (setDefaults), exactly as the webhook sees objects after the mutating pass.
#pragma once

#include <string>
#include <vector>

#include "api/cluster_types.h"
#include "api/policy_types.h"
#include "api/pricebook_types.h"
#include "core/status.h"

namespace flotilla::api {

using Causes = std::vector<core::Cause>;

struct ValidationOptions {
  // Admission requires the permanent-id label the mutating webhook adds on create; files given
  // to `flotilla plan` do not carry it.
  bool require_permanent_id = false;
};

Causes validatePropagationPolicy(const PropagationPolicy& policy,
                                 const ValidationOptions& options = {});
// Update rules on top of validatePropagationPolicy: schedulerName and the permanent-id label
// are immutable.
Causes validatePropagationPolicyUpdate(const PropagationPolicy& old_policy,
                                       const PropagationPolicy& new_policy,
                                       const ValidationOptions& options = {});
Causes validateOverridePolicy(const OverridePolicy& policy);
Causes validateCluster(const Cluster& cluster);
Causes validateClusterTaintPolicy(const ClusterTaintPolicy& policy);
Causes validatePriceBook(const PriceBook& book);

// Shared by the kinds above (and by the scheduler for placements built in code).
Causes validatePlacement(const Placement& placement, const std::string& path);
Causes validateClusterAffinity(const ClusterAffinity& affinity, const std::string& path);

// Wraps causes as a 422-style Status (OK when empty): "<Kind> \"<name>\" is invalid: ...".
core::Status toStatus(const std::string& kind, const std::string& name, const Causes& causes);

// Field-value helpers with Kubernetes' rules and messages.
bool isQualifiedName(const std::string& s);  // label/annotation key
bool isLabelValue(const std::string& s);
bool isDns1123Subdomain(const std::string& s);

}  // namespace flotilla::api
