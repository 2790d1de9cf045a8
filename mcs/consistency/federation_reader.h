// FederationReader: one consistent-enough read of the federation for the MCS checks — the host's
// Clusters, ServiceImports and MultiClusterServices, and from every member (through the member
// clients built from each Cluster's endpoint and credentials) its ServiceExports, Services,
// ServiceImports and EndpointSlices. It LISTs directly instead of reading the sync controller's
// informer caches on purpose: the consistency check must see what the members really hold.
// A member that cannot be read is reported (reachable=false, error) rather than failing the read;
// a member without the MCS CRDs simply has no exports or imports.
#pragma once

#include <string>

#include "client/client.h"
#include "controllers/membership/member_clients.h"
#include "core/status.h"
#include "mcs/consistency/federation_state.h"

namespace flotilla::mcs {

struct ReadOptions {
  std::string namespace_name;  // "" = all namespaces
};

// Fails only when the host cannot be read.
core::Result<FederationState> readFederation(client::Client& host,
                                             controllers::MemberClients& members,
                                             const ReadOptions& options = {});

}  // namespace flotilla::mcs
