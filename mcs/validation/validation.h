// MCS validation: the rules ServiceExport, ServiceImport (multicluster.x-k8s.io/v1alpha1) and
// MultiClusterService (networking.karmada.io/v1alpha1) must satisfy, one function per kind
// (karmada.md §1.6, §1.7, §2g). Each returns every violation as a core::Cause with its full field
// path, so the host API server can answer 422 with all causes (apiserver/mcs_admission.cc) and the
// sync controllers can explain in a condition why a Service is not exported.
//
// Pure: whatever lives elsewhere (the Clusters the host knows, the same-named Service) is passed
// in through McsContext; the functions never fetch anything.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace flotilla::mcs {

using Json = nlohmann::json;
using Causes = std::vector<core::Cause>;

struct McsContext {
  // Names of the Clusters the host knows; nullopt when they cannot be checked (the Cluster kind
  // is not served, or no Cluster exists yet, as in a member cluster).
  std::optional<std::set<std::string>> known_clusters;
  // The same-named Service in the object's namespace, where the object is being created; null
  // when it does not exist there (it may exist in the member clusters only).
  const Json* service = nullptr;
  // The CRD structural schema already reported missing required fields, wrong types and values
  // outside its enums; skip those checks so each problem is reported once.
  bool schema_checked = false;
};

Causes validateServiceExport(const Json& export_obj, const McsContext& context = {});
Causes validateServiceImport(const Json& import_obj, const McsContext& context = {});
Causes validateMultiClusterService(const Json& mcs, const McsContext& context = {});

// Why `service` cannot be exported to the cluster set (empty = it can): an ExternalName Service
// has no endpoints to export. Paths are relative to the Service (spec.type). The sync
// controllers call this in members and report the first cause as the ServiceExport's
// `Valid=False` condition.
Causes validateExportable(const Json& service);

// Reason and message for a ServiceExport condition from validateExportable's causes
// ("" reason when exportable).
struct ExportBlock {
  std::string reason;   // e.g. "ExternalNameNotSupported"
  std::string message;  // human text naming the Service
};
ExportBlock exportBlock(const Json& service);

// Field-value rules shared with the status command and tests.
bool isDns1123Label(const std::string& s);  // cluster names, port names
bool isDns1035Label(const std::string& s);  // Service names
bool isValidIp(const std::string& s);

}  // namespace flotilla::mcs
