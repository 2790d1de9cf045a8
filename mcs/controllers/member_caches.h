// MemberCaches: informer caches of the MCS objects in every member cluster, which the MCS sync
// controller reads instead of calling members. For each cluster it watches ServiceExports,
// Services, EndpointSlices and ServiceImports (all namespaces) through the member client from
// controllers/membership, and reports every event as the key ("ns/service") of the
// multi-cluster service it concerns: an object labelled multicluster.kubernetes.io/service-name
// maps to that service, an EndpointSlice to its kubernetes.io/service-name, anything else to its
// own name. Caches are started when a cluster is joined (ensure) and stopped when it leaves
// (remove); a member that is down keeps its last known state while its informers retry.
// Adds and updates that are the echo of the sync's own write (ownWrites) are not reported.
// A cache is bound to the client it was built with: when the member client changes (its
// credentials Secret arrived or changed after the cache started, e.g. the Cluster event won the
// race against the Secret informer at start-up), ensure rebuilds it. Otherwise informers built
// with a credential-less client fail their TLS handshake forever, the member's exports are never
// seen, and the retry loop burns CPU.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/informer.h"
#include "controllers/membership/member_clients.h"
#include "core/status.h"
#include "mcs/controllers/own_writes.h"

namespace flotilla::mcs {

inline const client::GroupVersionResource kServiceExportsGvr{"multicluster.x-k8s.io", "v1alpha1",
                                                             "serviceexports"};
inline const client::GroupVersionResource kServiceImportsGvr{"multicluster.x-k8s.io", "v1alpha1",
                                                             "serviceimports"};
inline const client::GroupVersionResource kMultiClusterServicesGvr{
    "networking.karmada.io", "v1alpha1", "multiclusterservices"};
inline const client::GroupVersionResource kServicesGvr{"", "v1", "services"};
inline const client::GroupVersionResource kEndpointSlicesGvr{"discovery.k8s.io", "v1",
                                                             "endpointslices"};

// Slice indexes: "ns/<kubernetes.io/service-name>" and "ns/<multicluster.kubernetes.io/
// service-name>".
inline constexpr const char* kSliceServiceIndex = "mcs-slice-service";
inline constexpr const char* kSliceMcsServiceIndex = "mcs-slice-mcs-service";

struct MemberCache {
  std::string cluster;
  client::ClientPtr client;  // what the informers were built with
  std::unique_ptr<client::SharedInformerFactory> factory;
  client::InformerPtr exports, services, slices, imports;
  bool synced() const;
};
using MemberCachePtr = std::shared_ptr<const MemberCache>;

// The service key an object of a member belongs to.
std::string serviceKeyOf(const client::Object& object);

class MemberCaches {
 public:
  using OnEvent = std::function<void(const std::string& service_key)>;
  MemberCaches(controllers::MemberClientsPtr clients, OnEvent on_event,
               client::InformerOptions defaults = {});
  ~MemberCaches();

  // Starts the caches of `cluster` unless running with the cluster's current client (a changed
  // client restarts them); fails when no client can be built yet.
  core::Status ensure(const std::string& cluster);
  void remove(const std::string& cluster);
  MemberCachePtr get(const std::string& cluster) const;
  std::vector<std::string> clusters() const;
  void shutdown();
  // Writes the sync made; their echoes are not reported to on_event.
  OwnWrites& ownWrites() { return *own_writes_; }

 private:
  controllers::MemberClientsPtr clients_;
  OnEvent on_event_;
  client::InformerOptions defaults_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<MemberCache>> caches_;
  std::shared_ptr<OwnWrites> own_writes_ = std::make_shared<OwnWrites>();
};

}  // namespace flotilla::mcs
