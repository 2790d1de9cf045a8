// Whether a member object Flotilla manages already says what the desired object says. The API
// server and the member's controllers add fields (clusterIP, defaults, metadata), so the test is
// "desired is contained in actual": every key of a desired object must be in the actual one with
// a contained value, arrays must have the same length and contained elements, scalars must be
// equal. Only the parts Flotilla owns are compared (labels, annotations, spec, and for
// EndpointSlices addressType/endpoints/ports); status is compared separately by the caller.
//
// Pure: no I/O.
#pragma once

#include <nlohmann/json.hpp>

namespace flotilla::mcs {

using Json = nlohmann::json;

bool jsonContains(const Json& actual, const Json& desired);

// True when `actual` (null = missing) must be written to become `desired`.
bool needsWrite(const Json& desired, const Json& actual);

// The object to PUT: `actual` with the owned parts replaced by `desired` (labels and
// annotations merged, so other writers' keys survive), resourceVersion kept.
Json mergeForUpdate(const Json& desired, const Json& actual);

}  // namespace flotilla::mcs
