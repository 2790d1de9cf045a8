// CustomResourceDefinition support: validating CRD objects, turning an established CRD into the
// served resources it defines (one per served version, with its structural schema), the status a
// CRD gets once accepted, and the admission steps for custom resources (prune, default,
// validate against the structural schema).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/resource_registry.h"
#include "core/status.h"

namespace flotilla::apiserver {

using Json = nlohmann::json;

// Validation of a CRD object (name = plural.group, scope, names, versions, structural schemas).
// Also fills defaults (singular, listKind) in place.
std::vector<core::Cause> validateCrdObject(Json& crd);
// The served resources of a CRD, one per served version.
std::vector<ServedResourcePtr> servedResourcesFromCrd(const Json& crd);
// The status an accepted CRD carries (NamesAccepted and Established conditions, acceptedNames,
// storedVersions), keeping transition times that did not change.
Json establishedCrdStatus(const Json& crd, std::chrono::system_clock::time_point now);

// Admission for custom resources. prune returns the paths it dropped.
std::vector<std::string> pruneCustomResource(const ServedResource& r, Json& obj);
void defaultCustomResource(const ServedResource& r, Json& obj);
std::vector<core::Cause> validateCustomResource(const ServedResource& r, const Json& obj);

}  // namespace flotilla::apiserver
