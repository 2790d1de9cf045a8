// Status reflection (karmada.md §2f): which part of a member object's status is collected into
// work.status.manifestStatuses and later aggregated. Workloads also report their member
// `generation` and the `resourceTemplateGeneration` read from the member's
// resourcetemplate.karmada.io/generation annotation, which aggregation needs to compute
// observedGeneration.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/codec.h"
#include "core/status.h"

namespace flotilla::interpreter {

inline constexpr const char* kResourceTemplateGenerationAnnotation =
    "resourcetemplate.karmada.io/generation";

// The collected status; null when the object has no status (nothing collected).
core::Result<api::Json> reflectStatus(const api::Json& observed);

// The status members that reflectStatus and interpretHealth read for objects of `kind`; nullptr
// when they may read any (the whole status is reflected). Lets a caller that builds the observed
// object from text leave the rest of the status (conditions, messages) unparsed.
const std::vector<std::string>* statusFieldsRead(std::string_view kind);

}  // namespace flotilla::interpreter
