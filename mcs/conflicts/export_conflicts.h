// Conflict resolution between the clusters that export one Service (KEP-1645): the exports are
// ordered oldest first (ServiceExport creationTimestamp, ties by cluster name) and, for every
// property the clusterset service can have only once, the oldest export wins:
//  * type — ClusterSetIP vs Headless (a Service with clusterIP None);
//  * ports — the union of all ports by name; a name used with a different port, protocol or
//    appProtocol keeps the oldest definition;
//  * sessionAffinity and sessionAffinityConfig.
// Each disagreement is a ConflictField naming the field, the winning cluster and the losers.
// The same Conflict condition (reason of the first conflicting field, message listing all) goes
// on every export of the service; without disagreement the condition is False/NoConflicts.
//
// Pure: the sync controller passes the member Services and ServiceExports it has cached.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::mcs {

using Json = nlohmann::json;

// One cluster's export of the Service.
struct ClusterExport {
  std::string cluster;
  Json service_export;  // the member's ServiceExport (for creationTimestamp)
  Json service;         // the member's Service of the same name
};

struct ConflictField {
  std::string field;    // "type", "ports[http].protocol", "sessionAffinity", ...
  std::string reason;   // TypeConflict, PortConflict, SessionAffinityConflict, ...
  std::string winner;   // the oldest export's cluster
  std::string winning_value;
  std::vector<std::pair<std::string, std::string>> losers;  // (cluster, value)
};

struct ExportResolution {
  std::vector<ClusterExport> exports;  // oldest first
  std::string type;                    // ClusterSetIP | Headless
  Json ports = Json::array();          // merged: [{name, protocol, port[, appProtocol]}]
  std::string session_affinity;        // "" when none of the winners sets it
  Json session_affinity_config;        // null when absent
  std::vector<ConflictField> conflicts;
};

// "Headless" for clusterIP None, else "ClusterSetIP".
std::string importType(const Json& service);

// Resolves the exports (any order in; they are sorted here).
ExportResolution resolveExports(std::vector<ClusterExport> exports);

// The KEP condition every export gets.
struct ExportCondition {
  std::string type, status, reason, message;
};
inline constexpr const char* kConflictCondition = "Conflict";
inline constexpr const char* kValidCondition = "Valid";
ExportCondition conflictCondition(const ExportResolution& resolution);

// Valid=True/ServiceFound, or False with ServiceNotFound / the reason of mcs/validation's
// exportBlock (ExternalNameNotSupported: ExternalName Services cannot be exported). `service` is
// null when the Service does not exist. exportable() is validateExportable() on an existing one.
ExportCondition validCondition(const Json& service);
bool exportable(const Json& service);

}  // namespace flotilla::mcs
