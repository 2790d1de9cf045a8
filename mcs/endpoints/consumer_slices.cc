#include "mcs/endpoints/consumer_slices.h"

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

std::string label(const Json& obj, const char* key) {
  const Json& v = field(field(field(obj, "metadata"), "labels"), key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// The consumer's copy of one source endpoint: addresses, conditions and the fields that mean
// the same in every cluster (hostname for headless DNS, zone, hints).
Json consumerEndpoint(const Json& endpoint) {
  Json out = Json::object();
  for (const char* key : {"addresses", "conditions", "hostname", "zone", "hints"}) {
    const Json& v = field(endpoint, key);
    if (!v.is_null()) out[key] = v;
  }
  if (!out.contains("addresses")) out["addresses"] = Json::array();
  return out;
}

}  // namespace

std::string consumerServiceName(const ImportTarget& target) {
  return target.mode == ImportMode::ServiceImport ? kDerivedServicePrefix + target.service
                                                  : target.service;
}

std::string consumerSliceName(const ImportTarget& target, const std::string& source_cluster,
                              const std::string& source_slice_name) {
  std::string prefix = target.mode == ImportMode::ServiceImport ? kImportedSlicePrefix : "";
  return prefix + source_cluster + "-" + source_slice_name;
}

bool isManagedSlice(const Json& slice) {
  // Only the slice label counts: Kubernetes' endpoint controllers copy a Service's labels onto
  // its slices, so a member's own slices of a Service copy Flotilla wrote carry the object label.
  return label(slice, kSliceManagedByLabel) == kManagedByValue;
}

bool isSourceSlice(const Json& slice, const std::string& service) {
  return !service.empty() && label(slice, kServiceNameLabel) == service && !isManagedSlice(slice);
}

std::map<std::string, std::string> managedSliceSelector(const ImportTarget& target,
                                                        const std::string& source_cluster) {
  std::map<std::string, std::string> out = {{kSliceManagedByLabel, kManagedByValue},
                                            {kMcsServiceNameLabel, target.service},
                                            {kServiceNameLabel, consumerServiceName(target)}};
  if (!source_cluster.empty()) out[kSourceClusterLabel] = source_cluster;
  return out;
}

bool endpointReady(const Json& endpoint) {
  const Json& ready = field(field(endpoint, "conditions"), "ready");
  return !ready.is_boolean() || ready.get<bool>();
}

std::vector<Json> desiredConsumerSlices(const ImportTarget& target,
                                        const std::string& source_cluster,
                                        const std::vector<Json>& source_slices) {
  std::vector<Json> out;
  for (const Json& src : source_slices) {
    if (!isSourceSlice(src, target.service)) continue;
    const std::string src_name = field(field(src, "metadata"), "name").is_string()
                                     ? src["metadata"]["name"].get<std::string>()
                                     : std::string();
    if (src_name.empty()) continue;
    Json labels = Json::object();
    for (const auto& [k, v] : managedSliceSelector(target, source_cluster)) labels[k] = v;
    Json metadata = {{"name", consumerSliceName(target, source_cluster, src_name)},
                     {"namespace", target.namespace_name},
                     {"labels", labels}};
    if (target.mode == ImportMode::MultiClusterService) {
      metadata["annotations"] = {{kProvisionClusterAnnotation, source_cluster}};
    }
    Json endpoints = Json::array();
    for (const Json& ep : field(src, "endpoints")) {
      if (endpointReady(ep)) endpoints.push_back(consumerEndpoint(ep));
    }
    const Json& address_type = field(src, "addressType");
    const Json& ports = field(src, "ports");
    out.push_back({{"apiVersion", "discovery.k8s.io/v1"},
                   {"kind", "EndpointSlice"},
                   {"metadata", std::move(metadata)},
                   {"addressType", address_type.is_string() ? address_type : Json("IPv4")},
                   {"endpoints", std::move(endpoints)},
                   {"ports", ports.is_array() ? ports : Json::array()}});
  }
  std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
    return a["metadata"]["name"].get<std::string>() < b["metadata"]["name"].get<std::string>();
  });
  return out;
}

std::vector<std::string> readyAddresses(const std::vector<Json>& slices) {
  std::vector<std::string> out;
  for (const Json& s : slices) {
    for (const Json& ep : field(s, "endpoints")) {
      if (!endpointReady(ep)) continue;
      for (const Json& a : field(ep, "addresses")) {
        if (a.is_string()) out.push_back(a.get<std::string>());
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace flotilla::mcs
