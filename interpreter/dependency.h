// Dependency interpretation (karmada.md §2f, propagateDeps): the objects a template needs in
// the same member clusters — ConfigMaps, Secrets (volumes, env, envFrom, imagePullSecrets),
// the ServiceAccount (except `default`) and PVCs referenced by pod specs of workloads, TLS
// Secrets of Ingresses, and for a ServiceImport the derived Service plus its EndpointSlices.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/codec.h"
#include "core/status.h"

namespace flotilla::interpreter {

struct DependentObject {
  std::string api_version, kind, namespace_, name;
  std::optional<api::Json> label_selector;  // EndpointSlices of a ServiceImport
  api::Json toJson() const;
  bool operator==(const DependentObject& o) const;
};

// Deduplicated, grouped by kind (ConfigMap, Secret, ServiceAccount, PVC) and sorted by name.
core::Result<std::vector<DependentObject>> interpretDependency(const api::Json& object);

}  // namespace flotilla::interpreter
