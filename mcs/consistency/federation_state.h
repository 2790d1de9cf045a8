// FederationState: one read of everything the MCS checks look at — the host's Clusters,
// ServiceImports, MultiClusterServices and Services, and per member cluster its ServiceExports,
// Services, ServiceImports and EndpointSlices. The consistency controller and `flotilla mcs
// status` fill it (mcs/consistency/federation_reader.h) and hand it to the pure service views.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::mcs {

using Json = nlohmann::json;

struct MemberState {
  std::string name;
  Json cluster;  // the host's Cluster object
  // False when the member could not be read; `error` says why and the lists are empty.
  bool reachable = true;
  std::string error;
  std::vector<Json> service_exports, services, service_imports, endpoint_slices;
};

struct FederationState {
  // Host objects. ServiceExports on the host exist in Karmada's flow (propagated by a policy).
  std::vector<Json> service_imports, multi_cluster_services, services, service_exports;
  std::vector<MemberState> members;                                     // sorted by name
};

}  // namespace flotilla::mcs
