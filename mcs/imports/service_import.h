// The objects a multi-cluster service puts into clusters, derived from the resolved exports
// (mcs/conflicts): the ServiceImport (multicluster.x-k8s.io/v1alpha1: type, merged ports,
// session affinity of the oldest export; status.clusters = the exporting clusters), the
// `derived-<name>` Service consumers' proxies use for it (karmada.md §2g: ClusterIP, ports copied
// from the ServiceImport, no selector; Headless imports get clusterIP None), and the consumer
// copy of a MultiClusterService's Service. Every object carries
// `app.kubernetes.io/managed-by: mcs.flotilla.io` and `multicluster.kubernetes.io/service-name`
// so cleanup finds it by label.
//
// Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcs/conflicts/export_conflicts.h"

namespace flotilla::mcs {

// {type, ports[, sessionAffinity, sessionAffinityConfig]}.
Json serviceImportSpec(const ExportResolution& resolution);
// {clusters: [{cluster}...]} sorted by cluster name.
Json serviceImportStatus(const std::vector<std::string>& clusters);

// A complete ServiceImport that Flotilla owns (host or consumer copy); a null status is left out.
Json managedServiceImport(const std::string& ns, const std::string& name, const Json& spec,
                          const Json& status);

// The `derived-<name>` Service for a ServiceImport spec.
Json derivedService(const std::string& ns, const std::string& name, const Json& import_spec);

// The import spec a consumer's ServiceImport copy carries: `import_spec` with `ips` set to the
// cluster IPs of the consumer's `derived-<name>` Service when the import is ClusterSetIP (the
// clusterset VIP as seen in that cluster, like GKE's MCS; the KEP leaves the allocation to the
// implementation). Headless imports and derived Services without an allocated IP yet get no ips.
Json consumerImportSpec(const Json& import_spec, const Json& derived_service);

// The status of `derived-<name>` when the ServiceImport carries ips of its own (Karmada's flow:
// the user's ServiceImport): loadBalancer.ingress = spec.ips. Null when there are none.
Json derivedServiceStatus(const Json& import_spec);

// The consumer copy of a MultiClusterService's Service (host template): the spec without
// cluster-allocated fields (clusterIP(s), nodePorts, healthCheckNodePort), managed labels.
Json consumerServiceCopy(const Json& host_service);

// The labels every managed non-slice object carries.
Json managedObjectLabels(const std::string& service);
bool isManagedObject(const Json& object);

}  // namespace flotilla::mcs
