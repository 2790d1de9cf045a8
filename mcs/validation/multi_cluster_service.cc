// MultiClusterService (networking.karmada.io/v1alpha1, karmada.md §1.6): named after the Service
// it governs; Flotilla implements only `types: [CrossCluster]`; ports are a subset of the
// Service's (when the Service is visible); provider and consumer clusters — including the
// deprecated spellings — are DNS-1123 labels without duplicates that name registered Clusters.
#include <set>

#include "mcs/validation/causes.h"

namespace flotilla::mcs {

using namespace detail;  // NOLINT: the cause builders read better unqualified

namespace {

void clusterObjects(Causes& out, const Json& list, const std::string& path,
                    const McsContext& context) {
  if (!list.is_array()) return;  // absent = all clusters; wrong types are the schema's
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "].name";
    const std::string name = text(list[i], "name");
    // A missing or non-string name is the schema's to report.
    if (context.schema_checked && !member(list[i], "name").is_string()) continue;
    clusterName(out, name, p, context);
    if (!name.empty() && !seen.insert(name).second) duplicate(out, p, name);
  }
}

void clusterStrings(Causes& out, const Json& list, const std::string& path,
                    const McsContext& context) {
  if (!list.is_array()) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    const std::string name = list[i].is_string() ? list[i].get<std::string>() : "";
    clusterName(out, name, p, context);
    if (!name.empty() && !seen.insert(name).second) duplicate(out, p, name);
  }
}

void types(Causes& out, const Json& spec, bool schema_checked) {
  const Json& list = member(spec, "types");
  if (!list.is_array() || list.empty()) {
    if (!schema_checked || (list.is_array() && list.empty())) {
      required(out, "spec.types");
      out.back().message = "Required value: at least one exposure type (CrossCluster)";
    }
    return;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = "spec.types[" + std::to_string(i) + "]";
    const std::string t = show(list[i]);
    if (t == "LoadBalancer") {
      notSupported(out, path, t, {"CrossCluster"});
      out.back().message += " (Flotilla does not implement LoadBalancer exposure)";
    } else if (t != "CrossCluster") {
      if (!schema_checked) notSupported(out, path, t, {"CrossCluster"});
    } else if (!seen.insert(t).second) {
      duplicate(out, path, t);
    }
  }
}

void ports(Causes& out, const Json& spec, const McsContext& context) {
  const Json& list = member(spec, "ports");
  if (!list.is_array()) return;  // omitted = all ports of the Service
  std::set<int64_t> service_ports;
  static const Json kNone;
  const Json& svc_ports = member(member(context.service ? *context.service : kNone, "spec"),
                                 "ports");
  if (svc_ports.is_array()) {
    for (const auto& p : svc_ports) {
      if (member(p, "port").is_number_integer()) service_ports.insert(p["port"].get<int64_t>());
    }
  }
  std::set<std::string> names;
  std::set<int64_t> numbers;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = "spec.ports[" + std::to_string(i) + "]";
    const Json& p = list[i];
    portEntry(out, p, path, context.schema_checked);
    const std::string name = text(p, "name");
    if (!name.empty() && !names.insert(name).second) duplicate(out, path + ".name", name);
    const Json& number = member(p, "port");
    if (!number.is_number_integer()) continue;
    const auto n = number.get<int64_t>();
    if (!numbers.insert(n).second) {
      duplicate(out, path + ".port", std::to_string(n));
    } else if (context.service != nullptr && n >= 1 && n <= 65535 && !service_ports.count(n)) {
      notFound(out, path + ".port", std::to_string(n),
               "Service \"" + text(member(*context.service, "metadata"), "name") +
                   "\" has no such port");
    }
  }
}

}  // namespace

Causes validateMultiClusterService(const Json& mcs, const McsContext& context) {
  Causes out;
  serviceName(out, mcs);
  const Json& spec = member(mcs, "spec");
  if (!spec.is_object()) {
    if (!context.schema_checked) required(out, "spec");
    return out;
  }
  types(out, spec, context.schema_checked);
  ports(out, spec, context);
  clusterObjects(out, member(spec, "providerClusters"), "spec.providerClusters", context);
  clusterObjects(out, member(spec, "consumerClusters"), "spec.consumerClusters", context);
  clusterStrings(out, member(member(spec, "range"), "clusterNames"), "spec.range.clusterNames",
                 context);
  clusterStrings(out, member(spec, "serviceProvisionClusters"), "spec.serviceProvisionClusters",
                 context);
  clusterStrings(out, member(spec, "serviceConsumptionClusters"),
                 "spec.serviceConsumptionClusters", context);
  if (context.service != nullptr) {
    for (auto c : validateExportable(*context.service)) {
      c.field = "metadata.name";
      c.message = "Forbidden: Service \"" + text(member(*context.service, "metadata"), "name") +
                  "\" is of type ExternalName: it has no endpoints to share across clusters";
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace flotilla::mcs
