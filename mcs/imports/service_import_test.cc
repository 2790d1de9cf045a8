#include "mcs/imports/service_import.h"

#include <gtest/gtest.h>

#include "mcs/endpoints/mcs_labels.h"

namespace flotilla::mcs {
namespace {

TEST(ServiceImportSpec, Table) {
  struct Row {
    const char* name;
    ExportResolution resolution;
    Json spec;
  } rows[] = {
      {"cluster set ip",
       [] {
         ExportResolution r;
         r.type = "ClusterSetIP";
         r.ports = Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"}])");
         return r;
       }(),
       Json::parse(R"({"type":"ClusterSetIP","ports":[{"name":"http","port":80,"protocol":"TCP"}]})")},
      {"headless with affinity",
       [] {
         ExportResolution r;
         r.type = "Headless";
         r.session_affinity = "ClientIP";
         r.session_affinity_config = {{"clientIP", {{"timeoutSeconds", 60}}}};
         return r;
       }(),
       Json::parse(R"({"type":"Headless","ports":[],"sessionAffinity":"ClientIP",
                       "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":60}}})")},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(serviceImportSpec(r.resolution), r.spec);
  }
}

TEST(ServiceImportStatus, SortedUnique) {
  EXPECT_EQ(serviceImportStatus({"b", "a", "b"}),
            Json::parse(R"({"clusters":[{"cluster":"a"},{"cluster":"b"}]})"));
}

TEST(DerivedService, Table) {
  struct Row {
    const char* name;
    Json import_spec;
    Json spec;
  } rows[] = {
      {"cluster set ip",
       Json::parse(R"({"type":"ClusterSetIP","ports":[{"name":"http","port":80,"protocol":"TCP",
                       "appProtocol":"http"}]})"),
       Json::parse(R"({"type":"ClusterIP","ports":[{"name":"http","port":80,"protocol":"TCP",
                       "appProtocol":"http"}]})")},
      {"headless, unnamed port",
       Json::parse(R"({"type":"Headless","ports":[{"name":"","port":53,"protocol":"UDP"}]})"),
       Json::parse(R"({"type":"ClusterIP","clusterIP":"None",
                       "ports":[{"port":53,"protocol":"UDP"}]})")},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    Json svc = derivedService("shop", "web", r.import_spec);
    EXPECT_EQ(svc["metadata"]["name"], "derived-web");
    EXPECT_EQ(svc["metadata"]["namespace"], "shop");
    EXPECT_EQ(svc["spec"], r.spec);
    EXPECT_TRUE(isManagedObject(svc));
    EXPECT_EQ(svc["metadata"]["labels"][kMcsServiceNameLabel], "web");
  }
}

TEST(ManagedServiceImport, Labels) {
  Json si = managedServiceImport("shop", "web", {{"type", "ClusterSetIP"}},
                                 serviceImportStatus({"a"}));
  EXPECT_EQ(si["apiVersion"], "multicluster.x-k8s.io/v1alpha1");
  EXPECT_EQ(si["kind"], "ServiceImport");
  EXPECT_TRUE(isManagedObject(si));
  EXPECT_FALSE(isManagedObject(Json::object()));
}

TEST(ConsumerServiceCopy, DropsClusterAllocatedFields) {
  Json host = Json::parse(R"({"apiVersion":"v1","kind":"Service",
      "metadata":{"name":"web","namespace":"shop","labels":{"app":"web"},"uid":"u",
                  "resourceVersion":"7"},
      "spec":{"type":"NodePort","clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
              "selector":{"app":"web"},
              "ports":[{"name":"http","port":80,"nodePort":30080}]}})");
  Json copy = consumerServiceCopy(host);
  EXPECT_EQ(copy["metadata"]["name"], "web");
  EXPECT_EQ(copy["metadata"]["namespace"], "shop");
  EXPECT_FALSE(copy["metadata"].contains("uid"));
  EXPECT_FALSE(copy["metadata"].contains("resourceVersion"));
  EXPECT_EQ(copy["metadata"]["labels"]["app"], "web");
  EXPECT_TRUE(isManagedObject(copy));
  EXPECT_FALSE(copy["spec"].contains("clusterIP"));
  EXPECT_FALSE(copy["spec"].contains("clusterIPs"));
  EXPECT_FALSE(copy["spec"]["ports"][0].contains("nodePort"));
  EXPECT_EQ(copy["spec"]["selector"]["app"], "web");
}

TEST(ConsumerImportSpec, Table) {
  const Json ports = Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"}])");
  auto derived = [](const char* spec) {
    return Json{{"metadata", {{"name", "derived-web"}}}, {"spec", Json::parse(spec)}};
  };
  struct Row {
    const char* name;
    Json import_spec;
    Json derived;
    Json ips;  // null: no ips
  } rows[] = {
      {"cluster set ip takes the derived cluster ip",
       {{"type", "ClusterSetIP"}, {"ports", ports}},
       derived(R"({"clusterIP":"10.96.0.7","clusterIPs":["10.96.0.7"]})"),
       Json::parse(R"(["10.96.0.7"])")},
      {"dual stack keeps both families once",
       {{"type", "ClusterSetIP"}, {"ports", ports}},
       derived(R"({"clusterIP":"10.96.0.7","clusterIPs":["10.96.0.7","fd00::7"]})"),
       Json::parse(R"(["10.96.0.7","fd00::7"])")},
      {"not allocated yet", {{"type", "ClusterSetIP"}, {"ports", ports}}, derived("{}"), Json()},
      {"no derived service", {{"type", "ClusterSetIP"}, {"ports", ports}}, Json(), Json()},
      {"headless has no ips",
       {{"type", "Headless"}, {"ports", ports}},
       derived(R"({"clusterIP":"None"})"),
       Json()},
      {"stale ips from elsewhere are replaced",
       {{"type", "ClusterSetIP"}, {"ports", ports}, {"ips", {"1.2.3.4"}}},
       derived(R"({"clusterIP":"10.96.0.9"})"),
       Json::parse(R"(["10.96.0.9"])")},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    const Json spec = consumerImportSpec(r.import_spec, r.derived);
    EXPECT_EQ(spec.value("ips", Json()), r.ips);
    EXPECT_EQ(spec["ports"], ports);
    EXPECT_EQ(spec["type"], r.import_spec["type"]);
  }
}

TEST(DerivedServiceStatus, Table) {
  struct Row {
    const char* name;
    Json import_spec;
    Json status;
  } rows[] = {
      {"ips become ingress", {{"type", "ClusterSetIP"}, {"ips", {"1.2.3.4", "5.6.7.8"}}},
       Json::parse(R"({"loadBalancer":{"ingress":[{"ip":"1.2.3.4"},{"ip":"5.6.7.8"}]}})")},
      {"no ips, no status", {{"type", "ClusterSetIP"}}, Json()},
      {"empty strings ignored", {{"type", "ClusterSetIP"}, {"ips", {""}}}, Json()},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(derivedServiceStatus(r.import_spec), r.status);
  }
}

}  // namespace
}  // namespace flotilla::mcs
