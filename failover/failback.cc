#include "failover/failback.h"

#include "core/clock.h"

namespace flotilla::failover {

std::string failbackTrigger(std::chrono::system_clock::time_point now,
                            const std::string& last_scheduled) {
  std::chrono::system_clock::time_point last;
  if (!last_scheduled.empty() && core::parseRfc3339(last_scheduled, &last)) {
    const auto after = std::chrono::floor<std::chrono::seconds>(last) + std::chrono::seconds(1);
    if (after > now) now = after;
  }
  return core::formatRfc3339(now);
}

}  // namespace flotilla::failover
