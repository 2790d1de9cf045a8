// OverridePolicies / ClusterOverridePolicies from an informer cache, decoded and defaulted for
// policies::applyOverridePolicies. Objects that do not decode are skipped (admission rejects
// them; an old stored object must not stop every other override).
#pragma once

#include <vector>

#include "api/policy_types.h"
#include "client/object.h"

namespace flotilla::controllers {

std::vector<api::OverridePolicy> decodeOverridePolicies(const std::vector<client::ObjectPtr>& objs);

}  // namespace flotilla::controllers
