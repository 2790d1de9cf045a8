// metav1.LabelSelector matching for policy logic ({matchLabels, matchExpressions} against a
// label map), on top of apimachinery::LabelSelector: {} or absent selects everything, an invalid
// selector (In/NotIn without values, Exists with values, unknown operator) is an error, which
// policy matching treats as "no match".
#pragma once

#include "api/meta.h"
#include "core/status.h"

namespace flotilla::policies {

core::Result<bool> labelSelectorMatches(const api::Json& selector, const api::StringMap& labels);

// Labels of an unstructured object (metadata.labels), empty when absent or malformed.
api::StringMap objectLabels(const api::Json& object);

}  // namespace flotilla::policies
