// What a consumer cluster should hold for one source cluster of one multi-cluster service: the
// desired EndpointSlices, derived from the source cluster's own EndpointSlices of the Service.
//
// Two modes, matching the two mechanisms of karmada.md §2g:
//  * ServiceImport (MCS API, KEP-1645): slices `imported-<source>-<slice>` labelled
//    `kubernetes.io/service-name: derived-<svc>` (so the derived Service's proxy picks them up),
//    written into every consumer of the ServiceImport, the exporting clusters included;
//  * MultiClusterService (networking.karmada.io, CrossCluster): slices `<source>-<slice>`
//    labelled `kubernetes.io/service-name: <svc>` (the native name), written into consumers other
//    than the source, annotated `endpointslice.karmada.io/provision-cluster`.
// Both carry `multicluster.kubernetes.io/service-name: <svc>`,
// `multicluster.kubernetes.io/source-cluster: <source>` and
// `endpointslice.kubernetes.io/managed-by: mcs.flotilla.io`; that triple is the stable identity
// of Flotilla-created slices (managedSliceSelector). Only ready endpoints are carried (a missing
// `conditions.ready` counts as ready, as in discovery/v1); cluster-local fields (nodeName,
// targetRef) are dropped. One consumer slice per source slice, so a source slice whose endpoints
// are all unready yields an empty slice rather than churn.
//
// Pure: no I/O. The sync controllers and the consistency checker (mcs/consistency) both call it,
// so they can never disagree about what a consumer should hold.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::mcs {

using Json = nlohmann::json;

enum class ImportMode { ServiceImport, MultiClusterService };

// The multi-cluster service a consumer imports.
struct ImportTarget {
  std::string namespace_name;
  std::string service;  // the exported Service (= ServiceImport = MultiClusterService name)
  ImportMode mode = ImportMode::ServiceImport;
};

// The Service the consumer slices belong to: `derived-<svc>` or `<svc>`.
std::string consumerServiceName(const ImportTarget& target);
// `imported-<source>-<slice>` or `<source>-<slice>`.
std::string consumerSliceName(const ImportTarget& target, const std::string& source_cluster,
                              const std::string& source_slice_name);

// True for a slice that belongs to the Service `service` in its own cluster and was not written
// by Flotilla (the slices to collect from a source cluster).
bool isSourceSlice(const Json& slice, const std::string& service);
// True for a slice written by Flotilla's MCS sync (endpointslice.kubernetes.io/managed-by).
bool isManagedSlice(const Json& slice);
// The labels that select every slice Flotilla wrote for (target, source_cluster); an empty
// source_cluster selects every source.
std::map<std::string, std::string> managedSliceSelector(const ImportTarget& target,
                                                        const std::string& source_cluster);

// A source endpoint counts when it is ready (conditions.ready true or absent).
bool endpointReady(const Json& endpoint);

// The consumer slices for one source cluster, sorted by name. `source_slices` may contain any
// slices of the namespace: those that are not source slices of target.service are ignored.
// Each result is a complete discovery.k8s.io/v1 EndpointSlice (apiVersion, kind, metadata with
// name, namespace, labels[, annotations]; addressType, endpoints, ports).
std::vector<Json> desiredConsumerSlices(const ImportTarget& target,
                                        const std::string& source_cluster,
                                        const std::vector<Json>& source_slices);

// The ready addresses of a slice set, sorted and de-duplicated (handy to compare a consumer's
// slices for one source with that source's ready endpoints).
std::vector<std::string> readyAddresses(const std::vector<Json>& slices);

}  // namespace flotilla::mcs
