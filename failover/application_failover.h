// Application failover (karmada.md §1.4 ApplicationFailoverBehavior, §2e): a binding whose policy
// sets `failover.application` leaves a cluster where its workload has been Unhealthy for longer
// than `decisionConditions.tolerationSeconds`. The cluster is evicted like a tainted one (a
// GracefulEvictionTask with reason ApplicationFailure and the policy's purge mode), so the
// scheduler places the replicas elsewhere and the old copy goes according to the purge mode.
//
// The "unhealthy since" times live in the controller's memory, as in Karmada: after a restart
// the toleration starts again (erring on the side of not evicting). Healthy or Unknown clears a
// cluster's timer; clusters already being evicted are not tracked.
//
// Pure: no I/O.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/policy_types.h"
#include "failover/eviction.h"

namespace flotilla::failover {

inline constexpr const char* kProducerRbApplicationFailover =
    "resource-binding-application-failover-controller";
inline constexpr const char* kProducerCrbApplicationFailover =
    "cluster-resource-binding-application-failover-controller";
inline constexpr int32_t kDefaultApplicationTolerationSeconds = 300;
inline constexpr int32_t kDefaultApplicationGracePeriodSeconds = 600;

using TimePoint = std::chrono::system_clock::time_point;

struct ApplicationHealthView {
  std::vector<std::string> clusters;          // spec.clusters
  std::map<std::string, std::string> health;  // aggregatedStatus: cluster -> Healthy/Unhealthy/Unknown
  std::set<std::string> evicting;             // fromCluster of the binding's eviction tasks
};

struct ApplicationFailoverDecision {
  // The timers to keep: targeted, not evicting, still Unhealthy and not yet evicted.
  std::map<std::string, TimePoint> unhealthy_since;
  std::vector<EvictionRequest> evict;
  std::optional<std::chrono::seconds> recheck_after;  // the next toleration to run out
};

ApplicationFailoverDecision decideApplicationFailover(
    const api::ApplicationFailoverBehavior& policy, const ApplicationHealthView& view,
    const std::map<std::string, TimePoint>& unhealthy_since, TimePoint now,
    const std::string& producer);

}  // namespace flotilla::failover
