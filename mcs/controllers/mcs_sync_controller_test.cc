// McsSyncController against in-memory API servers (FakeClient) for the host and two members,
// with real informers: asserts the objects in each cluster, not the calls made.
#include "mcs/controllers/mcs_sync_controller.h"

#include <gtest/gtest.h>

#include <thread>

#include "client/fake_client.h"
#include "client/informer.h"
#include "controllers/wire/karmada_names.h"
#include "core/clock.h"
#include "mcs/endpoints/mcs_labels.h"

namespace flotilla::mcs {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

Json clusterObject(const std::string& name, const std::string& ready, const std::string& since) {
  return {{"apiVersion", "cluster.karmada.io/v1alpha1"},
          {"kind", "Cluster"},
          {"metadata", {{"name", name}}},
          {"status",
           {{"conditions",
             {{{"type", "Ready"}, {"status", ready}, {"lastTransitionTime", since}}}}}}};
}

class McsSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_shared<core::FakeClock>();
    now_ = core::formatRfc3339(clock_->wallNow());
    for (const char* m : {"m1", "m2"}) {
      std::shared_ptr<client::Client> c = std::make_shared<client::FakeClient>();
      members_[m] = c;
      clients_->set(m, c);
      ASSERT_TRUE(host_->create(controllers::kClustersGvr, "", clusterObject(m, "True", now_)));
    }
    clusters_ = std::make_shared<client::Informer>(host_, opts(controllers::kClustersGvr));
    imports_ = std::make_shared<client::Informer>(host_, opts(kServiceImportsGvr));
    mcss_ = std::make_shared<client::Informer>(host_, opts(kMultiClusterServicesGvr));
    services_ = std::make_shared<client::Informer>(host_, opts(kServicesGvr));
    for (auto& i : {clusters_, imports_, mcss_, services_}) {
      i->start();
      ASSERT_TRUE(i->waitForSync(5s));
    }
    caches_ = std::make_shared<MemberCaches>(clients_, [](const std::string&) {});
    McsSyncOptions o;
    o.endpoint_grace = 5s;
    o.clock = clock_;
    controller_ = std::make_shared<McsSyncController>(
        host_,
        McsHostCaches{&clusters_->indexer(), &imports_->indexer(), &mcss_->indexer(),
                      &services_->indexer()},
        caches_, clients_, o);
  }
  void TearDown() override {
    caches_->shutdown();
    for (auto& i : {clusters_, imports_, mcss_, services_}) i->stop();
  }
  static client::InformerOptions opts(const client::GroupVersionResource& gvr) {
    client::InformerOptions o;
    o.gvr = gvr;
    return o;
  }

  // Reconciles until a pass changes nothing visible (caches catch up between passes).
  void settle(const std::string& key) {
    for (int i = 0; i < 6; ++i) {
      allocateClusterIps();
      auto r = controller_->reconcile(runtime::Request::fromKey(key));
      ASSERT_TRUE(r.isOk()) << r.status().toString();
      std::this_thread::sleep_for(50ms);
    }
  }

  // What a member's API server does for every new Service (the fake client does not): a
  // cluster IP, "10.96.<member>.<n>".
  void allocateClusterIps() {
    int member = 0;
    for (auto& [name, c] : members_) {
      ++member;
      auto list = c->list(kServicesGvr, "shop", {});
      if (!list) continue;
      for (const auto& svc : list->items) {
        Json obj = svc->json();
        if (!obj["spec"].value("clusterIP", "").empty()) continue;
        const std::string ip =
            "10.96." + std::to_string(member) + "." + std::to_string(++allocated_);
        obj["spec"]["clusterIP"] = ip;
        obj["spec"]["clusterIPs"] = {ip};
        (void)c->update(kServicesGvr, "shop", obj, {}, "");
      }
    }
  }

  void exportFrom(const std::string& m, const std::vector<std::pair<std::string, bool>>& eps,
                  const std::string& protocol = "TCP") {
    auto& c = *members_[m];
    ASSERT_TRUE(c.create(kServicesGvr, "shop",
                         {{"apiVersion", "v1"},
                          {"kind", "Service"},
                          {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
                          {"spec", {{"ports", {{{"name", "http"}, {"port", 80},
                                                {"protocol", protocol}}}}}}}));
    Json endpoints = Json::array();
    for (const auto& [ip, ready] : eps) {
      endpoints.push_back({{"addresses", {ip}}, {"conditions", {{"ready", ready}}}});
    }
    ASSERT_TRUE(c.create(kEndpointSlicesGvr, "shop",
                         {{"apiVersion", "discovery.k8s.io/v1"},
                          {"kind", "EndpointSlice"},
                          {"metadata",
                           {{"name", "web-abc"},
                            {"namespace", "shop"},
                            {"labels", {{kServiceNameLabel, "web"}}}}},
                          {"addressType", "IPv4"},
                          {"endpoints", endpoints},
                          {"ports", {{{"name", "http"}, {"port", 8080}}}}}));
    ASSERT_TRUE(c.create(kServiceExportsGvr, "shop",
                         {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
                          {"kind", "ServiceExport"},
                          {"metadata",
                           {{"name", "web"}, {"namespace", "shop"},
                            {"creationTimestamp", now_}}}}));
  }

  Json get(const std::string& m, const client::GroupVersionResource& gvr, const std::string& name) {
    auto r = members_[m]->get(gvr, "shop", name, "");
    return r ? (*r)->json() : Json();
  }

  std::shared_ptr<core::FakeClock> clock_;
  std::string now_;
  std::shared_ptr<client::Client> host_ = std::make_shared<client::FakeClient>();
  std::map<std::string, std::shared_ptr<client::Client>> members_;
  std::shared_ptr<controllers::StaticMemberClients> clients_ =
      std::make_shared<controllers::StaticMemberClients>();
  client::InformerPtr clusters_, imports_, mcss_, services_;
  std::shared_ptr<MemberCaches> caches_;
  std::shared_ptr<McsSyncController> controller_;
  int allocated_ = 0;
};

TEST_F(McsSyncTest, ExportImportsReadyEndpointsEverywhereAndUnexportCleansUp) {
  exportFrom("m1", {{"10.1.0.2", true}, {"10.1.0.3", false}});
  settle("shop/web");
  for (const char* m : {"m1", "m2"}) {
    SCOPED_TRACE(m);
    Json slice = get(m, kEndpointSlicesGvr, "imported-m1-web-abc");
    ASSERT_TRUE(slice.is_object());
    EXPECT_EQ(slice["metadata"]["labels"][kSourceClusterLabel], "m1");
    EXPECT_EQ(slice["metadata"]["labels"][kServiceNameLabel], "derived-web");
    ASSERT_EQ(slice["endpoints"].size(), 1u);
    EXPECT_EQ(slice["endpoints"][0]["addresses"][0], "10.1.0.2");
    Json si = get(m, kServiceImportsGvr, "web");
    EXPECT_EQ(si["spec"]["type"], "ClusterSetIP");
    EXPECT_EQ(si["status"]["clusters"], Json::parse(R"([{"cluster":"m1"}])"));
    EXPECT_EQ(get(m, kServicesGvr, "derived-web")["spec"]["ports"][0]["port"], 80);
  }
  auto host_si = host_->get(kServiceImportsGvr, "shop", "web", "");
  ASSERT_TRUE(host_si);
  EXPECT_EQ((*host_si)->json()["status"]["clusters"], Json::parse(R"([{"cluster":"m1"}])"));
  Json conditions = get("m1", kServiceExportsGvr, "web")["status"]["conditions"];
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(conditions[0]["type"], "Valid");
  EXPECT_EQ(conditions[1]["type"], "Conflict");
  EXPECT_EQ(conditions[1]["status"], "False");

  ASSERT_TRUE(members_["m1"]->remove(kServiceExportsGvr, "shop", "web", {}).isOk());
  settle("shop/web");
  for (const char* m : {"m1", "m2"}) {
    SCOPED_TRACE(m);
    EXPECT_TRUE(get(m, kEndpointSlicesGvr, "imported-m1-web-abc").is_null());
    EXPECT_TRUE(get(m, kServiceImportsGvr, "web").is_null());
    EXPECT_TRUE(get(m, kServicesGvr, "derived-web").is_null());
  }
  EXPECT_FALSE(host_->get(kServiceImportsGvr, "shop", "web", ""));
  EXPECT_TRUE(get("m1", kServicesGvr, "web").is_object());  // the user's Service stays
}

TEST_F(McsSyncTest, ImportCopiesCarryTheDerivedServiceClusterIp) {
  exportFrom("m1", {{"10.1.0.2", true}});
  settle("shop/web");
  for (const char* m : {"m1", "m2"}) {
    SCOPED_TRACE(m);
    const Json derived = get(m, kServicesGvr, "derived-web");
    ASSERT_TRUE(derived.is_object());
    const std::string ip = derived["spec"].value("clusterIP", "");
    ASSERT_FALSE(ip.empty());
    EXPECT_EQ(get(m, kServiceImportsGvr, "web")["spec"]["ips"], Json::array({ip}));
  }
  // The host import has no cluster of its own: no ips there.
  auto host_si = host_->get(kServiceImportsGvr, "shop", "web", "");
  ASSERT_TRUE(host_si);
  EXPECT_FALSE((*host_si)->json()["spec"].contains("ips"));
}

TEST_F(McsSyncTest, NotReadySourceIsWithdrawnAfterTheGrace) {
  exportFrom("m1", {{"10.1.0.2", true}});
  settle("shop/web");
  ASSERT_TRUE(get("m2", kEndpointSlicesGvr, "imported-m1-web-abc").is_object());
  // m1 turns NotReady now: within the grace its endpoints stay, and a recheck is asked for.
  auto cur = host_->get(controllers::kClustersGvr, "", "m1", "");
  ASSERT_TRUE(cur);
  Json c = clusterObject("m1", "False", now_);
  c["metadata"]["resourceVersion"] = (*cur)->resourceVersion();
  ASSERT_TRUE(host_->update(controllers::kClustersGvr, "", c, {}, ""));
  ASSERT_TRUE(eventually([&] {
    auto o = clusters_->indexer().get("m1");
    return o && o->json()["status"]["conditions"][0]["status"] == "False";
  }));
  auto r = controller_->reconcile(runtime::Request::fromKey("shop/web"));
  ASSERT_TRUE(r.isOk());
  ASSERT_TRUE(r->requeue_after.has_value());
  EXPECT_LE(*r->requeue_after, std::chrono::nanoseconds(6s));
  EXPECT_TRUE(get("m2", kEndpointSlicesGvr, "imported-m1-web-abc").is_object());
  // Past the grace: withdrawn from m2 (m1 itself is not written while NotReady).
  clock_->advance(6s);
  settle("shop/web");
  EXPECT_TRUE(get("m2", kEndpointSlicesGvr, "imported-m1-web-abc").is_null());
  EXPECT_TRUE(get("m1", kEndpointSlicesGvr, "imported-m1-web-abc").is_object());
}

TEST_F(McsSyncTest, ConflictingExportsOldestWins) {
  exportFrom("m1", {{"10.1.0.2", true}});
  clock_->advance(2s);
  now_ = core::formatRfc3339(clock_->wallNow());
  exportFrom("m2", {{"10.2.0.2", true}}, "UDP");
  settle("shop/web");
  for (const char* m : {"m1", "m2"}) {
    SCOPED_TRACE(m);
    Json conditions = get(m, kServiceExportsGvr, "web")["status"]["conditions"];
    ASSERT_EQ(conditions.size(), 2u);
    EXPECT_EQ(conditions[1]["status"], "True");
    EXPECT_EQ(conditions[1]["reason"], "PortConflict");
    EXPECT_NE(conditions[1]["message"].get<std::string>().find("m1 has TCP"), std::string::npos);
    EXPECT_EQ(get(m, kServiceImportsGvr, "web")["spec"]["ports"][0]["protocol"], "TCP");
  }
  // Both clusters' endpoints are still imported.
  EXPECT_TRUE(get("m1", kEndpointSlicesGvr, "imported-m2-web-abc").is_object());
  EXPECT_TRUE(get("m2", kEndpointSlicesGvr, "imported-m1-web-abc").is_object());
}

TEST_F(McsSyncTest, MultiClusterServiceDispatchesUnderTheNativeName) {
  ASSERT_TRUE(host_->create(kServicesGvr, "shop",
                            {{"apiVersion", "v1"},
                             {"kind", "Service"},
                             {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
                             {"spec", {{"selector", {{"app", "web"}}},
                                       {"clusterIP", "10.0.0.9"},
                                       {"ports", {{{"name", "http"}, {"port", 80}}}}}}}));
  ASSERT_TRUE(host_->create(kMultiClusterServicesGvr, "shop",
                            {{"apiVersion", "networking.karmada.io/v1alpha1"},
                             {"kind", "MultiClusterService"},
                             {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
                             {"spec", {{"types", {"CrossCluster"}},
                                       {"providerClusters", {{{"name", "m1"}}}},
                                       {"consumerClusters", {{{"name", "m2"}}}}}}}));
  // The provider runs the backend (its own Service and native slice, no export).
  exportFrom("m1", {{"10.1.0.2", true}});
  ASSERT_TRUE(members_["m1"]->remove(kServiceExportsGvr, "shop", "web", {}).isOk());
  ASSERT_TRUE(eventually([&] {
    return mcss_->indexer().get("shop", "web") && services_->indexer().get("shop", "web");
  }));
  settle("shop/web");
  Json copy = get("m2", kServicesGvr, "web");
  ASSERT_TRUE(copy.is_object());
  // The host's cluster IP is not copied: the member allocates its own.
  EXPECT_NE(copy["spec"].value("clusterIP", ""), "10.0.0.9");
  Json slice = get("m2", kEndpointSlicesGvr, "m1-web-abc");
  ASSERT_TRUE(slice.is_object());
  EXPECT_EQ(slice["metadata"]["labels"][kServiceNameLabel], "web");
  EXPECT_EQ(slice["metadata"]["annotations"][kProvisionClusterAnnotation], "m1");
  EXPECT_TRUE(get("m1", kEndpointSlicesGvr, "m1-web-abc").is_null());  // never to the source
  auto mcs = host_->get(kMultiClusterServicesGvr, "shop", "web", "");
  ASSERT_TRUE(mcs);
  const Json& conditions = (*mcs)->json()["status"]["conditions"];
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(conditions[0]["type"], "ServiceApplied");
  EXPECT_EQ(conditions[0]["status"], "True");
  EXPECT_EQ(conditions[1]["type"], "EndpointSliceDispatched");
  EXPECT_EQ(conditions[1]["reason"], "EndpointSliceDispatchedSucceed");
  // Deleting the MultiClusterService removes what it created.
  ASSERT_TRUE(host_->remove(kMultiClusterServicesGvr, "shop", "web", {}).isOk());
  ASSERT_TRUE(eventually([&] { return !mcss_->indexer().get("shop", "web"); }));
  settle("shop/web");
  EXPECT_TRUE(get("m2", kServicesGvr, "web").is_null());
  EXPECT_TRUE(get("m2", kEndpointSlicesGvr, "m1-web-abc").is_null());
}

}  // namespace
}  // namespace flotilla::mcs
