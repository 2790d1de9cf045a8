#include "member/member_config.h"

#include <cctype>
#include <sstream>

#include "api/yaml.h"
#include "core/duration.h"

namespace flotilla::member {
namespace {

std::vector<std::string> splitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string scalarText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return v.dump();
  return "";
}

core::Result<NodePool> poolFromJson(const Json& j, size_t index) {
  const std::string where = "nodePools[" + std::to_string(index) + "]";
  if (!j.is_object()) return core::invalidArgument(where + " must be a mapping");
  NodePool pool;
  pool.name = j.value("name", "");
  if (j.contains("count")) {
    if (!j["count"].is_number_integer() || j["count"].get<int64_t>() < 0) {
      return core::invalidArgument(where + ".count must be a non-negative integer");
    }
    pool.count = j["count"].get<int>();
  }
  for (const auto& [key, target] : {std::pair<const char*, std::string*>{"cpu", &pool.cpu},
                                    {"memory", &pool.memory},
                                    {"pods", &pool.pods},
                                    {"ephemeralStorage", &pool.ephemeral_storage}}) {
    if (j.contains(key)) *target = scalarText(j[key]);
  }
  if (j.contains("gpus") && scalarText(j["gpus"]) != "0") {
    pool.extended["nvidia.com/gpu"] = scalarText(j["gpus"]);
  }
  if (j.contains("resources") && j["resources"].is_object()) {
    for (auto it = j["resources"].begin(); it != j["resources"].end(); ++it) {
      pool.extended[it.key()] = scalarText(*it);
    }
  }
  if (j.contains("labels") && j["labels"].is_object()) {
    for (auto it = j["labels"].begin(); it != j["labels"].end(); ++it) {
      pool.labels[it.key()] = scalarText(*it);
    }
  }
  if (j.contains("taints")) {
    if (!j["taints"].is_array()) return core::invalidArgument(where + ".taints must be a list");
    pool.taints = j["taints"];
  }
  pool.zone = j.value("zone", "");
  return pool;
}

}  // namespace

std::string Ipv4Range::at(uint64_t offset) const {
  const uint32_t ip = base + static_cast<uint32_t>(offset);
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
         std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
}

core::Result<Ipv4Range> parseCidr(const std::string& text) {
  unsigned a, b, c, d;
  int prefix;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u/%d%c", &a, &b, &c, &d, &prefix, &tail) != 5 ||
      a > 255 || b > 255 || c > 255 || d > 255 || prefix < 8 || prefix > 30) {
    return core::invalidArgument("invalid CIDR \"" + text + "\" (want a.b.c.d/8..30)");
  }
  Ipv4Range r;
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  r.base = ((a << 24) | (b << 16) | (c << 8) | d) & mask;
  r.prefix = prefix;
  return r;
}

core::Result<std::map<std::string, std::string>> parseLabelList(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& item : splitComma(text)) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return core::invalidArgument("invalid label \"" + item + "\" (want key=value)");
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

core::Result<Json> parseTaintList(const std::string& text) {
  Json out = Json::array();
  for (const auto& item : splitComma(text)) {
    auto colon = item.rfind(':');
    if (colon == std::string::npos) {
      return core::invalidArgument("invalid taint \"" + item + "\" (want key[=value]:Effect)");
    }
    const std::string effect = item.substr(colon + 1);
    if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
      return core::invalidArgument("invalid taint effect \"" + effect + "\" in \"" + item + "\"");
    }
    const std::string kv = item.substr(0, colon);
    auto eq = kv.find('=');
    Json taint = {{"key", kv.substr(0, eq)}, {"effect", effect}};
    if (eq != std::string::npos) taint["value"] = kv.substr(eq + 1);
    if (taint["key"].get<std::string>().empty()) {
      return core::invalidArgument("invalid taint \"" + item + "\": empty key");
    }
    out.push_back(std::move(taint));
  }
  return out;
}

int defaultMemberIndex(const std::string& name) {
  size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
  if (digits < name.size() && name.size() - digits <= 3) {
    const int n = std::stoi(name.substr(digits));
    if (n >= 1 && n <= 254) return n;
  }
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return static_cast<int>(h % 200) + 1;
}

void applyDefaultRanges(MemberConfig& config) {
  const uint32_t idx = static_cast<uint32_t>(config.index) & 255;
  if (config.pod_range.base == 0) config.pod_range = {(10u << 24) | (idx << 16), 17};
  if (config.service_range.base == 0) {
    config.service_range = {(10u << 24) | (idx << 16) | (128u << 8), 17};
  }
  if (config.node_range.base == 0) {
    config.node_range = {(172u << 24) | (18u << 16) | (idx << 8), 24};
  }
}

core::Status applyConfigYaml(const std::string& yaml_text, MemberConfig& config) {
  auto doc = api::yamlToJson(yaml_text);
  if (!doc.isOk()) return doc.status();
  if (doc->is_null()) return core::Status::ok();
  if (!doc->is_object()) return core::invalidArgument("member config must be a mapping");
  const Json& j = *doc;
  if (j.contains("region")) config.region = scalarText(j["region"]);
  if (j.contains("zones")) {
    if (!j["zones"].is_array()) return core::invalidArgument("zones must be a list");
    config.zones.clear();
    for (const auto& z : j["zones"]) config.zones.push_back(scalarText(z));
  }
  for (const auto& [key, range] : {std::pair<const char*, Ipv4Range*>{"podCIDR", &config.pod_range},
                                   {"serviceCIDR", &config.service_range},
                                   {"nodeCIDR", &config.node_range}}) {
    if (!j.contains(key)) continue;
    auto r = parseCidr(scalarText(j[key]));
    if (!r.isOk()) return r.status().withContext(key);
    *range = *r;
  }
  for (const auto& [key, target] :
       {std::pair<const char*, std::chrono::milliseconds*>{"podReadyDelay", &config.pod_ready_delay},
        {"jobDuration", &config.job_duration}}) {
    if (!j.contains(key)) continue;
    auto d = core::parseDuration(scalarText(j[key]));
    if (!d.isOk()) return d.status().withContext(key);
    *target = *d;
  }
  if (j.contains("nodePools")) {
    if (!j["nodePools"].is_array()) return core::invalidArgument("nodePools must be a list");
    std::vector<NodePool> pools;
    for (size_t i = 0; i < j["nodePools"].size(); ++i) {
      auto pool = poolFromJson(j["nodePools"][i], i);
      if (!pool.isOk()) return pool.status();
      pools.push_back(std::move(*pool));
    }
    config.pools = std::move(pools);
  }
  return core::Status::ok();
}

std::vector<Json> buildNodes(const MemberConfig& config, const std::string& now) {
  std::vector<Json> out;
  int unnamed = 0;
  int global = 0;
  for (const auto& pool : config.pools) {
    for (int i = 0; i < pool.count; ++i, ++global) {
      const std::string name =
          pool.name.empty() ? "node-" + std::to_string(unnamed++) : pool.name + "-" + std::to_string(i);
      Json labels = {{"kubernetes.io/hostname", name},
                     {"kubernetes.io/os", "linux"},
                     {"kubernetes.io/arch", "amd64"},
                     {"beta.kubernetes.io/os", "linux"},
                     {"beta.kubernetes.io/arch", "amd64"},
                     {"member.flotilla.io/cluster", config.name}};
      if (!pool.name.empty()) labels["member.flotilla.io/pool"] = pool.name;
      if (!config.region.empty()) labels["topology.kubernetes.io/region"] = config.region;
      std::string zone = pool.zone;
      if (zone.empty() && !config.zones.empty()) {
        zone = config.zones[static_cast<size_t>(global) % config.zones.size()];
      }
      if (!zone.empty()) labels["topology.kubernetes.io/zone"] = zone;
      for (const auto& [k, v] : pool.labels) labels[k] = v;

      Json capacity = {{"cpu", pool.cpu},
                       {"memory", pool.memory},
                       {"pods", pool.pods},
                       {"ephemeral-storage", pool.ephemeral_storage}};
      for (const auto& [k, v] : pool.extended) capacity[k] = v;
      Json spec = {{"podCIDR", config.pod_range.at(static_cast<uint64_t>(global) << 8) + "/24"},
                   {"providerID", "flotilla://" + config.name + "/" + name}};
      if (!pool.taints.empty()) spec["taints"] = pool.taints;
      auto condition = [&](const char* type, const char* status, const char* reason,
                           const char* message) {
        return Json{{"type", type},           {"status", status},
                    {"reason", reason},       {"message", message},
                    {"lastHeartbeatTime", now}, {"lastTransitionTime", now}};
      };
      Json status = {
          {"capacity", capacity},
          {"allocatable", capacity},
          {"conditions",
           {condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                      "kubelet has sufficient memory available"),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                      "kubelet has no disk pressure"),
            condition("PIDPressure", "False", "KubeletHasSufficientPID",
                      "kubelet has sufficient PID available"),
            condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")}},
          {"addresses",
           {{{"type", "InternalIP"}, {"address", config.node_range.at(static_cast<uint64_t>(global) + 2)}},
            {{"type", "Hostname"}, {"address", name}}}},
          {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
          {"nodeInfo",
           {{"machineID", name},
            {"systemUUID", name},
            {"bootID", name},
            {"kernelVersion", "6.1.0-flotilla"},
            {"osImage", "Flotilla simulated node"},
            {"containerRuntimeVersion", "containerd://1.7.0"},
            {"kubeletVersion", "v1.32.0"},
            {"kubeProxyVersion", "v1.32.0"},
            {"operatingSystem", "linux"},
            {"architecture", "amd64"}}}};
      out.push_back({{"apiVersion", "v1"},
                     {"kind", "Node"},
                     {"metadata", {{"name", name}, {"labels", labels}}},
                     {"spec", spec},
                     {"status", status}});
    }
  }
  return out;
}

}  // namespace flotilla::member
