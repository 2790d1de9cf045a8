// Comparing two versions of one object without building trees. Controllers that only care about
// an object's spec and metadata use sameExceptStatus to skip the flood of status-only updates
// (member status reflected into Works, Cluster probes) that would otherwise re-run them.
#pragma once

#include "client/object.h"

namespace flotilla::client {

// True when `a` and `b` differ at most in `status`, metadata.resourceVersion,
// metadata.managedFields and metadata.generation (byte-wise comparison of every other top-level
// and metadata member, in order). Conservative: any other difference, including a different
// member order, counts as a change.
bool sameExceptStatus(const Object& a, const Object& b);

}  // namespace flotilla::client
