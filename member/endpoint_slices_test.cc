#include "member/endpoint_slices.h"

#include <gtest/gtest.h>

namespace flotilla::member {
namespace {

Json service(Json ports, bool publish_not_ready = false) {
  return {{"metadata", {{"name", "web"}, {"namespace", "default"}}},
          {"spec",
           {{"selector", {{"app", "web"}}},
            {"ports", ports},
            {"publishNotReadyAddresses", publish_not_ready}}}};
}

Json pod(const std::string& name, const std::string& ip, bool ready, const std::string& phase,
         const std::string& app = "web") {
  return {{"metadata", {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name},
                        {"labels", {{"app", app}}}}},
          {"spec",
           {{"nodeName", "node-0"},
            {"containers", {{{"name", "c"}, {"ports", {{{"name", "http"}, {"containerPort", 8080}}}}}}}}},
          {"status",
           {{"phase", phase},
            {"podIP", ip},
            {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

TEST(ServiceSelects, Table) {
  const Json svc = service(Json::array());
  EXPECT_TRUE(serviceSelects(svc, pod("a", "1.1.1.1", true, "Running")));
  EXPECT_FALSE(serviceSelects(svc, pod("a", "1.1.1.1", true, "Running", "db")));
  Json no_selector = svc;
  no_selector["spec"].erase("selector");
  EXPECT_FALSE(serviceSelects(no_selector, pod("a", "1.1.1.1", true, "Running")));
}

TEST(EndpointSliceContent, EndpointsAndPorts) {
  const Json svc = service({{{"name", "http"}, {"port", 80}, {"targetPort", "http"}, {"protocol", "TCP"}},
                            {{"name", "metrics"}, {"port", 9090}}});
  const std::vector<Json> pods = {pod("b", "10.1.0.3", false, "Running"),
                                  pod("a", "10.1.0.2", true, "Running"),
                                  pod("c", "", false, "Pending"),       // no IP yet
                                  pod("d", "10.1.0.4", false, "Succeeded")};  // finished
  Json content = endpointSliceContent(svc, pods, {{"node-0", "zone-a"}});
  EXPECT_EQ(content["addressType"], "IPv4");
  ASSERT_EQ(content["endpoints"].size(), 2u);
  const Json& a = content["endpoints"][0];
  EXPECT_EQ(a["addresses"], Json::array({"10.1.0.2"}));
  EXPECT_EQ(a["conditions"], Json({{"ready", true}, {"serving", true}, {"terminating", false}}));
  EXPECT_EQ(a["nodeName"], "node-0");
  EXPECT_EQ(a["zone"], "zone-a");
  EXPECT_EQ(a["targetRef"]["name"], "a");
  EXPECT_EQ(content["endpoints"][1]["conditions"]["ready"], false);
  EXPECT_EQ(content["ports"], Json::parse(R"([{"name":"http","port":8080,"protocol":"TCP"},
                                              {"name":"metrics","port":9090,"protocol":"TCP"}])"));
}

TEST(EndpointSliceContent, PublishNotReadyAddresses) {
  Json content = endpointSliceContent(service(Json::array(), true),
                                      {pod("a", "10.1.0.2", false, "Running")}, {});
  EXPECT_EQ(content["endpoints"][0]["conditions"]["ready"], true);
}

}  // namespace
}  // namespace flotilla::member
