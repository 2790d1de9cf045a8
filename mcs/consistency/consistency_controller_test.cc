#include "mcs/consistency/consistency_controller.h"

#include <gtest/gtest.h>

#include "client/fake_client.h"
#include "controllers/wire/karmada_names.h"
#include "mcs/controllers/member_caches.h"
#include "mcs/endpoints/consumer_slices.h"
#include "mcs/endpoints/mcs_labels.h"

namespace flotilla::mcs {
namespace {

using client::FakeClient;

const client::GroupVersionResource kEventsGvr{"", "v1", "events"};

Json clusterObject(const std::string& name) {
  return {{"apiVersion", "cluster.karmada.io/v1alpha1"},
          {"kind", "Cluster"},
          {"metadata", {{"name", name}}},
          {"spec", {{"syncMode", "Push"}}},
          {"status",
           {{"conditions",
             {{{"type", "Ready"}, {"status", "True"},
               {"lastTransitionTime", "2026-01-01T00:00:00Z"}}}}}}};
}

Json sourceSlice() {
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata",
           {{"name", "web-x1"},
            {"namespace", "shop"},
            {"labels", {{"kubernetes.io/service-name", "web"}}}}},
          {"addressType", "IPv4"},
          {"endpoints",
           {{{"addresses", {"10.0.0.1"}}, {"conditions", {{"ready", true}}}},
            {{"addresses", {"10.0.0.2"}}, {"conditions", {{"ready", true}}}}}},
          {"ports", {{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}}};
}

struct Federation {
  // Called through the Client interface (its default arguments); b_fake injects failures.
  std::shared_ptr<client::Client> host = std::make_shared<FakeClient>();
  std::shared_ptr<client::Client> a = std::make_shared<FakeClient>();
  std::shared_ptr<FakeClient> b_fake = std::make_shared<FakeClient>();
  std::shared_ptr<client::Client> b = b_fake;
  std::shared_ptr<controllers::StaticMemberClients> members =
      std::make_shared<controllers::StaticMemberClients>();
  runtime::MetricsRegistry metrics;
  std::unique_ptr<ConsistencyController> controller;
  const ImportTarget target{"shop", "web", ImportMode::ServiceImport};

  Federation() {
    members->set("a", a);
    members->set("b", b);
    for (const char* c : {"a", "b"}) {
      EXPECT_TRUE(host->create(controllers::kClustersGvr, "", clusterObject(c)).isOk());
    }
    // The sync controller's host import (managed: every cluster consumes).
    EXPECT_TRUE(host->create(kServiceImportsGvr, "shop",
                             {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
                              {"kind", "ServiceImport"},
                              {"metadata",
                               {{"name", "web"},
                                {"namespace", "shop"},
                                {"labels", {{kObjectManagedByLabel, kManagedByValue}}}}},
                              {"spec", {{"type", "ClusterSetIP"}}}})
                    .isOk());
    EXPECT_TRUE(a->create(kServicesGvr, "shop",
                          {{"apiVersion", "v1"},
                           {"kind", "Service"},
                           {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
                           {"spec", {{"ports", {{{"name", "http"}, {"port", 80}}}}}}})
                    .isOk());
    EXPECT_TRUE(a->create(kServiceExportsGvr, "shop",
                          {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
                           {"kind", "ServiceExport"},
                           {"metadata", {{"name", "web"}, {"namespace", "shop"}}}})
                    .isOk());
    EXPECT_TRUE(a->create(kEndpointSlicesGvr, "shop", sourceSlice()).isOk());
    // What the sync wrote into both consumers.
    for (auto& c : {a, b}) {
      for (const auto& s : desiredConsumerSlices(target, "a", {sourceSlice()})) {
        EXPECT_TRUE(c->create(kEndpointSlicesGvr, "shop", s).isOk());
      }
    }
    auto events = std::make_shared<runtime::EventRecorder>(host, "test");
    controller = std::make_unique<ConsistencyController>(host, members, events, &metrics,
                                                         ConsistencyOptions{});
  }

  CheckOutcome check() {
    auto r = controller->checkOnce();
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return r.isOk() ? *r : CheckOutcome{};
  }

  std::string exportCondition(const std::string& field) {
    auto e = a->get(kServiceExportsGvr, "shop", "web", "");
    if (!e) return "";
    for (const auto& c : (*e)->json().value("status", Json::object())
                             .value("conditions", Json::array())) {
      if (c.value("type", "") == kConsistentCondition) return c.value(field, "");
    }
    return "";
  }
};

const std::string kImported = "imported-a-web-x1";

TEST(ConsistencyController, HandDeletedSliceIsRepairedAfterConfirmation) {
  Federation f;
  CheckOutcome o = f.check();
  EXPECT_EQ(o.services, 1);
  EXPECT_EQ(o.drifted_consumers, 0);
  EXPECT_EQ(f.exportCondition("status"), "True");
  EXPECT_EQ(f.exportCondition("reason"), "NoDrift");

  ASSERT_TRUE(f.b->remove(kEndpointSlicesGvr, "shop", kImported, {}).isOk());
  o = f.check();  // seen once: suspected only
  EXPECT_EQ(o.suspected_consumers, 1);
  EXPECT_EQ(o.drifted_consumers, 0);
  EXPECT_FALSE(f.b->get(kEndpointSlicesGvr, "shop", kImported, "").isOk());

  o = f.check();  // confirmed: repaired
  EXPECT_EQ(o.drifted_consumers, 1);
  EXPECT_EQ(o.repaired_slices, 1);
  EXPECT_EQ(o.repair_failures, 0);
  auto repaired = f.b->get(kEndpointSlicesGvr, "shop", kImported, "");
  ASSERT_TRUE(repaired.isOk());
  EXPECT_EQ(readyAddresses({(*repaired)->json()}),
            (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(f.exportCondition("status"), "False");
  EXPECT_EQ(f.exportCondition("reason"), "EndpointDriftRepaired");
  EXPECT_NE(f.exportCondition("message").find("b: missing slice imported-a-web-x1"),
            std::string::npos)
      << f.exportCondition("message");

  const std::string metrics = f.metrics.render();
  EXPECT_NE(metrics.find("flotilla_mcs_endpoint_drift_total{namespace=\"shop\",service=\"web\","
                         "consumer=\"b\",kind=\"missing\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("flotilla_mcs_drift_repairs_total{result=\"success\"} 1"),
            std::string::npos)
      << metrics;

  auto events = f.host->list(kEventsGvr, "shop");
  ASSERT_TRUE(events.isOk());
  ASSERT_EQ(events->items.size(), 1u);
  const Json& ev = events->items[0]->json();
  EXPECT_EQ(ev.value("reason", ""), "EndpointDrift");
  EXPECT_EQ(ev.value("type", ""), "Warning");
  EXPECT_EQ(ev["involvedObject"].value("kind", ""), "ServiceImport");

  o = f.check();  // consistent again
  EXPECT_EQ(o.drifted_consumers + o.suspected_consumers, 0);
  EXPECT_EQ(f.exportCondition("status"), "True");
  EXPECT_NE(f.metrics.render().find(
                "flotilla_mcs_endpoint_drift{namespace=\"shop\",service=\"web\",consumer=\"b\"} 0"),
            std::string::npos);
}

// Karmada's flow keeps a ServiceExport on the host too (propagated by a policy): it carries the
// same condition, found in the one host LIST of the check.
TEST(ConsistencyController, HostServiceExportGetsTheConditionToo) {
  Federation f;
  ASSERT_TRUE(f.host->create(kServiceExportsGvr, "shop",
                             {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
                              {"kind", "ServiceExport"},
                              {"metadata", {{"name", "web"}, {"namespace", "shop"}}}})
                  .isOk());
  f.check();
  auto e = f.host->get(kServiceExportsGvr, "shop", "web", "");
  ASSERT_TRUE(e);
  std::string status;
  for (const auto& c : (*e)->json()["status"].value("conditions", Json::array())) {
    if (c.value("type", "") == kConsistentCondition) status = c.value("status", "");
  }
  EXPECT_EQ(status, "True");
}

TEST(ConsistencyController, StaleAndExtraSlicesAreRepaired) {
  Federation f;
  auto s = f.b->get(kEndpointSlicesGvr, "shop", kImported, "");
  ASSERT_TRUE(s.isOk());
  Json edited = (*s)->json();
  edited["endpoints"].erase(1);  // an endpoint deleted by hand
  ASSERT_TRUE(f.b->update(kEndpointSlicesGvr, "shop", edited, {}, "").isOk());
  Json leftover = desiredConsumerSlices(f.target, "gone", {sourceSlice()})[0];
  ASSERT_TRUE(f.b->create(kEndpointSlicesGvr, "shop", leftover).isOk());
  f.check();
  const CheckOutcome o = f.check();
  EXPECT_EQ(o.drifted_consumers, 1);
  EXPECT_EQ(o.repaired_slices, 2);
  auto fixed = f.b->get(kEndpointSlicesGvr, "shop", kImported, "");
  ASSERT_TRUE(fixed.isOk());
  EXPECT_EQ(readyAddresses({(*fixed)->json()}).size(), 2u);
  EXPECT_FALSE(f.b->get(kEndpointSlicesGvr, "shop", "imported-gone-web-x1", "").isOk());
}

TEST(ConsistencyController, DriftThatHealsBeforeConfirmationIsNotReported) {
  Federation f;
  auto s = f.b->get(kEndpointSlicesGvr, "shop", kImported, "");
  ASSERT_TRUE(s.isOk());
  const Json original = (*s)->json();
  ASSERT_TRUE(f.b->remove(kEndpointSlicesGvr, "shop", kImported, {}).isOk());
  EXPECT_EQ(f.check().suspected_consumers, 1);
  Json again = original;
  again["metadata"].erase("resourceVersion");
  ASSERT_TRUE(f.b->create(kEndpointSlicesGvr, "shop", again).isOk());  // the sync caught up
  const CheckOutcome o = f.check();
  EXPECT_EQ(o.drifted_consumers + o.suspected_consumers, 0);
  EXPECT_EQ(f.metrics.render().find("flotilla_mcs_endpoint_drift_total{"), std::string::npos);
}

TEST(ConsistencyController, UnreachableConsumerIsNotRepairedNorFatal) {
  Federation f;
  ASSERT_TRUE(f.b->remove(kEndpointSlicesGvr, "shop", kImported, {}).isOk());
  f.b_fake->failNext(100, core::Status(core::Code::Unavailable, "connection refused"));
  for (int i = 0; i < 3; ++i) {
    const CheckOutcome o = f.check();
    EXPECT_EQ(o.drifted_consumers + o.suspected_consumers, 0);
  }
}

TEST(ConsistencyController, ReconcileAsksToRunAgainAfterThePeriod) {
  Federation f;
  ConsistencyOptions options;
  options.period = std::chrono::milliseconds(1234);
  ConsistencyController c(f.host, f.members, nullptr, nullptr, options);
  auto r = c.reconcile({"", kConsistencyKey});
  ASSERT_TRUE(r.isOk());
  ASSERT_TRUE(r->requeue_after.has_value());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(*r->requeue_after).count(),
            1234);
}

}  // namespace
}  // namespace flotilla::mcs
