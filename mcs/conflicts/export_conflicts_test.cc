#include "mcs/conflicts/export_conflicts.h"

#include <gtest/gtest.h>

namespace flotilla::mcs {
namespace {

Json port(const std::string& name, int number, const std::string& protocol = "TCP") {
  return {{"name", name}, {"port", number}, {"protocol", protocol}};
}

ClusterExport exportOf(const std::string& cluster, const std::string& created, Json ports,
                       Json extra_spec = Json::object()) {
  Json spec = {{"ports", ports}, {"clusterIP", "10.0.0.1"}};
  spec.update(extra_spec);
  return {cluster,
          {{"metadata", {{"name", "web"}, {"creationTimestamp", created}}}},
          {{"metadata", {{"name", "web"}}}, {"spec", spec}}};
}

TEST(ResolveExports, Table) {
  const Json http = Json::array({port("http", 80)});
  struct Row {
    const char* name;
    std::vector<ClusterExport> exports;
    std::vector<std::string> order;
    std::string type;
    Json ports;
    std::string reason;       // of the Conflict condition
    std::string message_has;  // substring of its message
  } rows[] = {
      {"single export",
       {exportOf("a", "2026-01-01T00:00:00Z", http)},
       {"a"}, "ClusterSetIP", Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"}])"),
       "NoConflicts", ""},
      {"ports are merged by name",
       {exportOf("b", "2026-01-02T00:00:00Z", Json::array({port("http", 80), port("grpc", 9090)})),
        exportOf("a", "2026-01-01T00:00:00Z", http)},
       {"a", "b"}, "ClusterSetIP",
       Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"},
                       {"name":"grpc","port":9090,"protocol":"TCP"}])"),
       "NoConflicts", ""},
      {"protocol conflict: the oldest wins",
       {exportOf("newer", "2026-01-02T00:00:00Z", Json::array({port("http", 80, "UDP")})),
        exportOf("older", "2026-01-01T00:00:00Z", http)},
       {"older", "newer"}, "ClusterSetIP",
       Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"}])"), "PortConflict",
       "conflicting ports[http].protocol: older has TCP (oldest export, in use), newer has UDP"},
      {"same timestamp: ties by cluster name",
       {exportOf("b", "2026-01-01T00:00:00Z", Json::array({port("http", 81)})),
        exportOf("a", "2026-01-01T00:00:00Z", http)},
       {"a", "b"}, "ClusterSetIP",
       Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"}])"), "PortConflict",
       "ports[http].port: a has 80"},
      {"type conflict",
       {exportOf("a", "2026-01-01T00:00:00Z", http, {{"clusterIP", "None"}}),
        exportOf("b", "2026-01-02T00:00:00Z", http)},
       {"a", "b"}, "Headless", Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"}])"),
       "TypeConflict", "conflicting type: a has Headless (oldest export, in use), b has ClusterSetIP"},
      {"session affinity conflict",
       {exportOf("a", "2026-01-01T00:00:00Z", http),
        exportOf("b", "2026-01-02T00:00:00Z", http, {{"sessionAffinity", "ClientIP"}})},
       {"a", "b"}, "ClusterSetIP", Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"}])"),
       "SessionAffinityConflict", "sessionAffinity: a has <none> (oldest export, in use), b has ClientIP"},
      {"sessionAffinity None equals unset",
       {exportOf("a", "2026-01-01T00:00:00Z", http),
        exportOf("b", "2026-01-02T00:00:00Z", http, {{"sessionAffinity", "None"}})},
       {"a", "b"}, "ClusterSetIP", Json::parse(R"([{"name":"http","port":80,"protocol":"TCP"}])"),
       "NoConflicts", ""},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.name);
    ExportResolution res = resolveExports(r.exports);
    std::vector<std::string> order;
    for (const auto& e : res.exports) order.push_back(e.cluster);
    EXPECT_EQ(order, r.order);
    EXPECT_EQ(res.type, r.type);
    EXPECT_EQ(res.ports, r.ports);
    ExportCondition c = conflictCondition(res);
    EXPECT_EQ(c.type, "Conflict");
    EXPECT_EQ(c.reason, r.reason);
    EXPECT_EQ(c.status, r.reason == "NoConflicts" ? "False" : "True");
    EXPECT_NE(c.message.find(r.message_has), std::string::npos) << c.message;
  }
}

TEST(ResolveExports, ThreeWayConflictNamesEveryCluster) {
  ExportResolution res = resolveExports(
      {exportOf("c", "2026-01-03T00:00:00Z", Json::array({port("http", 80, "SCTP")})),
       exportOf("b", "2026-01-02T00:00:00Z", Json::array({port("http", 80, "UDP")})),
       exportOf("a", "2026-01-01T00:00:00Z", Json::array({port("http", 80)}))});
  ASSERT_EQ(res.conflicts.size(), 1u);
  EXPECT_EQ(conflictCondition(res).message,
            "conflicting ports[http].protocol: a has TCP (oldest export, in use), b has UDP, "
            "c has SCTP");
}

TEST(ValidCondition, Table) {
  struct Row {
    const char* name;
    Json service;
    std::string status, reason;
  } rows[] = {
      {"missing", Json(), "False", "ServiceNotFound"},
      {"external name", {{"spec", {{"type", "ExternalName"}}}}, "False",
       "ExternalNameNotSupported"},
      {"cluster ip", {{"spec", {{"type", "ClusterIP"}}}}, "True", "ServiceFound"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    ExportCondition c = validCondition(r.service);
    EXPECT_EQ(c.type, "Valid");
    EXPECT_EQ(c.status, r.status);
    EXPECT_EQ(c.reason, r.reason);
  }
}

}  // namespace
}  // namespace flotilla::mcs
