// The wire names of Flotilla's multi-cluster services: the labels and annotations that identify
// the objects Flotilla writes into member clusters (EndpointSlices, derived Services, distributed
// ServiceImports), and the names it gives them. Everything Flotilla creates for MCS carries
// `endpointslice.kubernetes.io/managed-by: mcs.flotilla.io` (slices) or
// `app.kubernetes.io/managed-by: mcs.flotilla.io` (other kinds), plus the
// `multicluster.kubernetes.io/service-name` label naming the service it serves, so cleanup and the
// consistency checker can find every such object with a label selector.
#pragma once

namespace flotilla::mcs {

// KEP-1645 labels on imported EndpointSlices.
inline constexpr const char* kMcsServiceNameLabel = "multicluster.kubernetes.io/service-name";
inline constexpr const char* kSourceClusterLabel = "multicluster.kubernetes.io/source-cluster";
// Kubernetes' own EndpointSlice labels.
inline constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";
inline constexpr const char* kSliceManagedByLabel = "endpointslice.kubernetes.io/managed-by";
// The managed-by value on every object Flotilla's MCS sync writes (a label value: no '/', so not
// "flotilla.io/mcs").
inline constexpr const char* kManagedByValue = "mcs.flotilla.io";
// On non-slice objects (ServiceImport copies, derived Services, MCS Service copies).
inline constexpr const char* kObjectManagedByLabel = "app.kubernetes.io/managed-by";
// Karmada's annotation naming the cluster a dispatched slice came from (karmada.md §2g).
inline constexpr const char* kProvisionClusterAnnotation =
    "endpointslice.karmada.io/provision-cluster";
// Karmada's derived Service prefix and imported slice prefix (karmada.md §2i).
inline constexpr const char* kDerivedServicePrefix = "derived-";
inline constexpr const char* kImportedSlicePrefix = "imported-";

}  // namespace flotilla::mcs
