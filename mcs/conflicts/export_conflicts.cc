#include "mcs/conflicts/export_conflicts.h"

#include <algorithm>
#include <map>

#include "mcs/validation/validation.h"

namespace flotilla::mcs {
namespace {

const Json& field(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

std::string text(const Json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string creation(const ClusterExport& e) {
  return text(field(field(e.service_export, "metadata"), "creationTimestamp"));
}

// A port as the ServiceImport carries it (protocol defaults to TCP as in core/v1).
Json importPort(const Json& p) {
  Json out = {{"name", field(p, "name").is_string() ? p["name"] : Json("")},
              {"protocol", field(p, "protocol").is_string() ? p["protocol"] : Json("TCP")},
              {"port", field(p, "port")}};
  if (field(p, "appProtocol").is_string()) out["appProtocol"] = p["appProtocol"];
  return out;
}

// Records a disagreement with the winner on `name`, merging losers of the same field.
void disagree(std::vector<ConflictField>& out, const std::string& name, const std::string& reason,
              const std::string& winner, const std::string& winning_value,
              const std::string& loser, const std::string& value) {
  for (auto& c : out) {
    if (c.field == name) {
      c.losers.emplace_back(loser, value);
      return;
    }
  }
  out.push_back({name, reason, winner, winning_value, {{loser, value}}});
}

std::string orNone(const std::string& v) { return v.empty() ? "<none>" : v; }

}  // namespace

std::string importType(const Json& service) {
  return text(field(field(service, "spec"), "clusterIP")) == "None" ? "Headless" : "ClusterSetIP";
}

// One ExternalName rule for admission and the sync: mcs/validation decides, and its reason and
// message become the condition, so kubectl's rejection and the condition never disagree.
bool exportable(const Json& service) {
  return service.is_object() && validateExportable(service).empty();
}

ExportCondition validCondition(const Json& service) {
  if (!service.is_object()) {
    return {kValidCondition, "False", "ServiceNotFound", "Service to export does not exist"};
  }
  if (ExportBlock block = exportBlock(service); !block.reason.empty()) {
    return {kValidCondition, "False", std::move(block.reason), std::move(block.message)};
  }
  return {kValidCondition, "True", "ServiceFound", "Service found and exported"};
}

ExportResolution resolveExports(std::vector<ClusterExport> exports) {
  std::sort(exports.begin(), exports.end(), [](const ClusterExport& a, const ClusterExport& b) {
    const std::string ca = creation(a), cb = creation(b);
    if (ca != cb) return ca < cb;
    return a.cluster < b.cluster;
  });
  ExportResolution r;
  r.exports = std::move(exports);
  if (r.exports.empty()) {
    r.type = "ClusterSetIP";
    return r;
  }
  const ClusterExport& oldest = r.exports.front();
  const Json& wspec = field(oldest.service, "spec");
  r.type = importType(oldest.service);
  r.session_affinity = text(field(wspec, "sessionAffinity"));
  if (r.session_affinity == "None") r.session_affinity.clear();
  r.session_affinity_config = field(wspec, "sessionAffinityConfig");

  std::map<std::string, std::pair<Json, std::string>> by_name;  // name -> (port, cluster)
  for (const ClusterExport& e : r.exports) {
    const Json& spec = field(e.service, "spec");
    if (&e != &oldest) {
      if (importType(e.service) != r.type) {
        disagree(r.conflicts, "type", "TypeConflict", oldest.cluster, r.type, e.cluster,
                 importType(e.service));
      }
      std::string affinity = text(field(spec, "sessionAffinity"));
      if (affinity == "None") affinity.clear();
      if (affinity != r.session_affinity) {
        disagree(r.conflicts, "sessionAffinity", "SessionAffinityConflict", oldest.cluster,
                 orNone(r.session_affinity), e.cluster, orNone(affinity));
      } else if (field(spec, "sessionAffinityConfig") != r.session_affinity_config) {
        disagree(r.conflicts, "sessionAffinityConfig", "SessionAffinityConfigConflict",
                 oldest.cluster, text(r.session_affinity_config), e.cluster,
                 text(field(spec, "sessionAffinityConfig")));
      }
    }
    for (const Json& p : field(spec, "ports")) {
      Json port = importPort(p);
      const std::string name = port["name"].get<std::string>();
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        by_name.emplace(name, std::make_pair(port, e.cluster));
        r.ports.push_back(port);
        continue;
      }
      const Json& kept = it->second.first;
      for (const char* key : {"port", "protocol", "appProtocol"}) {
        if (field(kept, key) != field(port, key)) {
          disagree(r.conflicts, "ports[" + name + "]." + key, "PortConflict", it->second.second,
                   text(field(kept, key)), e.cluster, text(field(port, key)));
        }
      }
    }
  }
  return r;
}

ExportCondition conflictCondition(const ExportResolution& r) {
  if (r.conflicts.empty()) {
    return {kConflictCondition, "False", "NoConflicts", "no conflicting properties"};
  }
  std::string msg;
  for (const ConflictField& c : r.conflicts) {
    if (!msg.empty()) msg += "; ";
    msg += "conflicting " + c.field + ": " + c.winner + " has " + c.winning_value +
           " (oldest export, in use)";
    for (const auto& [cluster, value] : c.losers) msg += ", " + cluster + " has " + value;
  }
  return {kConflictCondition, "True", r.conflicts.front().reason, msg};
}

}  // namespace flotilla::mcs
