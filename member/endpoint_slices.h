// What the EndpointSlice of a Service should hold (discovery.k8s.io/v1, karmada.md §2g): one
// endpoint per selected pod that has an IP and has not finished, with ready/serving/terminating
// conditions, nodeName, zone and a targetRef; ports are the Service's target ports, a named
// target port resolved through the pods' container ports. Pure: the simulator passes the
// Service, the pods its selector matches and the nodes' zones, and writes the result.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::member {

using Json = nlohmann::json;

inline constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";
inline constexpr const char* kManagedByLabel = "endpointslice.kubernetes.io/managed-by";
inline constexpr const char* kEndpointSliceController = "endpointslice-controller.k8s.io";

// True when the Service's spec.selector (a non-empty map) selects the pod's labels.
bool serviceSelects(const Json& service, const Json& pod);

// {addressType, endpoints, ports} for the Service; endpoints sorted by pod name. `node_zones`
// maps node name -> topology.kubernetes.io/zone.
Json endpointSliceContent(const Json& service, const std::vector<Json>& pods,
                          const std::map<std::string, std::string>& node_zones);

}  // namespace flotilla::member
