#include "mcs/consistency/service_view.h"

#include <gtest/gtest.h>

#include "mcs/consistency/status_report.h"

namespace flotilla::mcs {
namespace {

using std::chrono::system_clock;

const system_clock::time_point kNow = system_clock::from_time_t(1800000000);

Json clusterObject(const std::string& name, const std::string& ready = "True",
                   const std::string& since = "2026-01-01T00:00:00Z") {
  return {{"apiVersion", "cluster.karmada.io/v1alpha1"},
          {"kind", "Cluster"},
          {"metadata", {{"name", name}}},
          {"status",
           {{"conditions",
             {{{"type", "Ready"}, {"status", ready}, {"lastTransitionTime", since}}}}}}};
}

Json meta(const std::string& name, Json labels = Json::object()) {
  return {{"name", name}, {"namespace", "shop"}, {"labels", std::move(labels)}};
}

Json serviceObject(const std::string& type = "ClusterIP") {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", meta("web")},
          {"spec",
           {{"type", type},
            {"selector", {{"app", "web"}}},
            {"ports", {{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}}}}}}};
}

Json exportObject(Json conditions = Json::array()) {
  return {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
          {"kind", "ServiceExport"},
          {"metadata", {{"name", "web"}, {"namespace", "shop"},
                        {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
          {"status", {{"conditions", std::move(conditions)}}}};
}

// The member's own slice of the Service.
Json sourceSlice(const std::string& name, const std::vector<std::string>& ready,
                 const std::vector<std::string>& unready = {}) {
  Json endpoints = Json::array();
  for (const auto& a : ready) {
    endpoints.push_back({{"addresses", {a}}, {"conditions", {{"ready", true}}}});
  }
  for (const auto& a : unready) {
    endpoints.push_back({{"addresses", {a}}, {"conditions", {{"ready", false}}}});
  }
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata", meta(name, {{"kubernetes.io/service-name", "web"},
                                   {"endpointslice.kubernetes.io/managed-by",
                                    "endpointslice-controller.k8s.io"}})},
          {"addressType", "IPv4"},
          {"endpoints", endpoints},
          {"ports", {{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}}};
}

MemberState member(const std::string& name, Json cluster = Json()) {
  MemberState m;
  m.name = name;
  m.cluster = cluster.is_null() ? clusterObject(name) : cluster;
  return m;
}

// a exports web (2 ready + 1 unready endpoints); b consumes it through the managed import.
FederationState importFederation() {
  FederationState s;
  MemberState a = member("a");
  a.services.push_back(serviceObject());
  a.service_exports.push_back(exportObject());
  a.endpoint_slices.push_back(sourceSlice("web-x1", {"10.0.0.1", "10.0.0.2"}, {"10.0.0.3"}));
  MemberState b = member("b");
  s.members = {a, b};
  // The sync wrote the desired slices into both (the exporter is a consumer too).
  const ImportTarget target{"shop", "web", ImportMode::ServiceImport};
  for (auto& m : s.members) {
    for (auto& d : desiredConsumerSlices(target, "a", {s.members[0].endpoint_slices[0]})) {
      d["metadata"]["resourceVersion"] = "7";
      m.endpoint_slices.push_back(d);
    }
  }
  return s;
}

TEST(ServiceView, ServiceImportInSync) {
  const auto views = buildServiceViews(importFederation(), kNow);
  ASSERT_EQ(views.size(), 1u);
  const ServiceView& v = views[0];
  EXPECT_EQ(v.key(), "shop/web");
  EXPECT_EQ(v.target.mode, ImportMode::ServiceImport);
  EXPECT_EQ(v.providers, (std::vector<std::string>{"a"}));
  EXPECT_EQ(v.consumers, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(v.provider_endpoints.at("a"), 2);
  EXPECT_EQ(v.consumer_endpoints.at("b"), 2);
  EXPECT_EQ(v.consumer_expected.at("b"), 2);
  EXPECT_FALSE(v.drifted());
  EXPECT_TRUE(v.unchecked.empty());
}

TEST(ServiceView, HandDeletedSliceIsDrift) {
  FederationState s = importFederation();
  auto& b_slices = s.members[1].endpoint_slices;
  b_slices.clear();  // deleted by hand in b
  auto views = buildServiceViews(s, kNow);
  ASSERT_EQ(views.size(), 1u);
  ASSERT_EQ(views[0].drift.size(), 1u);
  EXPECT_EQ(views[0].drift[0].consumer, "b");
  EXPECT_EQ(views[0].drift[0].describe(),
            "missing slice imported-a-web-x1 (lacks 10.0.0.1, 10.0.0.2)");
  EXPECT_EQ(views[0].consumer_endpoints.at("b"), 0);
  // The repair material: what b should hold.
  ASSERT_EQ(views[0].slices.at("b").desired.size(), 1u);
  EXPECT_TRUE(views[0].slices.at("b").actual.empty());

  const std::string table = renderStatusTable(views);
  EXPECT_NE(table.find("shop        web    ServiceImport"), std::string::npos) << table;
  EXPECT_NE(table.find("a=2,a<2,b<0/2"), std::string::npos) << table;
  EXPECT_NE(table.find("drift in b: missing slice imported-a-web-x1"), std::string::npos)
      << table;
  const Json j = statusJson(views);
  EXPECT_EQ(j["services"][0]["drift"][0]["slices"][0]["kind"], "missing");
  EXPECT_EQ(j["services"][0]["clusters"]["b"]["expectedEndpoints"], 2);
}

TEST(ServiceView, UnreachableOrNotReadyConsumersAreNotJudged) {
  FederationState s = importFederation();
  s.members[1].endpoint_slices.clear();
  s.members[1].reachable = false;
  s.members[1].error = "connection refused";
  auto views = buildServiceViews(s, kNow);
  EXPECT_FALSE(views[0].drifted());
  EXPECT_EQ(views[0].unchecked, (std::vector<std::string>{"b: cannot be read: connection refused"}));

  s = importFederation();
  s.members[1].endpoint_slices.clear();
  s.members[1].cluster = clusterObject("b", "False");
  views = buildServiceViews(s, kNow);
  EXPECT_FALSE(views[0].drifted());
  EXPECT_EQ(views[0].unchecked, (std::vector<std::string>{"b: not Ready"}));
}

TEST(ServiceView, ProviderInGraceHoldsJudgement) {
  FederationState s = importFederation();
  // a went NotReady at `since`: the sync keeps its endpoints for the grace period.
  const auto since = system_clock::from_time_t(1800000000);  // 2027-01-15T08:00:00Z
  s.members[0].cluster = clusterObject("a", "False", "2027-01-15T08:00:00Z");
  auto views = buildServiceViews(s, since + std::chrono::seconds(2));
  EXPECT_FALSE(views[0].drifted());
  EXPECT_EQ(views[0].unchecked,
            (std::vector<std::string>{"a: not Ready",
                                      "b: provider a is NotReady within its grace period"}));
  // After the grace a is no source: b should hold nothing, so its copy is extra.
  views = buildServiceViews(s, since + std::chrono::minutes(5));
  EXPECT_TRUE(views[0].sources.empty());
  ASSERT_EQ(views[0].drift.size(), 1u);
  EXPECT_EQ(views[0].drift[0].consumer, "b");
  EXPECT_EQ(views[0].drift[0].slices[0].kind, DriftKind::Extra);
}

TEST(ServiceView, ConflictsAreListed) {
  FederationState s = importFederation();
  s.members[0].service_exports[0] = exportObject(
      {{{"type", "Conflict"}, {"status", "True"}, {"reason", "PortConflict"},
        {"message", "port http: 80/TCP in a, 81/TCP in b"}}});
  auto views = buildServiceViews(s, kNow);
  EXPECT_EQ(views[0].conflicts, (std::vector<std::string>{"a: port http: 80/TCP in a, 81/TCP in b"}));
  EXPECT_NE(renderStatusTable(views).find("conflict: a: port http"), std::string::npos);
}

TEST(ServiceView, ExternalNameIsNoProvider) {
  FederationState s = importFederation();
  s.members[0].services[0] = serviceObject("ExternalName");
  auto views = buildServiceViews(s, kNow);
  EXPECT_TRUE(views[0].providers.empty());
  // Everything the sync wrote is now extra.
  EXPECT_EQ(views[0].drift.size(), 2u);
}

TEST(ServiceView, MultiClusterServiceStaleEndpoint) {
  FederationState s;
  MemberState a = member("a");
  a.endpoint_slices.push_back(sourceSlice("web-x1", {"10.0.0.1", "10.0.0.2"}));
  MemberState b = member("b");
  const ImportTarget target{"shop", "web", ImportMode::MultiClusterService};
  for (auto d : desiredConsumerSlices(target, "a", a.endpoint_slices)) {
    d["endpoints"].erase(1);  // an endpoint removed by hand
    b.endpoint_slices.push_back(d);
  }
  s.members = {a, b};
  s.multi_cluster_services.push_back(
      {{"apiVersion", "networking.karmada.io/v1alpha1"},
       {"kind", "MultiClusterService"},
       {"metadata", meta("web")},
       {"spec",
        {{"types", {"CrossCluster"}},
         {"providerClusters", {{{"name", "a"}}}},
         {"consumerClusters", {{{"name", "b"}}}}}}});
  auto views = buildServiceViews(s, kNow);
  ASSERT_EQ(views.size(), 1u);
  const ServiceView& v = views[0];
  EXPECT_EQ(v.target.mode, ImportMode::MultiClusterService);
  EXPECT_EQ(v.providers, (std::vector<std::string>{"a"}));
  EXPECT_EQ(v.consumers, (std::vector<std::string>{"b"}));
  ASSERT_EQ(v.drift.size(), 1u);
  EXPECT_EQ(v.drift[0].describe(), "stale slice a-web-x1 (lacks 10.0.0.2)");
}

TEST(ServiceView, EmptyFederation) {
  EXPECT_TRUE(buildServiceViews({}, kNow).empty());
  EXPECT_EQ(renderStatusTable({}), "No multi-cluster services found.\n");
}

}  // namespace
}  // namespace flotilla::mcs
