#include "mcs/endpoints/consumer_slices.h"

#include <gtest/gtest.h>

#include "mcs/endpoints/mcs_labels.h"

namespace flotilla::mcs {
namespace {

Json endpoint(const std::string& ip, Json ready) {
  Json ep = {{"addresses", {ip}}, {"nodeName", "node-0"}, {"zone", "z1"},
             {"targetRef", {{"kind", "Pod"}, {"name", "p-" + ip}}}};
  if (!ready.is_null()) ep["conditions"] = {{"ready", ready}, {"serving", ready}};
  return ep;
}

Json sourceSlice(const std::string& name, const std::string& service, std::vector<Json> eps,
                 const std::string& managed_by = "endpointslice-controller.k8s.io") {
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata",
           {{"name", name},
            {"namespace", "shop"},
            {"labels", {{kServiceNameLabel, service}, {kSliceManagedByLabel, managed_by}}}}},
          {"addressType", "IPv4"},
          {"endpoints", eps},
          {"ports", {{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}}};
}

TEST(ConsumerSliceNames, Table) {
  struct Row {
    const char* name;
    ImportMode mode;
    std::string service, slice;
  } rows[] = {
      {"service import", ImportMode::ServiceImport, "derived-web", "imported-member1-web-abcde"},
      {"multi-cluster service", ImportMode::MultiClusterService, "web", "member1-web-abcde"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    ImportTarget t{"shop", "web", r.mode};
    EXPECT_EQ(consumerServiceName(t), r.service);
    EXPECT_EQ(consumerSliceName(t, "member1", "web-abcde"), r.slice);
  }
}

TEST(IsSourceSlice, Table) {
  Json ours = sourceSlice("member1-web-x", "web", {}, kManagedByValue);
  Json other_service = sourceSlice("db-x", "db", {});
  Json no_labels = {{"metadata", {{"name", "x"}}}};
  // A member's own slice of a Service copy Flotilla wrote: the Service's labels were copied.
  Json copied = sourceSlice("web-y", "web", {});
  copied["metadata"]["labels"][kObjectManagedByLabel] = kManagedByValue;
  struct Row {
    const char* name;
    Json slice;
    bool source, managed;
  } rows[] = {
      {"native slice of the service", sourceSlice("web-x", "web", {}), true, false},
      {"flotilla's own slice is never a source", ours, false, true},
      {"another service", other_service, false, false},
      {"no labels", no_labels, false, false},
      {"native slice with the Service copy's labels", copied, true, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(isSourceSlice(r.slice, "web"), r.source);
    EXPECT_EQ(isManagedSlice(r.slice), r.managed);
  }
}

TEST(EndpointReady, Table) {
  EXPECT_TRUE(endpointReady(endpoint("1.1.1.1", true)));
  EXPECT_FALSE(endpointReady(endpoint("1.1.1.1", false)));
  EXPECT_TRUE(endpointReady(endpoint("1.1.1.1", Json())));  // absent = ready
}

TEST(DesiredConsumerSlices, Table) {
  const std::vector<Json> source = {
      sourceSlice("web-b", "web", {endpoint("10.1.0.3", true), endpoint("10.1.0.4", false)}),
      sourceSlice("web-a", "web", {endpoint("10.1.0.2", Json())}),
      sourceSlice("db-a", "db", {endpoint("10.1.0.9", true)}),
      sourceSlice("member2-web-z", "web", {endpoint("10.2.0.2", true)}, kManagedByValue),
  };
  struct Row {
    const char* name;
    ImportMode mode;
    std::vector<std::string> names;
    std::string service_label;
    bool annotated;
  } rows[] = {
      {"service import", ImportMode::ServiceImport,
       {"imported-member1-web-a", "imported-member1-web-b"}, "derived-web", false},
      {"multi-cluster service", ImportMode::MultiClusterService,
       {"member1-web-a", "member1-web-b"}, "web", true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    ImportTarget t{"shop", "web", r.mode};
    auto slices = desiredConsumerSlices(t, "member1", source);
    ASSERT_EQ(slices.size(), r.names.size());
    for (size_t i = 0; i < slices.size(); ++i) {
      const Json& s = slices[i];
      EXPECT_EQ(s["metadata"]["name"], r.names[i]);
      EXPECT_EQ(s["metadata"]["namespace"], "shop");
      EXPECT_EQ(s["apiVersion"], "discovery.k8s.io/v1");
      EXPECT_EQ(s["kind"], "EndpointSlice");
      EXPECT_EQ(s["addressType"], "IPv4");
      EXPECT_EQ(s["ports"][0]["port"], 8080);
      const Json& labels = s["metadata"]["labels"];
      EXPECT_EQ(labels[kServiceNameLabel], r.service_label);
      EXPECT_EQ(labels[kMcsServiceNameLabel], "web");
      EXPECT_EQ(labels[kSourceClusterLabel], "member1");
      EXPECT_EQ(labels[kSliceManagedByLabel], kManagedByValue);
      EXPECT_EQ(s["metadata"].contains("annotations"), r.annotated);
      // The selector finds what the function produced.
      for (const auto& [k, v] : managedSliceSelector(t, "member1")) EXPECT_EQ(labels[k], v);
    }
    // Only ready endpoints, without cluster-local fields.
    EXPECT_EQ(slices[0]["endpoints"].size(), 1u);
    EXPECT_EQ(slices[1]["endpoints"].size(), 1u);
    EXPECT_EQ(slices[1]["endpoints"][0]["addresses"][0], "10.1.0.3");
    EXPECT_FALSE(slices[1]["endpoints"][0].contains("nodeName"));
    EXPECT_FALSE(slices[1]["endpoints"][0].contains("targetRef"));
    EXPECT_EQ(slices[1]["endpoints"][0]["zone"], "z1");
    EXPECT_EQ(readyAddresses(slices), (std::vector<std::string>{"10.1.0.2", "10.1.0.3"}));
  }
}

TEST(DesiredConsumerSlices, AllUnreadyKeepsAnEmptySlice) {
  ImportTarget t{"shop", "web", ImportMode::ServiceImport};
  auto slices = desiredConsumerSlices(t, "m", {sourceSlice("web-a", "web",
                                                           {endpoint("10.1.0.2", false)})});
  ASSERT_EQ(slices.size(), 1u);
  EXPECT_TRUE(slices[0]["endpoints"].empty());
  EXPECT_TRUE(readyAddresses(slices).empty());
}

TEST(DesiredConsumerSlices, NoSourceSlicesNoConsumerSlices) {
  ImportTarget t{"shop", "web", ImportMode::ServiceImport};
  EXPECT_TRUE(desiredConsumerSlices(t, "m", {}).empty());
  EXPECT_EQ(managedSliceSelector(t, "").count(kSourceClusterLabel), 0u);
}

}  // namespace
}  // namespace flotilla::mcs
