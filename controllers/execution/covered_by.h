// coveredBy: whether writing `desired` to a member would change nothing Flotilla owns in `live`.
// A member API server fills defaults (spec.revisionHistoryLimit, a container's
// imagePullPolicy) and member controllers add their own bookkeeping (the Deployment's
// revision annotation, a bumped generation) after our create; a PUT of the desired object then
// changes nothing but costs a member write and a new resourceVersion per object. Every value
// in `desired` must be present and equal in `live`, objects compared member by member (extra
// members in `live` are the member's own), arrays element by element with equal lengths (an
// element added or removed on either side is a change), and a null in `desired` matches a
// missing member. Pure; the caller strips `status` first.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace flotilla::controllers {

bool coveredBy(const nlohmann::json& desired, const nlohmann::json& live);

// coveredBy on JSON text, without trees, ignoring the top-level `status` of `desired`. True only
// when coveredBy holds with values compared as text (so also for the interpreter's retained
// object, which adds only values copied from `live`); false when it does not hold or when the
// text cannot tell (1 against 1.0, keys escaped differently): the caller then decides on trees.
// A member's controllers move their own fields (a revision annotation, status) many times per
// object; this answers those moves for the price of a scan.
bool coveredByText(std::string_view desired, std::string_view live);

}  // namespace flotilla::controllers
