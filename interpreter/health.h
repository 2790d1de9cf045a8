// Health interpretation (karmada.md §2f): a member object's health for
// aggregatedStatus[].health and application failover. Kinds without a native health hook
// (Job, CronJob, ConfigMap, ...) are Healthy; a malformed object is Unknown.
#pragma once

#include <string>

#include "api/codec.h"

namespace flotilla::interpreter {

// "Healthy", "Unhealthy" or "Unknown" (api::kHealth*).
std::string interpretHealth(const api::Json& observed);

}  // namespace flotilla::interpreter
