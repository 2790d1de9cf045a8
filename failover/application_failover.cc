#include "failover/application_failover.h"

#include <algorithm>

namespace flotilla::failover {

ApplicationFailoverDecision decideApplicationFailover(
    const api::ApplicationFailoverBehavior& policy, const ApplicationHealthView& view,
    const std::map<std::string, TimePoint>& unhealthy_since, TimePoint now,
    const std::string& producer) {
  using std::chrono::seconds;
  ApplicationFailoverDecision d;
  const seconds toleration(std::max<int32_t>(
      0, policy.decision_conditions.toleration_seconds.value_or(kDefaultApplicationTolerationSeconds)));
  const std::string purge = normalizePurgeMode(policy.purge_mode);
  for (const auto& cluster : view.clusters) {
    if (view.evicting.count(cluster)) continue;
    auto h = view.health.find(cluster);
    if (h == view.health.end() || h->second != api::kHealthUnhealthy) continue;
    auto seen = unhealthy_since.find(cluster);
    const TimePoint since = seen == unhealthy_since.end() ? now : seen->second;
    const auto unhealthy_for = std::chrono::duration_cast<seconds>(now - since);
    if (unhealthy_for >= toleration) {
      EvictionRequest r;
      r.cluster = cluster;
      r.purge_mode = purge;
      r.reason = api::kEvictionReasonApplicationFailure;
      r.producer = producer;
      r.message = "the workload has been unhealthy in cluster " + cluster + " for " +
                  std::to_string(unhealthy_for.count()) + "s (tolerationSeconds " +
                  std::to_string(toleration.count()) + ")";
      if (purge == kPurgeGracefully) {
        r.grace_period_seconds =
            policy.grace_period_seconds.value_or(kDefaultApplicationGracePeriodSeconds);
      }
      d.evict.push_back(std::move(r));
      continue;
    }
    d.unhealthy_since[cluster] = since;
    const seconds left = toleration - unhealthy_for;
    if (!d.recheck_after || left < *d.recheck_after) d.recheck_after = left;
  }
  return d;
}

}  // namespace flotilla::failover
