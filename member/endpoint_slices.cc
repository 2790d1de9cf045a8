#include "member/endpoint_slices.h"

#include <algorithm>
#include <optional>

#include "member/pod_fit.h"
#include "member/workload_status.h"

namespace flotilla::member {
namespace {

const Json& field(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

std::string stringField(const Json& obj, const char* name) {
  const Json& v = field(obj, name);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// A named targetPort through the container ports of the pods (the first pod that declares it).
std::optional<int64_t> resolvePort(const Json& target, const std::vector<const Json*>& pods) {
  if (target.is_number_integer()) return target.get<int64_t>();
  if (!target.is_string()) return std::nullopt;
  const std::string name = target.get<std::string>();
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(name);
  }
  for (const Json* pod : pods) {
    for (const auto& c : field(field(*pod, "spec"), "containers")) {
      for (const auto& p : field(c, "ports")) {
        if (field(p, "name") == name && field(p, "containerPort").is_number_integer()) {
          return p["containerPort"].get<int64_t>();
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

bool serviceSelects(const Json& service, const Json& pod) {
  const Json& selector = field(field(service, "spec"), "selector");
  if (!selector.is_object() || selector.empty()) return false;
  const Json& labels = field(field(pod, "metadata"), "labels");
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    if (field(labels, it.key().c_str()) != *it) return false;
  }
  return true;
}

Json endpointSliceContent(const Json& service, const std::vector<Json>& pods,
                          const std::map<std::string, std::string>& node_zones) {
  const bool publish_not_ready = field(field(service, "spec"), "publishNotReadyAddresses") == true;
  std::vector<const Json*> members;
  for (const auto& p : pods) {
    if (podIsTerminal(p) || stringField(field(p, "status"), "podIP").empty()) continue;
    members.push_back(&p);
  }
  std::sort(members.begin(), members.end(), [](const Json* a, const Json* b) {
    return stringField(field(*a, "metadata"), "name") < stringField(field(*b, "metadata"), "name");
  });
  Json endpoints = Json::array();
  for (const Json* p : members) {
    const Json& meta = field(*p, "metadata");
    const bool terminating = field(meta, "deletionTimestamp").is_string();
    const bool ready = podIsReady(*p);
    Json ep = {{"addresses", {stringField(field(*p, "status"), "podIP")}},
               {"conditions",
                {{"ready", (ready || publish_not_ready) && !terminating},
                 {"serving", ready || publish_not_ready},
                 {"terminating", terminating}}},
               {"targetRef",
                {{"kind", "Pod"},
                 {"namespace", stringField(meta, "namespace")},
                 {"name", stringField(meta, "name")},
                 {"uid", stringField(meta, "uid")}}}};
    const std::string node = stringField(field(*p, "spec"), "nodeName");
    if (!node.empty()) {
      ep["nodeName"] = node;
      auto z = node_zones.find(node);
      if (z != node_zones.end() && !z->second.empty()) ep["zone"] = z->second;
    }
    endpoints.push_back(std::move(ep));
  }
  Json ports = Json::array();
  for (const auto& sp : field(field(service, "spec"), "ports")) {
    const Json& target = field(sp, "targetPort");
    auto port = resolvePort(target.is_null() ? field(sp, "port") : target, members);
    if (!port) continue;
    Json out = {{"name", stringField(sp, "name")},
                {"port", *port},
                {"protocol", sp.value("protocol", "TCP")}};
    if (field(sp, "appProtocol").is_string()) out["appProtocol"] = sp["appProtocol"];
    ports.push_back(std::move(out));
  }
  return {{"addressType", "IPv4"}, {"endpoints", endpoints}, {"ports", ports}};
}

}  // namespace flotilla::member
