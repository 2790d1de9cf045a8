// Wires the MCS sync into a controller manager: host informers (Clusters, ServiceImports,
// MultiClusterServices, Services), the member caches (started per joined Cluster, stopped when it
// leaves) and the McsSyncController keyed by service, fed by host and member events. Cluster
// changes revisit every known service (a source may have become (un)available). The caller (the
// composition root) supplies the member clients and keeps the returned handle alive while the
// manager runs.
#pragma once

#include <chrono>
#include <memory>

#include "client/client.h"
#include "controllers/membership/member_clients.h"
#include "runtime/manager.h"

namespace flotilla::mcs {

struct McsWiringOptions {
  std::chrono::milliseconds endpoint_grace{10000};
  int workers = 4;
  bool serve_multi_cluster_services = true;  // the host serves networking.karmada.io MCSs
};

class MemberCaches;
struct McsHandle {
  std::shared_ptr<MemberCaches> members;
  ~McsHandle();
};

std::unique_ptr<McsHandle> addMcsControllers(runtime::Manager& manager, client::ClientPtr host,
                                             controllers::MemberClientsPtr member_clients,
                                             const McsWiringOptions& options);

}  // namespace flotilla::mcs
