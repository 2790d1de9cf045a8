// MCS admission: the host API server validates ServiceExport, ServiceImport
// (multicluster.x-k8s.io) and MultiClusterService (networking.karmada.io) writes with the pure
// rules of mcs/validation, answering 422 with field causes. What the rules need from the store is
// looked up here: the same-named Service in the object's namespace (an ExternalName Service cannot
// be exported; MCS ports must be Service ports) and the registered Clusters (provider and consumer
// names must be known; skipped when the Cluster kind is not served or no Cluster exists, as in a
// member cluster). Updates that leave the spec unchanged (status writes of the sync controllers)
// are not re-validated, so a later change elsewhere cannot wedge a controller's status update.
#pragma once

#include "apiserver/admission.h"

namespace flotilla::apiserver {

class ObjectStore;

void registerMcsValidators(Admission& admission, ObjectStore& store,
                           const ResourceRegistry& registry);

}  // namespace flotilla::apiserver
