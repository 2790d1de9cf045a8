// The status conditions of a MultiClusterService (Karmada's names): `ServiceApplied` — the
// Service reached every provider and consumer cluster — and `EndpointSliceDispatched` — every
// consumer holds the providers' endpoints. Computed from what one sync pass did, so a user sees
// with `kubectl describe` which cluster failed and why.
//
// Pure: no I/O.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "mcs/conflicts/export_conflicts.h"

namespace flotilla::mcs {

inline constexpr const char* kServiceAppliedCondition = "ServiceApplied";
inline constexpr const char* kEndpointSliceDispatchedCondition = "EndpointSliceDispatched";

struct McsPassOutcome {
  bool host_service_found = false;
  std::set<std::string> involved;   // providers and consumers
  std::set<std::string> consumers;
  std::set<std::string> unreachable;            // involved clusters not written to (not Ready)
  std::map<std::string, std::string> failures;  // cluster -> first write error
};

// [ServiceApplied, EndpointSliceDispatched], each True or False with a reason and a message
// naming the clusters.
std::vector<ExportCondition> multiClusterServiceConditions(const McsPassOutcome& outcome);

}  // namespace flotilla::mcs
