// Retain (karmada.md §2f, §1.5): before Flotilla updates an object in a member cluster, fields
// that the member owns are copied from the observed member object into the desired manifest, so
// an update never fights the member's controllers: resourceVersion, finalizers, owner
// references, labels/annotations added in the member, and per kind: Service clusterIP(s),
// nodePorts and healthCheckNodePort; ServiceAccount secrets; PVC volumeName; PV claimRef; Pod
// nodeName and service-account token volumes; Job selector and template labels; the data of
// service-account-token Secrets.
#pragma once

#include "api/codec.h"
#include "core/status.h"

namespace flotilla::interpreter {

inline constexpr const char* kManagedLabelsAnnotation =
    "resourcetemplate.karmada.io/managed-labels";
inline constexpr const char* kManagedAnnotationsAnnotation =
    "resourcetemplate.karmada.io/managed-annotations";

core::Result<api::Json> retain(const api::Json& desired, const api::Json& observed);

}  // namespace flotilla::interpreter
