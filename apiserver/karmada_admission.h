// Karmada admission: the validating-webhook rules of Karmada (implemented once in api/validation)
// applied by the host API server on every write of PropagationPolicy, ClusterPropagationPolicy,
// OverridePolicy, ClusterOverridePolicy, ClusterTaintPolicy, Cluster and Flotilla's PriceBook, so
// invalid policies are rejected with 422 and field causes instead of confusing the controllers.
#pragma once

#include "apiserver/admission.h"

namespace flotilla::apiserver {

void registerKarmadaValidators(Admission& admission);

}  // namespace flotilla::apiserver
