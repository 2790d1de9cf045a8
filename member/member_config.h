// Configuration of one simulated member cluster: its identity (name, index), address ranges for
// pods and Services, timings of the simulated kubelet, and the node pools it runs. Built from
// `flotilla member` flags and optionally a YAML file (see member/README.md), then turned into the
// Node objects the simulator keeps. Parsing and node construction are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace flotilla::member {

using Json = nlohmann::json;

struct NodePool {
  std::string name;  // empty: nodes are named node-<i> over all unnamed pools
  int count = 1;
  std::string cpu = "8";
  std::string memory = "32Gi";
  std::string pods = "110";
  std::string ephemeral_storage = "100Gi";
  std::map<std::string, std::string> extended;  // e.g. nvidia.com/gpu -> "2"
  std::map<std::string, std::string> labels;
  Json taints = Json::array();  // corev1.Taint objects
  std::string zone;             // empty: spread over MemberConfig::zones
};

// An IPv4 range; addresses are handed out by offset from the base.
struct Ipv4Range {
  uint32_t base = 0;
  int prefix = 32;
  uint64_t size() const { return prefix >= 32 ? 1 : (uint64_t{1} << (32 - prefix)); }
  // The address at `offset` (0 = the network address) as dotted quad.
  std::string at(uint64_t offset) const;
};
core::Result<Ipv4Range> parseCidr(const std::string& text);

struct MemberConfig {
  std::string name;
  int index = 1;  // 1..254: selects the default address ranges 10.<index>.0.0/16
  std::string region;
  std::vector<std::string> zones;
  std::vector<NodePool> pools;
  Ipv4Range pod_range;      // default 10.<index>.0.0/17
  Ipv4Range service_range;  // default 10.<index>.128.0/17
  Ipv4Range node_range;     // default 172.18.<index>.0/24
  std::chrono::milliseconds pod_ready_delay{500};
  std::chrono::milliseconds job_duration{2000};
};

// "a=b,c=d" -> map (InvalidArgument for an item without '=').
core::Result<std::map<std::string, std::string>> parseLabelList(const std::string& text);
// "k=v:NoSchedule,k2:NoExecute" -> corev1.Taint objects.
core::Result<Json> parseTaintList(const std::string& text);
// The index a member gets when none is given: a trailing number in the name ("member2" -> 2),
// otherwise a hash of the name in 1..200.
int defaultMemberIndex(const std::string& name);
// Fills the address ranges left at their zero value from config.index.
void applyDefaultRanges(MemberConfig& config);

// Reads a YAML config (region, zones, podCIDR, serviceCIDR, nodePools) into `config`; pools in
// the file replace the ones from flags.
core::Status applyConfigYaml(const std::string& yaml_text, MemberConfig& config);

// The Node objects the member runs, in creation order. `now` is RFC 3339.
std::vector<Json> buildNodes(const MemberConfig& config, const std::string& now);

}  // namespace flotilla::member
