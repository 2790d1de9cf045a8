// Field-manager bookkeeping for the API server's writes: every create/update/patch records which
// manager changed which fields (managedFields, operation Update), and server-side apply merges an
// applied configuration with conflict detection (apimachinery/managed_fields.h does the work).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/resource_registry.h"
#include "core/status.h"

namespace flotilla::apiserver {

using Json = nlohmann::json;

// `unchanged_members`: top-level members left out of both objects as equal (see
// apimachinery::recordUpdateOwnership).
void recordManagedUpdate(const ServedResource& r, const Json* old, Json& obj,
                         const std::string& manager, const std::string& subresource,
                         std::chrono::system_clock::time_point now,
                         const std::vector<std::string>& unchanged_members = {});
core::Result<Json> applyToNew(const ServedResource& r, const Json& applied,
                              const std::string& manager, std::chrono::system_clock::time_point now);
core::Result<Json> applyToExisting(const ServedResource& r, const Json& live, const Json& applied,
                                   const std::string& manager, bool force,
                                   const std::string& subresource,
                                   std::chrono::system_clock::time_point now);

}  // namespace flotilla::apiserver
