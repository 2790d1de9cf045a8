// Printers for services, configuration, cluster objects, events, networking, storage and RBAC,
// after the corresponding print* functions of kube 1.32's internalversion printers.
#include <algorithm>
#include <set>

#include "apimachinery/printers/builtin_printers.h"
#include "apimachinery/printers/print_helpers.h"
#include "core/clock.h"

namespace flotilla::apimachinery::printers {

namespace {

using Clock = std::chrono::system_clock;

TableColumn col(const char* name, const char* type, const char* description, int priority = 0) {
  return {name, type, "", description, priority};
}
TableColumn nameCol() {
  return {"Name", "string", "name", "Name must be unique within a namespace.", 0};
}
TableColumn ageCol() {
  return col("Age", "string", "CreationTimestamp is the time the object was created.");
}

std::vector<std::string> strings(const Json& list, const char* field = nullptr) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& v : list) {
    if (field == nullptr && v.is_string()) out.push_back(v.get<std::string>());
    if (field != nullptr) out.push_back(str(v, {field}));
  }
  return out;
}

std::string serviceExternalIp(const Json& svc) {
  const std::string type = str(svc, {"spec", "type"}, "ClusterIP");
  const auto external = strings(at(svc, {"spec", "externalIPs"}));
  if (type == "ClusterIP" || type == "NodePort") {
    return external.empty() ? kNone : join(external, ",");
  }
  if (type == "ExternalName") return str(svc, {"spec", "externalName"});
  if (type == "LoadBalancer") {
    std::vector<std::string> ips;
    const Json& ingress = at(svc, {"status", "loadBalancer", "ingress"});
    if (ingress.is_array()) {
      for (const auto& i : ingress) {
        const std::string ip = str(i, {"ip"});
        ips.push_back(ip.empty() ? str(i, {"hostname"}) : ip);
      }
    }
    ips.insert(ips.end(), external.begin(), external.end());
    return ips.empty() ? "<pending>" : join(ips, ",");
  }
  return "<unknown>";
}

std::string servicePorts(const Json& svc) {
  std::vector<std::string> out;
  const Json& ports = at(svc, {"spec", "ports"});
  if (ports.is_array()) {
    for (const auto& p : ports) {
      std::string s = std::to_string(num(p, {"port"}));
      if (num(p, {"nodePort"}) > 0) s += ":" + std::to_string(num(p, {"nodePort"}));
      out.push_back(s + "/" + str(p, {"protocol"}, "TCP"));
    }
  }
  return out.empty() ? kNone : join(out, ",");
}

std::string nodeStatus(const Json& node) {
  std::string status = "Unknown";
  const Json& conds = at(node, {"status", "conditions"});
  if (conds.is_array()) {
    for (const auto& c : conds) {
      if (str(c, {"type"}) == "Ready") status = str(c, {"status"}) == "True" ? "Ready" : "NotReady";
    }
  }
  if (flag(node, {"spec", "unschedulable"})) status += ",SchedulingDisabled";
  return status;
}

std::string nodeRoles(const Json& node) {
  std::set<std::string> roles;
  const Json& labels = at(node, {"metadata", "labels"});
  if (labels.is_object()) {
    static const std::string kPrefix = "node-role.kubernetes.io/";
    for (const auto& [k, v] : labels.items()) {
      if (k.rfind(kPrefix, 0) == 0 && k.size() > kPrefix.size())
        roles.insert(k.substr(kPrefix.size()));
      if (k == "kubernetes.io/role" && v.is_string() && !v.get<std::string>().empty()) {
        roles.insert(v.get<std::string>());
      }
    }
  }
  return roles.empty() ? kNone : join({roles.begin(), roles.end()}, ",");
}

std::string nodeAddress(const Json& node, const char* type) {
  const Json& addrs = at(node, {"status", "addresses"});
  if (addrs.is_array()) {
    for (const auto& a : addrs) {
      if (str(a, {"type"}) == type) return str(a, {"address"});
    }
  }
  return kNone;
}

std::string eventSource(const Json& e) {
  std::string component = str(e, {"source", "component"});
  if (component.empty()) component = str(e, {"reportingComponent"});
  const std::string host = str(e, {"source", "host"});
  return host.empty() ? component : component + ", " + host;
}

Json eventCells(const Json& e, Clock::time_point now) {
  const Json& first = at(e, {"firstTimestamp"});
  Json last = at(e, {"lastTimestamp"});
  if (!last.is_string()) last = at(e, {"eventTime"});
  if (!last.is_string()) last = at(e, {"metadata", "creationTimestamp"});
  std::string kind = str(e, {"involvedObject", "kind"});
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const int64_t n = num(e, {"count"}, num(e, {"series", "count"}, 1));
  return Json::array({ageSince(last, now), str(e, {"type"}), str(e, {"reason"}),
                      kind + "/" + str(e, {"involvedObject", "name"}),
                      str(e, {"message"}, str(e, {"note"})),
                      str(e, {"involvedObject", "fieldPath"}), eventSource(e),
                      first.is_string() ? ageSince(first, now) : ageSince(last, now), n, name(e)});
}

std::string endpointsText(const Json& ep) {
  std::vector<std::string> all;
  const Json& subsets = at(ep, {"subsets"});
  if (subsets.is_array()) {
    for (const auto& s : subsets) {
      const auto ips = strings(at(s, {"addresses"}), "ip");
      const Json& ports = at(s, {"ports"});
      for (const auto& ip : ips) {
        if (ports.is_array() && !ports.empty()) {
          for (const auto& p : ports) all.push_back(ip + ":" + std::to_string(num(p, {"port"})));
        } else {
          all.push_back(ip);
        }
      }
    }
  }
  if (all.empty()) return kNone;
  if (all.size() <= 3) return join(all, ",");
  return join({all.begin(), all.begin() + 3}, ",") + " + " + std::to_string(all.size() - 3) +
         " more...";
}

std::string sliceEndpoints(const Json& slice) {
  std::vector<std::string> all;
  const Json& eps = at(slice, {"endpoints"});
  if (eps.is_array()) {
    for (const auto& e : eps) {
      for (const auto& a : strings(at(e, {"addresses"}))) all.push_back(a);
    }
  }
  if (all.empty()) return "<unset>";
  if (all.size() <= 3) return join(all, ",");
  return join({all.begin(), all.begin() + 3}, ",") + " + " + std::to_string(all.size() - 3) +
         " more...";
}

std::string slicePorts(const Json& slice) {
  std::vector<std::string> out;
  const Json& ports = at(slice, {"ports"});
  if (ports.is_array()) {
    for (const auto& p : ports) out.push_back(std::to_string(num(p, {"port"})));
  }
  return out.empty() ? "<unset>" : join(out, ",");
}

Json ingressCells(const Json& ing, Clock::time_point now) {
  std::vector<std::string> hosts;
  const Json& rules = at(ing, {"spec", "rules"});
  if (rules.is_array()) {
    for (const auto& r : rules) {
      const std::string h = str(r, {"host"});
      if (!h.empty()) hosts.push_back(h);
    }
  }
  std::string hosts_text = hosts.empty() ? "*" : join(hosts, ",");
  if (hosts.size() > 4) {
    hosts_text = join({hosts.begin(), hosts.begin() + 4}, ",") + " + " +
                 std::to_string(hosts.size() - 4) + " more...";
  }
  std::vector<std::string> addrs;
  const Json& lb = at(ing, {"status", "loadBalancer", "ingress"});
  if (lb.is_array()) {
    for (const auto& i : lb) addrs.push_back(str(i, {"ip"}, str(i, {"hostname"})));
  }
  const bool tls = count(ing, {"spec", "tls"}) > 0;
  return Json::array({name(ing), orNone(str(ing, {"spec", "ingressClassName"})), hosts_text,
                      join(addrs, ","), tls ? "80, 443" : "80", age(ing, now)});
}

std::string accessModes(const Json& modes) {
  static const std::map<std::string, std::string> kShort = {{"ReadWriteOnce", "RWO"},
                                                            {"ReadOnlyMany", "ROX"},
                                                            {"ReadWriteMany", "RWX"},
                                                            {"ReadWriteOncePod", "RWOP"}};
  std::vector<std::string> out;
  for (const auto& m : strings(modes)) {
    auto it = kShort.find(m);
    if (it != kShort.end()) out.push_back(it->second);
  }
  return join(out, ",");
}

Json pvcCells(const Json& pvc, Clock::time_point now) {
  std::string phase = str(pvc, {"status", "phase"});
  if (at(pvc, {"metadata", "deletionTimestamp"}).is_string()) phase = "Terminating";
  const std::string volume = str(pvc, {"spec", "volumeName"});
  std::string capacity, modes;
  if (!volume.empty()) {
    capacity = str(pvc, {"status", "capacity", "storage"});
    modes = accessModes(at(pvc, {"status", "accessModes"}));
  }
  return Json::array({name(pvc), phase, volume, capacity, modes,
                      str(pvc, {"spec", "storageClassName"}),
                      orNone(str(pvc, {"spec", "volumeAttributesClassName"})), age(pvc, now),
                      str(pvc, {"spec", "volumeMode"}, "Filesystem")});
}

Json bindingCells(const Json& b, Clock::time_point now) {
  std::vector<std::string> users, groups, sas;
  const Json& subjects = at(b, {"subjects"});
  if (subjects.is_array()) {
    for (const auto& s : subjects) {
      const std::string kind = str(s, {"kind"});
      if (kind == "User") users.push_back(str(s, {"name"}));
      if (kind == "Group") groups.push_back(str(s, {"name"}));
      if (kind == "ServiceAccount") sas.push_back(str(s, {"namespace"}) + "/" + str(s, {"name"}));
    }
  }
  return Json::array({name(b), str(b, {"roleRef", "kind"}) + "/" + str(b, {"roleRef", "name"}),
                      age(b, now), join(users, ", "), join(groups, ", "), join(sas, ", ")});
}

Json createdAt(const Json& obj) {
  Clock::time_point t;
  const Json& ts = at(obj, {"metadata", "creationTimestamp"});
  if (ts.is_string() && core::parseRfc3339(ts.get<std::string>(), &t))
    return core::formatRfc3339(t);
  return "<unknown>";
}

std::vector<TableColumn> bindingColumns() {
  return {nameCol(),
          col("Role", "string", "RoleRef to the role."),
          ageCol(),
          col("Users", "string", "Users in the binding.", 1),
          col("Groups", "string", "Groups in the binding.", 1),
          col("ServiceAccounts", "string", "ServiceAccounts in the binding.", 1)};
}

}  // namespace

std::optional<TablePrinter> corePrinter(const std::string& group, const std::string& resource) {
  const std::string key = group + "/" + resource;
  if (key == "/services") {
    return TablePrinter(
        {nameCol(), col("Type", "string", "The type of the service."),
         col("Cluster-IP", "string", "The cluster IP address of the service."),
         col("External-IP", "string", "The external IP addresses of the service."),
         col("Port(s)", "string", "The ports the service exposes."), ageCol(),
         col("Selector", "string",
             "Route service traffic to pods with label keys and values matching this selector.",
             1)},
        [](const Json& s, Clock::time_point now) {
          return Json::array({name(s), str(s, {"spec", "type"}, "ClusterIP"),
                              orNone(str(s, {"spec", "clusterIP"})), serviceExternalIp(s),
                              servicePorts(s), age(s, now),
                              mapSelectorText(at(s, {"spec", "selector"}))});
        });
  }
  if (key == "/configmaps") {
    return TablePrinter(
        {nameCol(), col("Data", "integer", "Number of keys."), ageCol()},
        [](const Json& c, Clock::time_point now) {
          return Json::array({name(c),
                              static_cast<int64_t>(count(c, {"data"}) + count(c, {"binaryData"})),
                              age(c, now)});
        });
  }
  if (key == "/secrets") {
    return TablePrinter(
        {nameCol(), col("Type", "string", "The type of the secret."),
         col("Data", "integer", "Number of keys."), ageCol()},
        [](const Json& s, Clock::time_point now) {
          return Json::array({name(s), str(s, {"type"}, "Opaque"),
                              static_cast<int64_t>(count(s, {"data"})), age(s, now)});
        });
  }
  if (key == "/namespaces") {
    return TablePrinter(
        {nameCol(), col("Status", "string", "The status of the namespace."), ageCol()},
        [](const Json& n, Clock::time_point now) {
          return Json::array({name(n), str(n, {"status", "phase"}, "Active"), age(n, now)});
        });
  }
  if (key == "/serviceaccounts") {
    return TablePrinter(
        {nameCol(), col("Secrets", "integer", "Number of secrets."), ageCol()},
        [](const Json& s, Clock::time_point now) {
          return Json::array({name(s), static_cast<int64_t>(count(s, {"secrets"})), age(s, now)});
        });
  }
  if (key == "/nodes") {
    return TablePrinter(
        {nameCol(), col("Status", "string", "The status of the node."),
         col("Roles", "string", "The roles of the node."), ageCol(),
         col("Version", "string", "Kubelet version reported by the node."),
         col("Internal-IP", "string", "Internal IP of the node.", 1),
         col("External-IP", "string", "External IP of the node.", 1),
         col("OS-Image", "string", "OS image reported by the node.", 1),
         col("Kernel-Version", "string", "Kernel version reported by the node.", 1),
         col("Container-Runtime", "string", "Container runtime version reported by the node.", 1)},
        [](const Json& n, Clock::time_point now) {
          return Json::array(
              {name(n), nodeStatus(n), nodeRoles(n), age(n, now),
               str(n, {"status", "nodeInfo", "kubeletVersion"}), nodeAddress(n, "InternalIP"),
               nodeAddress(n, "ExternalIP"), str(n, {"status", "nodeInfo", "osImage"}, "<unknown>"),
               str(n, {"status", "nodeInfo", "kernelVersion"}, "<unknown>"),
               str(n, {"status", "nodeInfo", "containerRuntimeVersion"}, "<unknown>")});
        });
  }
  if (key == "/events" || key == "events.k8s.io/events") {
    return TablePrinter(
        {col("Last Seen", "string", "Time when last event occurred."),
         col("Type", "string", "Type of this event."),
         col("Reason", "string", "Reason for the event."),
         col("Object", "string", "The object that this event is about."),
         col("Message", "string", "A human-readable description of the status of this operation."),
         col("Subobject", "string", "The field of the object the event is about.", 1),
         col("Source", "string", "The component reporting this event.", 1),
         col("First Seen", "string", "Time when first event occurred.", 1),
         col("Count", "integer", "The number of times this event has occurred.", 1),
         {"Name", "string", "name", "Name must be unique within a namespace.", 1}},
        eventCells);
  }
  if (key == "coordination.k8s.io/leases") {
    return TablePrinter(
        {nameCol(), col("Holder", "string", "The holder of the lease."), ageCol()},
        [](const Json& l, Clock::time_point now) {
          return Json::array({name(l), str(l, {"spec", "holderIdentity"}), age(l, now)});
        });
  }
  if (key == "/endpoints") {
    return TablePrinter(
        {nameCol(), col("Endpoints", "string", "Endpoints of the service."), ageCol()},
        [](const Json& e, Clock::time_point now) {
          return Json::array({name(e), endpointsText(e), age(e, now)});
        });
  }
  if (key == "discovery.k8s.io/endpointslices") {
    return TablePrinter(
        {nameCol(), col("AddressType", "string", "The type of address held by the slice."),
         col("Ports", "string", "Ports of the slice."),
         col("Endpoints", "string", "Endpoint addresses of the slice."), ageCol()},
        [](const Json& s, Clock::time_point now) {
          return Json::array(
              {name(s), str(s, {"addressType"}), slicePorts(s), sliceEndpoints(s), age(s, now)});
        });
  }
  if (key == "networking.k8s.io/ingresses") {
    return TablePrinter(
        {nameCol(), col("Class", "string", "The ingress class."),
         col("Hosts", "string", "Hosts that incoming requests are matched against."),
         col("Address", "string",
             "Address is a list containing ingress points for the load-balancer."),
         col("Ports", "string", "Ports of TLS configurations that open."), ageCol()},
        ingressCells);
  }
  if (key == "/persistentvolumeclaims") {
    return TablePrinter(
        {nameCol(), col("Status", "string", "The phase of the claim."),
         col("Volume", "string", "The name of the bound volume."),
         col("Capacity", "string", "The capacity of the bound volume."),
         col("Access Modes", "string", "The access modes of the bound volume."),
         col("StorageClass", "string", "The storage class of the claim."),
         col("VolumeAttributesClass", "string", "The volume attributes class of the claim."),
         ageCol(), col("VolumeMode", "string", "The volume mode of the claim.", 1)},
        pvcCells);
  }
  if (key == "rbac.authorization.k8s.io/roles" || key == "rbac.authorization.k8s.io/clusterroles") {
    return TablePrinter(
        {nameCol(), col("Created At", "date", "Time at which the object was created.")},
        [](const Json& r, Clock::time_point) {
          return Json::array({name(r), createdAt(r)});
        });
  }
  if (key == "rbac.authorization.k8s.io/rolebindings" ||
      key == "rbac.authorization.k8s.io/clusterrolebindings") {
    return TablePrinter(bindingColumns(), bindingCells);
  }
  if (key == "scheduling.k8s.io/priorityclasses") {
    return TablePrinter(
        {nameCol(), col("Value", "integer", "The value of this priority class."),
         col("Global-Default", "boolean", "Whether this priority class is the global default."),
         ageCol(),
         col("PreemptionPolicy", "string", "The policy for preempting lower priority pods.", 1)},
        [](const Json& p, Clock::time_point now) {
          return Json::array({name(p), num(p, {"value"}), flag(p, {"globalDefault"}), age(p, now),
                              str(p, {"preemptionPolicy"}, "PreemptLowerPriority")});
        });
  }
  if (key == "apiextensions.k8s.io/customresourcedefinitions") {
    return TablePrinter(
        {nameCol(), col("Created At", "date", "Time at which the object was created.")},
        [](const Json& c, Clock::time_point) {
          return Json::array({name(c), createdAt(c)});
        });
  }
  return std::nullopt;
}

}  // namespace flotilla::apimachinery::printers
