#include "mcs/imports/mcs_conditions.h"

namespace flotilla::mcs {
namespace {

// "m1: timeout; m3: forbidden" over the clusters of `among` that failed.
std::string failureText(const McsPassOutcome& o, const std::set<std::string>& among) {
  std::string out;
  for (const auto& [cluster, error] : o.failures) {
    if (!among.count(cluster)) continue;
    if (!out.empty()) out += "; ";
    out += cluster + ": " + error;
  }
  return out;
}

std::string joined(const std::set<std::string>& clusters, const std::set<std::string>& among) {
  std::string out;
  for (const auto& c : clusters) {
    if (!among.count(c)) continue;
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

}  // namespace

std::vector<ExportCondition> multiClusterServiceConditions(const McsPassOutcome& o) {
  ExportCondition applied{kServiceAppliedCondition, "True", "ServiceAppliedSucceed",
                          "Service is propagated to target clusters."};
  if (!o.host_service_found) {
    applied = {kServiceAppliedCondition, "False", "ServiceAppliedFailed",
               "the Service of the same name does not exist on the host"};
  } else if (const std::string f = failureText(o, o.involved); !f.empty()) {
    applied = {kServiceAppliedCondition, "False", "ServiceAppliedFailed", f};
  } else if (const std::string u = joined(o.unreachable, o.involved); !u.empty()) {
    applied.message += " Not reachable, updated when Ready again: " + u + ".";
  }

  ExportCondition dispatched{kEndpointSliceDispatchedCondition, "True",
                             "EndpointSliceDispatchedSucceed",
                             "EndpointSlices are dispatched to consumer clusters."};
  if (const std::string f = failureText(o, o.consumers); !f.empty()) {
    dispatched = {kEndpointSliceDispatchedCondition, "False", "EndpointSliceDispatchedFailed", f};
  } else if (const std::string u = joined(o.unreachable, o.consumers); !u.empty()) {
    dispatched.message += " Not reachable, updated when Ready again: " + u + ".";
  }
  return {applied, dispatched};
}

}  // namespace flotilla::mcs
