// Defaults that the built-in types declare with `+default` markers (container and Service port
// protocol TCP, RBD pool, AzureDisk caching mode, ...), applied the way the generated Go defaulters
// do: only to fields that are absent, at every depth, including list items and map values.
//
// This covers the declarative defaults only; the hand-written SetDefaults_* functions of
// Kubernetes (Deployment strategy, Pod restartPolicy, ...) are not data: see
// workload_defaults.h. Admission applies both to every write of a built-in kind.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "apimachinery/builtin_schema.h"

namespace flotilla::apimachinery {

// Fills absent fields that carry a +default marker. A default equal to the Go zero value of a
// non-pointer field is skipped, since Go would not write it either.
void applyMarkerDefaults(nlohmann::json& obj, const TypeInfo& type);

}  // namespace flotilla::apimachinery
