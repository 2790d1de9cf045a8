// Failback (karmada.md §2d): a workload that failed over to a later scheduling group stays there
// until a Fresh reschedule is requested by setting `spec.rescheduleTriggeredAt`; the scheduler
// then starts again from the first group. The scheduler compares the trigger with
// `status.lastScheduledTime` at whole-second precision (metav1.Time), so a trigger in the same
// second as the last decision would be ignored; the trigger is therefore never earlier than one
// second after the last decision.
#pragma once

#include <chrono>
#include <string>

namespace flotilla::failover {

// The rescheduleTriggeredAt value (RFC 3339) to write at `now` for a binding last scheduled at
// `last_scheduled` (RFC 3339, may be empty or malformed: then `now`).
std::string failbackTrigger(std::chrono::system_clock::time_point now,
                            const std::string& last_scheduled);

}  // namespace flotilla::failover
