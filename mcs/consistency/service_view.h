// ServiceView: what one multi-cluster service looks like across the federation, derived from a
// FederationState with the same rules as the sync controller (mcs/controllers): which clusters
// provide it (valid ServiceExports, or a MultiClusterService's providers), which consume it, how
// many ready endpoints each provider has and each consumer holds, the export conflicts, and the
// drift of every consumer's Flotilla-managed EndpointSlices from the providers' ready endpoints,
// with the desired and actual slices needed to repair it.
//
// A consumer is compared only when it can be judged: it is reachable and Ready (or not yet
// probed), every source is reachable, and no source is inside its NotReady grace period (the
// sync controller is then deliberately holding old endpoints). Otherwise `unchecked` says why.
//
// Pure: the caller passes the state and the time.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "mcs/consistency/drift.h"
#include "mcs/consistency/federation_state.h"
#include "mcs/endpoints/consumer_slices.h"

namespace flotilla::mcs {

struct ConsumerSlices {
  std::vector<Json> desired;
  std::vector<Json> actual;  // the consumer's managed slices of this service and mode
};

struct ServiceView {
  ImportTarget target;
  std::vector<std::string> providers;  // exporting clusters / MCS providers, sorted
  std::vector<std::string> sources;    // providers whose endpoints count now
  std::vector<std::string> consumers;  // sorted
  std::map<std::string, int> provider_endpoints;  // ready endpoints in the provider's own slices
  std::map<std::string, int> consumer_endpoints;  // ready endpoints the consumer holds
  std::map<std::string, int> consumer_expected;   // ready endpoints it should hold
  std::vector<std::string> conflicts;  // "<cluster>: <Conflict condition message>"
  std::vector<std::string> unchecked;  // "<cluster>: <why>" for consumers not compared
  std::vector<ConsumerDrift> drift;    // consumers with drift only
  std::map<std::string, ConsumerSlices> slices;  // per compared consumer (for repair)
  bool drifted() const { return !drift.empty(); }
  std::string key() const { return target.namespace_name + "/" + target.service; }
};

struct ViewOptions {
  std::chrono::milliseconds endpoint_grace{10000};  // the sync controller's default
};

// Every multi-cluster service of the state (both modes), sorted by key then mode.
std::vector<ServiceView> buildServiceViews(const FederationState& state,
                                           std::chrono::system_clock::time_point now,
                                           const ViewOptions& options = {});

}  // namespace flotilla::mcs
