#include "mcs/consistency/consistency_wiring.h"

namespace flotilla::mcs {

void addConsistencyController(runtime::Manager& manager, client::ClientPtr host,
                              controllers::MemberClientsPtr member_clients,
                              std::shared_ptr<runtime::EventRecorder> events,
                              const ConsistencyOptions& options) {
  if (options.period.count() <= 0) return;
  runtime::ControllerOptions co;
  co.name = "mcs-consistency";
  co.workers = 1;
  auto& controller = manager.addController(
      co, std::make_shared<ConsistencyController>(std::move(host), std::move(member_clients),
                                                  std::move(events), &manager.metrics(),
                                                  options));
  // The first check runs one period after start, when the sync has had its chance.
  controller.queue().addAfter(kConsistencyKey, options.period);
}

}  // namespace flotilla::mcs
