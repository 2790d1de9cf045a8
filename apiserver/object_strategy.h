// Object strategy: the metadata rules kube-apiserver applies to every write, independent of
// storage — server-assigned fields on create (uid, creationTimestamp, generation, namespace
// defaults), what an update may not change, spec-generation bumps, status-subresource isolation,
// and namespace/CRD-specific defaults. Pure functions on JSON objects.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "apiserver/resource_registry.h"
#include "core/status.h"

namespace flotilla::apiserver {

using Json = nlohmann::json;

// Fills apiVersion/kind from the endpoint when missing; rejects a mismatching kind or a body
// namespace that differs from the URL's. Clears namespace for cluster-scoped kinds.
core::Status checkTypeAndNamespace(const ServedResource& r, const std::string& url_namespace,
                                   Json& obj);

// Server-assigned metadata for a new object. `name` is already resolved (generateName done).
void prepareForCreate(const ServedResource& r, Json& obj,
                      std::chrono::system_clock::time_point now, const std::string& uid);

// Carries immutable and server-owned metadata from `old` into `updated` and applies the
// generation rule. `subresource` is "" for the main resource, "status" for /status writes (only
// .status changes) and anything else for other subresources.
void prepareForUpdate(const ServedResource& r, const Json& old, Json& updated,
                      const std::string& subresource);

// True when the two objects differ only in fields a write does not own (resourceVersion,
// managedFields timestamps): a no-op write keeps the stored object as it is.
bool sameObject(const Json& a, const Json& b);

// metadata.* helpers
std::string objectName(const Json& obj);
std::string objectNamespace(const Json& obj);
std::string objectUid(const Json& obj);
bool hasDeletionTimestamp(const Json& obj);
bool hasFinalizers(const Json& obj);

// A random RFC 4122 version-4 UUID.
std::string newUuid();
// generateName + 5 random characters from Kubernetes' alphabet, prefix trimmed to fit 63.
std::string generateNameFrom(const std::string& prefix);
// core::formatRfc3339(t) (whole seconds), remembered per thread for the last second asked:
// every write stamps the current second (managedFields time, creationTimestamp), and
// formatRfc3339's gmtime_r takes glibc's timezone lock each time.
std::string timestampText(std::chrono::system_clock::time_point t);

}  // namespace flotilla::apiserver
