#include "controllers/membership/registration.h"

#include <gtest/gtest.h>

#include "client/fake_client.h"
#include "controllers/membership/member_clients.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::controllers {
namespace {

TEST(RegistrationTest, JoinWritesClusterSecretAndExecutionNamespace) {
  client::FakeClient host;
  JoinOptions o;
  o.name = "m1";
  o.member.server = "https://127.0.0.1:7443";
  o.member.bearer_token = "secret-token";
  o.member.ca_pem = "PEM";
  o.provider = "aws";
  o.region = "eu-west-1";
  o.zones = {"a", "b"};
  o.labels = {{"env", "prod"}};
  ASSERT_TRUE(joinCluster(host, o).isOk());
  auto c = host.get(kClustersGvr, "", "m1", "");
  ASSERT_TRUE(c);
  const auto& cj = (*c)->json();
  EXPECT_EQ(cj["spec"]["syncMode"], "Push");
  EXPECT_EQ(cj["spec"]["apiEndpoint"], "https://127.0.0.1:7443");
  EXPECT_EQ(cj["spec"]["secretRef"]["namespace"], "karmada-cluster");
  EXPECT_EQ(cj["spec"]["zones"][1], "b");
  EXPECT_EQ(cj["metadata"]["labels"]["env"], "prod");
  auto s = host.get(kSecretsGvr, "karmada-cluster", "m1", "");
  ASSERT_TRUE(s);
  EXPECT_TRUE(host.get(kNamespacesGvr, "", "karmada-es-m1", ""));
  // The controllers read the same credentials back.
  auto rc = memberRestConfig(cj, &(*s)->json());
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->bearer_token, "secret-token");
  EXPECT_EQ(rc->ca_pem, "PEM");
  // Joining again is idempotent.
  EXPECT_TRUE(joinCluster(host, o).isOk());
}

TEST(RegistrationTest, UnjoinRemovesEverything) {
  client::FakeClient host;
  JoinOptions o;
  o.name = "m1";
  o.member.server = "https://m1";
  o.member.bearer_token = "t";
  ASSERT_TRUE(joinCluster(host, o).isOk());
  ASSERT_TRUE(host.create(kWorksGvr, "karmada-es-m1",
                          {{"metadata", {{"name", "w"}, {"finalizers", {kExecutionFinalizer}}}},
                           {"spec", {{"workload", {{"manifests", nlohmann::json::array()}}}}}},
                          {}));
  auto removed = unjoinCluster(host, nullptr, "m1");
  ASSERT_TRUE(removed) << removed.status().toString();
  EXPECT_EQ(host.get(kClustersGvr, "", "m1", "").status().code(), core::Code::NotFound);
  EXPECT_EQ(host.get(kSecretsGvr, "karmada-cluster", "m1", "").status().code(),
            core::Code::NotFound);
  EXPECT_EQ(host.get(kWorksGvr, "karmada-es-m1", "w", "").status().code(), core::Code::NotFound);
}

TEST(RegistrationTest, TaintSpecsTable) {
  struct Row {
    const char* name;
    nlohmann::json before;
    std::vector<std::string> specs;
    bool overwrite;
    core::Code code;
    nlohmann::json after;
  };
  const nlohmann::json a = {{"key", "a"}, {"value", "1"}, {"effect", "NoSchedule"}};
  const std::vector<Row> rows = {
      {"add", nlohmann::json::array(), {"a=1:NoSchedule"}, false, core::Code::Ok, {a}},
      {"add is idempotent", {a}, {"a=1:NoSchedule"}, false, core::Code::Ok, {a}},
      {"changed value needs overwrite", {a}, {"a=2:NoSchedule"}, false,
       core::Code::AlreadyExists, nullptr},
      {"overwrite", {a}, {"a=2:NoSchedule"}, true, core::Code::Ok,
       {{{"key", "a"}, {"value", "2"}, {"effect", "NoSchedule"}}}},
      {"remove by key and effect", {a}, {"a:NoSchedule-"}, false, core::Code::Ok,
       nlohmann::json::array()},
      {"remove by key", {a}, {"a-"}, false, core::Code::Ok, nlohmann::json::array()},
      {"remove missing", nlohmann::json::array(), {"a-"}, false, core::Code::NotFound, nullptr},
  };
  for (const auto& row : rows) {
    std::vector<TaintSpec> specs;
    for (const auto& s : row.specs) {
      auto parsed = parseTaintSpec(s);
      ASSERT_TRUE(parsed) << row.name;
      specs.push_back(*parsed);
    }
    auto out = applyTaintSpecs(row.before, specs, row.overwrite, "now");
    EXPECT_EQ(out.status().code(), row.code) << row.name;
    if (out) {
      EXPECT_EQ(*out, row.after) << row.name;
    }
  }
  EXPECT_FALSE(parseTaintSpec("a=1:Sometimes"));
  EXPECT_FALSE(parseTaintSpec("novalue"));
}

}  // namespace
}  // namespace flotilla::controllers
