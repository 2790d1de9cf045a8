// ServiceImport (mcs-api v0.1.0): type ClusterSetIP or Headless, ports like a Service's (1-65535,
// TCP/UDP/SCTP, unique names, every port named when there are several), at most one IP (none for
// Headless), session affinity None or ClientIP with a timeout of 1-86400 seconds.
#include <map>
#include <set>

#include "mcs/validation/causes.h"

namespace flotilla::mcs {

using namespace detail;  // NOLINT: the cause builders read better unqualified

namespace {

void importPorts(Causes& out, const Json& spec, const std::string& type, bool schema_checked) {
  const Json& ports = member(spec, "ports");
  if (!ports.is_array()) {
    if (!schema_checked || !ports.is_null()) {
      if (ports.is_null()) {
        required(out, "spec.ports");
      } else {
        invalid(out, "spec.ports", show(ports), "must be a list");
      }
    }
    return;
  }
  if (ports.empty() && type == "ClusterSetIP") {
    required(out, "spec.ports");
    out.back().message = "Required value: a ClusterSetIP import needs at least one port";
  }
  std::set<std::string> names;
  std::set<std::pair<int64_t, std::string>> numbers;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const Json& p = ports[i];
    const std::string path = "spec.ports[" + std::to_string(i) + "]";
    portEntry(out, p, path, schema_checked);
    const std::string name = text(p, "name");
    if (name.empty() && ports.size() > 1) {
      required(out, path + ".name");
      out.back().message = "Required value: every port must be named when there are several";
    }
    if (!name.empty() && !names.insert(name).second) duplicate(out, path + ".name", name);
    const Json& proto_json = member(p, "protocol");
    const std::string protocol = proto_json.is_string() ? proto_json.get<std::string>() : "TCP";
    if (protocol != "TCP" && protocol != "UDP" && protocol != "SCTP") {
      notSupported(out, path + ".protocol", protocol, {"SCTP", "TCP", "UDP"});
    }
    const Json& number = member(p, "port");
    if (number.is_number_integer() &&
        !numbers.insert({number.get<int64_t>(), protocol}).second) {
      duplicate(out, path, std::to_string(number.get<int64_t>()) + "/" + protocol);
    }
  }
}

}  // namespace

Causes validateServiceImport(const Json& import_obj, const McsContext& context) {
  Causes out;
  serviceName(out, import_obj);
  const Json& spec = member(import_obj, "spec");
  if (!spec.is_object()) {
    if (!context.schema_checked) required(out, "spec");
    return out;
  }
  const Json& type_json = member(spec, "type");
  const std::string type = type_json.is_string() ? type_json.get<std::string>() : "";
  if (!context.schema_checked) {
    if (type_json.is_null()) {
      required(out, "spec.type");
    } else if (type != "ClusterSetIP" && type != "Headless") {
      notSupported(out, "spec.type", show(type_json), {"ClusterSetIP", "Headless"});
    }
  }
  importPorts(out, spec, type, context.schema_checked);

  const Json& ips = member(spec, "ips");
  if (ips.is_array()) {
    if (type == "Headless" && !ips.empty()) {
      forbidden(out, "spec.ips", "must be empty for a Headless import");
    }
    if (ips.size() > 1 && !context.schema_checked) {
      out.push_back({"FieldValueTooMany", "Too many: " + std::to_string(ips.size()) +
                                              ": must have at most 1 items",
                     "spec.ips"});
    }
    for (std::size_t i = 0; i < ips.size(); ++i) {
      const std::string ip = show(ips[i]);
      if (!ips[i].is_string() || !isValidIp(ip)) {
        invalid(out, "spec.ips[" + std::to_string(i) + "]", ip, "must be a valid IP address");
      }
    }
  }

  const Json& affinity_json = member(spec, "sessionAffinity");
  const std::string affinity = affinity_json.is_string() ? affinity_json.get<std::string>() : "";
  if (!affinity_json.is_null() && affinity != "None" && affinity != "ClientIP") {
    notSupported(out, "spec.sessionAffinity", show(affinity_json), {"ClientIP", "None"});
  }
  const Json& config = member(spec, "sessionAffinityConfig");
  if (!config.is_null()) {
    if (affinity != "ClientIP") {
      forbidden(out, "spec.sessionAffinityConfig",
                "must not be set when sessionAffinity is " +
                    (affinity.empty() ? std::string("not ClientIP") : affinity));
    }
    const Json& timeout = member(member(config, "clientIP"), "timeoutSeconds");
    if (timeout.is_number_integer()) {
      const auto t = timeout.get<int64_t>();
      if (t < 1 || t > 86400) {
        invalid(out, "spec.sessionAffinityConfig.clientIP.timeoutSeconds", std::to_string(t),
                "must be greater than 0 and less than or equal to 86400");
      }
    }
  }
  return out;
}

}  // namespace flotilla::mcs
