// Status aggregation (karmada.md §2f): folds binding.status.aggregatedStatus (one collected
// status per member cluster) into the resource template's `.status`. Sums for workloads, phase
// precedence for Pods/PVs/PVCs, unions of load-balancer ingress, Job completion logic, and the
// observedGeneration rule that GitOps tools (Argo CD) rely on: the template's
// observedGeneration only advances when every member has observed the current template
// generation. Returns the template unchanged when nothing would change.
#pragma once

#include <string>
#include <vector>

#include "api/work_types.h"
#include "core/status.h"

namespace flotilla::interpreter {

struct AggregateOptions {
  std::string now;  // RFC 3339 timestamp for Job condition transitions
};

core::Result<api::Json> aggregateStatus(const api::Json& object,
                                        const std::vector<api::AggregatedStatusItem>& items,
                                        const AggregateOptions& options = {});

}  // namespace flotilla::interpreter
