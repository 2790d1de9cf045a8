// The wire form of a Plan, as `flotilla plan -o json|yaml` prints it:
// {"kind":"Plan","placements":[...],"errors":[...]}. Money is printed as decimal strings with six
// fractional digits ("0.120000") so the output is byte-stable across platforms.
#pragma once

#include "api/codec.h"
#include "planner/planner.h"

namespace flotilla::planner {

api::Json planToJson(const Plan& plan, bool explain);
// One element of "placements" / "errors", for callers that stream.
api::Json placementToJson(const Placement& placement, bool explain);
api::Json errorToJson(const PlanError& error);
// Placement "moves" (plan --live-kubeconfig): {"bound", "added", "removed", "changed", "cost"}.
api::Json movesToJson(const Moves& moves, bool workload);

}  // namespace flotilla::planner
