#include "failover/toleration.h"

#include "core/clock.h"

namespace flotilla::failover {

NoExecuteDecision noExecuteDecision(const std::vector<api::Taint>& taints,
                                    const std::vector<api::Toleration>& tolerations,
                                    WallTime now) {
  NoExecuteDecision out;
  for (const auto& taint : taints) {
    if (taint.effect != "NoExecute") continue;
    bool tolerated = false;
    WallTime added = now;
    if (!taint.time_added.empty()) core::parseRfc3339(taint.time_added, &added);
    for (const auto& toleration : tolerations) {
      if (!api::toleratesTaint(toleration, taint)) continue;
      tolerated = true;
      if (!toleration.toleration_seconds) continue;
      const WallTime deadline =
          added + std::chrono::seconds(std::max<int64_t>(0, *toleration.toleration_seconds));
      if (!out.at || deadline < *out.at) out.at = deadline;
    }
    if (!tolerated) {
      out.evict = true;
      out.at.reset();
      return out;
    }
  }
  if (out.at && *out.at <= now) {
    out.evict = true;
    out.at.reset();
  }
  return out;
}

}  // namespace flotilla::failover
