#include "mcs/imports/service_import.h"

#include <algorithm>

#include "mcs/endpoints/mcs_labels.h"

namespace flotilla::mcs {
namespace {

const Json& field(const Json& obj, const char* name) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(name);
  return it == obj.end() ? kNull : *it;
}

}  // namespace

Json managedObjectLabels(const std::string& service) {
  return {{kObjectManagedByLabel, kManagedByValue}, {kMcsServiceNameLabel, service}};
}

bool isManagedObject(const Json& object) {
  return field(field(field(object, "metadata"), "labels"), kObjectManagedByLabel) ==
         kManagedByValue;
}

Json serviceImportSpec(const ExportResolution& r) {
  Json spec = {{"type", r.type}, {"ports", r.ports}};
  if (!r.session_affinity.empty()) spec["sessionAffinity"] = r.session_affinity;
  if (!r.session_affinity_config.is_null()) {
    spec["sessionAffinityConfig"] = r.session_affinity_config;
  }
  return spec;
}

Json serviceImportStatus(const std::vector<std::string>& clusters) {
  std::vector<std::string> sorted = clusters;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  Json list = Json::array();
  for (const auto& c : sorted) list.push_back({{"cluster", c}});
  return {{"clusters", list}};
}

Json managedServiceImport(const std::string& ns, const std::string& name, const Json& spec,
                          const Json& status) {
  Json out = {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
              {"kind", "ServiceImport"},
              {"metadata",
               {{"name", name}, {"namespace", ns}, {"labels", managedObjectLabels(name)}}},
              {"spec", spec}};
  if (!status.is_null()) out["status"] = status;
  return out;
}

Json derivedService(const std::string& ns, const std::string& name, const Json& import_spec) {
  Json ports = Json::array();
  for (const Json& p : field(import_spec, "ports")) {
    Json port = {{"port", field(p, "port")},
                 {"protocol", field(p, "protocol").is_string() ? p["protocol"] : Json("TCP")}};
    if (field(p, "name").is_string() && !p["name"].get<std::string>().empty()) {
      port["name"] = p["name"];
    }
    if (field(p, "appProtocol").is_string()) port["appProtocol"] = p["appProtocol"];
    ports.push_back(std::move(port));
  }
  Json spec = {{"type", "ClusterIP"}, {"ports", ports}};
  if (field(import_spec, "type") == "Headless") spec["clusterIP"] = "None";
  if (field(import_spec, "sessionAffinity").is_string()) {
    spec["sessionAffinity"] = import_spec["sessionAffinity"];
  }
  if (!field(import_spec, "sessionAffinityConfig").is_null()) {
    spec["sessionAffinityConfig"] = import_spec["sessionAffinityConfig"];
  }
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata",
           {{"name", kDerivedServicePrefix + name},
            {"namespace", ns},
            {"labels", managedObjectLabels(name)}}},
          {"spec", spec}};
}

Json consumerImportSpec(const Json& import_spec, const Json& derived_service) {
  Json spec = import_spec;
  if (!spec.is_object()) return spec;
  spec.erase("ips");
  if (field(spec, "type") != "ClusterSetIP") return spec;
  const Json& svc_spec = field(derived_service, "spec");
  Json ips = Json::array();
  auto add = [&ips](const Json& ip) {
    if (!ip.is_string()) return;
    const auto& text = ip.get_ref<const std::string&>();
    if (text.empty() || text == "None") return;
    if (std::find(ips.begin(), ips.end(), ip) == ips.end()) ips.push_back(ip);
  };
  add(field(svc_spec, "clusterIP"));
  for (const Json& ip : field(svc_spec, "clusterIPs")) add(ip);
  if (!ips.empty()) spec["ips"] = std::move(ips);
  return spec;
}

Json derivedServiceStatus(const Json& import_spec) {
  Json ingress = Json::array();
  for (const Json& ip : field(import_spec, "ips")) {
    if (ip.is_string() && !ip.get_ref<const std::string&>().empty()) {
      ingress.push_back({{"ip", ip}});
    }
  }
  if (ingress.empty()) return Json();
  return {{"loadBalancer", {{"ingress", std::move(ingress)}}}};
}

Json consumerServiceCopy(const Json& host_service) {
  const Json& meta = field(host_service, "metadata");
  const std::string name = field(meta, "name").is_string() ? meta["name"].get<std::string>() : "";
  Json spec = field(host_service, "spec").is_object() ? host_service["spec"] : Json::object();
  for (const char* key : {"clusterIP", "clusterIPs", "healthCheckNodePort"}) spec.erase(key);
  if (spec.contains("ports") && spec["ports"].is_array()) {
    for (Json& p : spec["ports"]) {
      if (p.is_object()) p.erase("nodePort");
    }
  }
  Json labels = field(meta, "labels").is_object() ? meta["labels"] : Json::object();
  labels.update(managedObjectLabels(name));
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata",
           {{"name", name}, {"namespace", field(meta, "namespace")}, {"labels", labels}}},
          {"spec", spec}};
}

}  // namespace flotilla::mcs
