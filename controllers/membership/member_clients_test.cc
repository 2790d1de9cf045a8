#include "controllers/membership/member_clients.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/fake_client.h"
#include "client/object.h"

namespace flotilla::controllers {
namespace {

using nlohmann::json;

client::ObjectPtr cluster(const std::string& name) {
  return client::Object::fromJson(
      {{"apiVersion", "cluster.karmada.io/v1alpha1"},
       {"kind", "Cluster"},
       {"metadata", {{"name", name}, {"uid", "u-" + name}, {"resourceVersion", "1"}}},
       {"spec",
        {{"apiEndpoint", "https://127.0.0.1:6443"},
         {"secretRef", {{"namespace", "karmada-cluster"}, {"name", name}}}}}});
}

client::ObjectPtr secret(const std::string& name, const std::string& rv) {
  return client::Object::fromJson(
      {{"apiVersion", "v1"},
       {"kind", "Secret"},
       {"metadata",
        {{"name", name}, {"namespace", "karmada-cluster"}, {"uid", "s-" + name},
         {"resourceVersion", rv}}},
       {"data", {{"token", "dG9rZW4="}}}});
}

// A client is only handed out once the credentials Secret is cached, and rebuilt when it
// changes: a client built without them would fail TLS forever in whoever keeps it.
TEST(SecretMemberClientsTest, WaitsForTheSecretAndRebuildsWhenItChanges) {
  client::Indexer clusters;
  client::Indexer secrets;
  int built = 0;
  SecretMemberClients clients(clusters, secrets, [&](const client::RestConfig& cfg) {
    ++built;
    EXPECT_EQ(cfg.bearer_token, "token");
    return core::Result<client::ClientPtr>(std::make_shared<client::FakeClient>());
  });
  EXPECT_EQ(clients.clientFor("m1").status().code(), core::Code::NotFound);
  clusters.upsert(cluster("m1"));
  auto missing = clients.clientFor("m1");
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), core::Code::Unavailable);
  EXPECT_NE(missing.status().message().find("karmada-cluster/m1"), std::string::npos);
  EXPECT_EQ(built, 0);

  secrets.upsert(secret("m1", "5"));
  auto first = clients.clientFor("m1");
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  auto again = clients.clientFor("m1");
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(first->get(), again->get());
  EXPECT_EQ(built, 1);

  secrets.upsert(secret("m1", "6"));
  auto rebuilt = clients.clientFor("m1");
  ASSERT_TRUE(rebuilt.isOk());
  EXPECT_NE(first->get(), rebuilt->get());
  EXPECT_EQ(built, 2);
}

}  // namespace
}  // namespace flotilla::controllers
