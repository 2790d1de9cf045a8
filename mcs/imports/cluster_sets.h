// Which clusters take part in a multi-cluster service, and whether a source cluster's endpoints
// still count.
//  * A source cluster whose Cluster object is not Ready keeps its endpoints in consumers for a
//    grace period after the Ready condition's lastTransitionTime (a brief probe failure must not
//    empty every consumer); after that they are withdrawn until it is Ready again.
//  * A MultiClusterService with types [CrossCluster] names provider and consumer clusters; an
//    empty list means every cluster (karmada.md §1.6).
//
// Pure: the controller passes Cluster objects and the time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::mcs {

using Json = nlohmann::json;

struct SourceAvailability {
  bool available = true;
  // When available only thanks to the grace: how long until it runs out.
  std::optional<std::chrono::milliseconds> recheck_after;
};

// `cluster` is the host's Cluster object (null when the cluster was removed: unavailable).
SourceAvailability sourceAvailability(const Json& cluster,
                                      std::chrono::system_clock::time_point now,
                                      std::chrono::milliseconds grace);

// True when the Cluster's Ready condition is True.
bool clusterReady(const Json& cluster);

// True when spec.types contains CrossCluster.
bool crossCluster(const Json& multi_cluster_service);
// Providers / consumers of a MultiClusterService among `all_clusters` (sorted result): the
// named ones (spec.providerClusters / spec.consumerClusters, else the deprecated
// serviceProvisionClusters / serviceConsumptionClusters), or all when none are named.
std::vector<std::string> mcsProviders(const Json& multi_cluster_service,
                                      const std::vector<std::string>& all_clusters);
std::vector<std::string> mcsConsumers(const Json& multi_cluster_service,
                                      const std::vector<std::string>& all_clusters);

}  // namespace flotilla::mcs
