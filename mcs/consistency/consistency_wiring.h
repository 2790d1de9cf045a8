// Wires the MCS consistency check into a controller manager: one ConsistencyController behind the
// manager's leadership gate, one worker, driven by a single key that requeues itself every
// period (there is no event to react to: the check exists to catch what events missed).
#pragma once

#include <memory>

#include "client/client.h"
#include "controllers/membership/member_clients.h"
#include "mcs/consistency/consistency_controller.h"
#include "runtime/event_recorder.h"
#include "runtime/manager.h"

namespace flotilla::mcs {

// A period of zero disables the check (nothing is added).
void addConsistencyController(runtime::Manager& manager, client::ClientPtr host,
                              controllers::MemberClientsPtr member_clients,
                              std::shared_ptr<runtime::EventRecorder> events,
                              const ConsistencyOptions& options);

}  // namespace flotilla::mcs
