#include "member/member_config.h"

#include <gtest/gtest.h>

namespace flotilla::member {
namespace {

TEST(ParseTaintList, Table) {
  auto t = parseTaintList("gpu=yes:NoSchedule,dedicated:NoExecute");
  ASSERT_TRUE(t.isOk());
  EXPECT_EQ(*t, Json::parse(R"([{"key":"gpu","value":"yes","effect":"NoSchedule"},
                                {"key":"dedicated","effect":"NoExecute"}])"));
  EXPECT_FALSE(parseTaintList("gpu=yes").isOk());
  EXPECT_FALSE(parseTaintList("gpu:Sometimes").isOk());
}

TEST(DefaultMemberIndex, TrailingNumberOrHash) {
  EXPECT_EQ(defaultMemberIndex("member2"), 2);
  EXPECT_EQ(defaultMemberIndex("cluster-17"), 17);
  const int h = defaultMemberIndex("alpha");
  EXPECT_GE(h, 1);
  EXPECT_LE(h, 200);
  EXPECT_EQ(h, defaultMemberIndex("alpha"));
}

TEST(BuildNodes, FlagsPoolWithZones) {
  MemberConfig config;
  config.name = "member1";
  config.index = 1;
  config.region = "eu";
  config.zones = {"eu-a", "eu-b"};
  NodePool pool;
  pool.count = 3;
  pool.extended["nvidia.com/gpu"] = "2";
  pool.labels["tier"] = "gold";
  config.pools = {pool};
  applyDefaultRanges(config);
  auto nodes = buildNodes(config, "2026-01-01T00:00:00Z");
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[2]["metadata"]["name"], "node-2");
  const Json& labels = nodes[1]["metadata"]["labels"];
  EXPECT_EQ(labels["topology.kubernetes.io/zone"], "eu-b");
  EXPECT_EQ(labels["topology.kubernetes.io/region"], "eu");
  EXPECT_EQ(labels["kubernetes.io/hostname"], "node-1");
  EXPECT_EQ(labels["tier"], "gold");
  EXPECT_EQ(nodes[0]["status"]["allocatable"]["nvidia.com/gpu"], "2");
  EXPECT_EQ(nodes[0]["status"]["allocatable"]["cpu"], "8");
  EXPECT_EQ(nodes[0]["status"]["nodeInfo"]["kubeletVersion"], "v1.32.0");
  EXPECT_EQ(nodes[0]["status"]["addresses"][0]["address"], "172.18.1.2");
}

TEST(ApplyConfigYaml, PoolsReplaceFlags) {
  MemberConfig config;
  config.name = "m";
  config.pools = {NodePool{}};
  auto st = applyConfigYaml(R"(
region: us-east
zones: [a, b]
podCIDR: 10.50.0.0/16
podReadyDelay: 100ms
nodePools:
- name: cpu
  count: 2
  cpu: 16
  memory: 64Gi
- name: gpu
  count: 1
  gpus: 4
  labels: {accelerator: a100}
  taints: [{key: gpu, value: "true", effect: NoSchedule}]
  zone: b
)", config);
  ASSERT_TRUE(st.isOk()) << st.message();
  applyDefaultRanges(config);
  EXPECT_EQ(config.pod_range.at(2), "10.50.0.2");
  EXPECT_EQ(config.pod_ready_delay.count(), 100);
  auto nodes = buildNodes(config, "2026-01-01T00:00:00Z");
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0]["metadata"]["name"], "cpu-0");
  EXPECT_EQ(nodes[0]["status"]["capacity"]["cpu"], "16");
  EXPECT_EQ(nodes[2]["metadata"]["name"], "gpu-0");
  EXPECT_EQ(nodes[2]["status"]["capacity"]["nvidia.com/gpu"], "4");
  EXPECT_EQ(nodes[2]["spec"]["taints"][0]["key"], "gpu");
  EXPECT_EQ(nodes[2]["metadata"]["labels"]["topology.kubernetes.io/zone"], "b");
  EXPECT_FALSE(applyConfigYaml("nodePools: 3", config).isOk());
  EXPECT_FALSE(applyConfigYaml("podCIDR: nope", config).isOk());
}

}  // namespace
}  // namespace flotilla::member
