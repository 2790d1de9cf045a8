// The text and JSON forms of ServiceViews that `flotilla mcs status` prints: per service its
// mode, providers, consumers, ready endpoints per cluster (providers: in their own slices;
// consumers: held / expected), export conflicts, drift and the consumers that could not be
// checked. Pure.
#pragma once

#include <string>
#include <vector>

#include "mcs/consistency/service_view.h"

namespace flotilla::mcs {

// A table of all services, then one detail block per service with conflicts, drift or unchecked
// consumers.
std::string renderStatusTable(const std::vector<ServiceView>& views);
Json statusJson(const std::vector<ServiceView>& views);
const char* modeName(ImportMode mode);  // "ServiceImport" | "MultiClusterService"

}  // namespace flotilla::mcs
