// applyNeeded: whether a member's managed objects already match the desired set (pure).
#include "mcs/controllers/member_apply.h"

#include <gtest/gtest.h>

#include "mcs/controllers/member_caches.h"

namespace flotilla::mcs {
namespace {

using Json = nlohmann::json;

Json slice(const std::string& name, const std::string& ip) {
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata", {{"name", name}, {"namespace", "shop"}, {"labels", {{"a", "b"}}}}},
          {"addressType", "IPv4"},
          {"endpoints", {{{"addresses", {ip}}}}}};
}

Json withServerFields(Json o) {
  o["metadata"]["resourceVersion"] = "7";
  o["metadata"]["uid"] = "u1";
  o["metadata"]["labels"]["other"] = "kept";
  return o;
}

Json import(const Json& status) {
  Json o = {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
            {"kind", "ServiceImport"},
            {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
            {"spec", {{"type", "ClusterSetIP"}}}};
  if (!status.is_null()) o["status"] = status;
  return o;
}

TEST(ApplyNeededTest, Table) {
  const Json clusters_a = {{"clusters", {{{"cluster", "a"}}}}};
  const Json clusters_ab = {{"clusters", {{{"cluster", "a"}}, {{"cluster", "b"}}}}};
  struct Case {
    const char* name;
    std::vector<ManagedObject> desired, actual;
    bool want;
  };
  const std::vector<Case> cases = {
      {"nothing desired, nothing there", {}, {}, false},
      {"same slice, server added fields",
       {{kEndpointSlicesGvr, slice("s1", "10.0.0.1"), Json()}},
       {{kEndpointSlicesGvr, withServerFields(slice("s1", "10.0.0.1")), Json()}},
       false},
      {"missing slice is created", {{kEndpointSlicesGvr, slice("s1", "10.0.0.1"), Json()}}, {},
       true},
      {"changed endpoints are updated",
       {{kEndpointSlicesGvr, slice("s1", "10.0.0.2"), Json()}},
       {{kEndpointSlicesGvr, withServerFields(slice("s1", "10.0.0.1")), Json()}},
       true},
      {"leftover slice is deleted", {},
       {{kEndpointSlicesGvr, withServerFields(slice("s1", "10.0.0.1")), Json()}},
       true},
      {"one of two left over",
       {{kEndpointSlicesGvr, slice("s1", "10.0.0.1"), Json()}},
       {{kEndpointSlicesGvr, withServerFields(slice("s1", "10.0.0.1")), Json()},
        {kEndpointSlicesGvr, withServerFields(slice("s2", "10.0.0.1")), Json()}},
       true},
      {"status already written",
       {{kServiceImportsGvr, import(Json()), clusters_a}},
       {{kServiceImportsGvr, withServerFields(import(clusters_a)), Json()}},
       false},
      {"status differs",
       {{kServiceImportsGvr, import(Json()), clusters_ab}},
       {{kServiceImportsGvr, withServerFields(import(clusters_a)), Json()}},
       true},
      {"status missing",
       {{kServiceImportsGvr, import(Json()), clusters_a}},
       {{kServiceImportsGvr, withServerFields(import(Json())), Json()}},
       true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(applyNeeded(c.desired, c.actual), c.want) << c.name;
  }
}

}  // namespace
}  // namespace flotilla::mcs
