// Status reflection (karmada.md §2f): which part of a member object's status is collected into
// work.status.manifestStatuses and later aggregated. Workloads also report their member
// `generation` and the `resourceTemplateGeneration` read from the member's
// resourcetemplate.karmada.io/generation annotation, which aggregation needs to compute
// observedGeneration.
#pragma once

#include "api/codec.h"
#include "core/status.h"

namespace flotilla::interpreter {

inline constexpr const char* kResourceTemplateGenerationAnnotation =
    "resourcetemplate.karmada.io/generation";

// The collected status; null when the object has no status (nothing collected).
core::Result<api::Json> reflectStatus(const api::Json& observed);

}  // namespace flotilla::interpreter
