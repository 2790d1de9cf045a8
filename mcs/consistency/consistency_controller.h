// ConsistencyController: the MCS "second check". Every `period` it reads the federation afresh
// (FederationReader: direct LISTs of the host and every member, not the sync controller's caches),
// derives each multi-cluster service's view with the sync controller's own rules
// (buildServiceViews) and compares what every consumer holds with the providers' ready endpoints.
//
// Drift must be seen by two consecutive checks before it counts, so a change the sync controller
// is still propagating is not reported. Confirmed drift is
//  * counted: flotilla_mcs_endpoint_drift_total{namespace,service,consumer,kind} (slices), and the
//    gauge flotilla_mcs_endpoint_drift{namespace,service,consumer} holds the drifted slices seen
//    by the latest check (0 when consistent);
//  * repaired: the drifted Flotilla-managed slices are rewritten in the consumer (the sync's
//    applyManaged: missing created, stale updated, extra deleted), counted in
//    flotilla_mcs_drift_repairs_total{result};
//  * reported: a Warning Event `EndpointDrift` on the host ServiceImport / MultiClusterService and
//    the condition `EndpointsConsistent` (False, reason EndpointDriftRepaired or
//    EndpointDriftRepairFailed; True/NoDrift once a check finds none) on the MultiClusterService,
//    or — ServiceImport's status has no conditions — on the ServiceExports of the providers and
//    on the host ServiceExport when there is one.
// It writes nothing else, so it cannot fight the sync controller: both derive the same desired
// slices from the same pure functions.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "client/client.h"
#include "controllers/membership/member_clients.h"
#include "core/clock.h"
#include "mcs/consistency/service_view.h"
#include "runtime/event_recorder.h"
#include "runtime/metrics_registry.h"
#include "runtime/reconciler.h"

namespace flotilla::mcs {

inline constexpr const char* kConsistencyKey = "mcs-consistency";
inline constexpr const char* kConsistentCondition = "EndpointsConsistent";

struct ConsistencyOptions {
  std::chrono::milliseconds period{30000};
  std::chrono::milliseconds endpoint_grace{10000};  // must match the sync controller's
  core::ClockPtr clock;                             // default RealClock
};

// What one check found and did (for tests and logs).
struct CheckOutcome {
  int services = 0;
  int drifted_consumers = 0;  // confirmed
  int suspected_consumers = 0;  // seen once, waiting for confirmation
  int repaired_slices = 0;
  int repair_failures = 0;
};

class ConsistencyController final : public runtime::Reconciler {
 public:
  ConsistencyController(client::ClientPtr host, controllers::MemberClientsPtr members,
                        std::shared_ptr<runtime::EventRecorder> events,
                        runtime::MetricsRegistry* metrics, ConsistencyOptions options);

  // Runs one check and asks to be called again after the period.
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;
  core::Result<CheckOutcome> checkOnce();

 private:
  core::Status repair(const ServiceView& view, const ConsumerDrift& drift, int* repaired);
  void report(const ServiceView& view, const std::vector<ConsumerDrift>& confirmed,
              const std::string& repair_error, const FederationState& state);
  core::Status setConsistentCondition(client::Client& c, const client::GroupVersionResource& gvr,
                                      const Json& object, bool consistent,
                                      const std::string& reason, const std::string& message);

  client::ClientPtr host_;
  controllers::MemberClientsPtr members_;
  std::shared_ptr<runtime::EventRecorder> events_;
  ConsistencyOptions options_;
  runtime::CounterFamily* drift_total_ = nullptr;
  runtime::GaugeFamily* drift_gauge_ = nullptr;
  runtime::CounterFamily* repairs_total_ = nullptr;
  runtime::CounterFamily* checks_total_ = nullptr;
  std::mutex mu_;
  std::set<std::string> suspected_;  // drift keys seen by the previous check
  std::set<std::vector<std::string>> gauge_series_;  // label sets set non-zero before
};

}  // namespace flotilla::mcs
