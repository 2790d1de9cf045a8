// Discovery documents built from the ResourceRegistry: /api, /api/v1, /apis, /apis/<g>,
// /apis/<g>/<v> in their legacy forms, and the aggregated apidiscovery.k8s.io/v2 (and v2beta1)
// lists kubectl 1.32 asks for first (kube-api.md §2).
#pragma once

#include <string>

#include "apiserver/http_types.h"
#include "apiserver/resource_registry.h"

namespace flotilla::apiserver {

struct DiscoveryOptions {
  std::string server_address;  // host:port for serverAddressByClientCIDRs
};

// Answers a discovery path, or returns false when `path` is not a discovery path or names an
// unknown group/version (the caller answers 404).
bool serveDiscovery(const ResourceRegistry& registry, const DiscoveryOptions& options,
                    const HttpRequest& req, HttpResponse* out);

}  // namespace flotilla::apiserver
