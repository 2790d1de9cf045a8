// Whether a binding may stay on a cluster that carries NoExecute taints (karmada.md §2e, the taint
// manager's rule). Tolerations come from the binding's placement (clusterTolerations):
//  * a NoExecute taint no toleration tolerates → evict now;
//  * all tolerated, some by a toleration with tolerationSeconds → evict at the earliest
//    taint.timeAdded + tolerationSeconds over those (taint, toleration) pairs, now if passed;
//  * all tolerated forever (no tolerationSeconds) → stay.
// Only NoExecute taints count; NoSchedule taints never evict what is already placed. A taint
// without timeAdded counts from `now` (the API server stamps NoExecute taints, so this only
// happens for objects written around admission).
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "api/meta.h"

namespace flotilla::failover {

using WallTime = std::chrono::system_clock::time_point;

struct NoExecuteDecision {
  bool evict = false;             // evict now
  std::optional<WallTime> at;     // when not yet: the time tolerations run out
};

NoExecuteDecision noExecuteDecision(const std::vector<api::Taint>& taints,
                                    const std::vector<api::Toleration>& tolerations, WallTime now);

}  // namespace flotilla::failover
