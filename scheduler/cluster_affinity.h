// ClusterMatches and toleration matching: the two predicates that decide whether a policy can
// name a cluster at all. ClusterAffinity semantics are Karmada's (karmada.md §2c): exclude wins,
// then label selector, field selector (zone against spec.zones, provider/region as labels) and
// clusterNames, all ANDed. Also used by static weights, overflow tiers and PriceBook rules.
#pragma once

#include <vector>

#include "scheduler/model.h"

namespace flotilla::scheduler {

bool clusterMatches(const Cluster& cluster, const ClusterAffinity& affinity);

// One label requirement against a label map (Kubernetes labels.Requirement semantics; Gt/Lt
// compare integers).
bool requirementMatches(const Requirement& req, const std::map<std::string, std::string>& labels);

// Standard Kubernetes ToleratesTaint with Lt/Gt disabled (Karmada rejects them).
bool tolerates(const Toleration& toleration, const Taint& taint);
bool isTolerated(const std::vector<Toleration>& tolerations, const Taint& taint);

}  // namespace flotilla::scheduler
