// McsSyncController: keeps every cluster's multi-cluster-service objects true, one reconcile per
// service key "ns/name".
//
// Watches (through caches): host Clusters, ServiceImports, MultiClusterServices and Services;
// in every member (MemberCaches) ServiceExports, Services, EndpointSlices and ServiceImports.
// Writes:
//  * MCS API (KEP-1645). Exports are the members' ServiceExports whose Service exists and is not
//    ExternalName. Their conflicts are resolved oldest-first (mcs/conflicts) and every export gets
//    Valid and Conflict conditions. The host ServiceImport <ns>/<name> carries the merged type,
//    ports and status.clusters: Flotilla creates it (managed) when the user has not; a
//    user-created one (Karmada's flow) keeps its spec and gets status.clusters only. A managed
//    import is copied into every cluster; a user's import reaches clusters through policies.
//    Every cluster holding the ServiceImport is a consumer: it gets `derived-<name>` and, per
//    available exporting cluster, the `imported-<source>-<slice>` EndpointSlices of its ready
//    endpoints (mcs/endpoints).
//  * MultiClusterService (types [CrossCluster]): the host Service is copied into provider and
//    consumer clusters that lack one; each consumer gets `<provider>-<slice>` EndpointSlices under
//    the Service's own name from every available provider other than itself. The host object's
//    status gets Karmada's ServiceApplied and EndpointSliceDispatched conditions, naming the
//    clusters a write failed in.
// A source cluster whose Cluster is NotReady keeps its endpoints for `endpoint_grace`, then they
// are withdrawn everywhere until it is Ready again. Anything managed (label
// managed-by mcs.flotilla.io) that is no longer desired is deleted, so unexporting or deleting
// removes everything Flotilla created, in every reachable cluster. Clusters that are not Ready are
// not written to; they are revisited when their Cluster changes.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "client/client.h"
#include "client/indexer.h"
#include "controllers/membership/member_clients.h"
#include "core/clock.h"
#include "mcs/controllers/member_caches.h"
#include "mcs/imports/mcs_conditions.h"
#include "runtime/reconciler.h"

namespace flotilla::mcs {

struct McsHostCaches {
  const client::Indexer* clusters = nullptr;
  const client::Indexer* service_imports = nullptr;
  const client::Indexer* multi_cluster_services = nullptr;  // may be null
  const client::Indexer* services = nullptr;
};

struct McsSyncOptions {
  std::chrono::milliseconds endpoint_grace{10000};
  std::chrono::milliseconds retry_period{2000};  // when a member write failed or a cache lags
  core::ClockPtr clock;                          // default RealClock
};

class McsSyncController final : public runtime::Reconciler {
 public:
  McsSyncController(client::ClientPtr host, McsHostCaches caches,
                    std::shared_ptr<MemberCaches> members,
                    controllers::MemberClientsPtr member_clients, McsSyncOptions options);
  core::Result<runtime::ReconcileResult> reconcile(const runtime::Request& request) override;

  // Every service key that may have something to do: exports and imports in members, host MCSs
  // and imports, and keys reconciled before (so their leftovers get cleaned up).
  std::vector<std::string> knownServiceKeys() const;

 private:
  struct Plan;
  void planServiceImport(const std::string& ns, const std::string& name, Plan& plan);
  void planMultiClusterService(const std::string& ns, const std::string& name, Plan& plan);
  core::Status writeExportConditions(const std::string& ns, const std::string& name, Plan& plan);
  core::Status writeHostImport(const std::string& ns, const std::string& name, Plan& plan);
  core::Status writeMultiClusterServiceStatus(const std::string& ns, const std::string& name,
                                              const McsPassOutcome& outcome);

  client::ClientPtr host_;
  McsHostCaches caches_;
  std::shared_ptr<MemberCaches> members_;
  controllers::MemberClientsPtr member_clients_;
  McsSyncOptions options_;
  mutable std::mutex active_mu_;
  std::set<std::string> active_;
};

}  // namespace flotilla::mcs
