#include "mcs/imports/cluster_sets.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace flotilla::mcs {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Json cluster(const std::string& status, const std::string& since) {
  return {{"metadata", {{"name", "m"}}},
          {"status",
           {{"conditions",
             {{{"type", "Ready"}, {"status", status}, {"lastTransitionTime", since}}}}}}};
}

TEST(SourceAvailability, Table) {
  std::chrono::system_clock::time_point now;
  ASSERT_TRUE(core::parseRfc3339("2026-01-01T00:00:10Z", &now));
  struct Row {
    const char* name;
    Json cluster;
    bool available;
    std::optional<milliseconds> recheck;
  } rows[] = {
      {"ready", cluster("True", "2026-01-01T00:00:00Z"), true, std::nullopt},
      {"no conditions yet", Json({{"metadata", {{"name", "m"}}}}), true, std::nullopt},
      {"removed", Json(), false, std::nullopt},
      {"not ready within the grace", cluster("False", "2026-01-01T00:00:07Z"), true,
       milliseconds(2000)},
      {"unknown within the grace", cluster("Unknown", "2026-01-01T00:00:09Z"), true,
       milliseconds(4000)},
      {"not ready past the grace", cluster("False", "2026-01-01T00:00:05Z"), false,
       std::nullopt},
      {"not ready exactly at the grace", cluster("False", "2026-01-01T00:00:05Z"), false,
       std::nullopt},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    SourceAvailability a = sourceAvailability(r.cluster, now, seconds(5));
    EXPECT_EQ(a.available, r.available);
    EXPECT_EQ(a.recheck_after, r.recheck);
  }
  EXPECT_TRUE(clusterReady(cluster("True", "2026-01-01T00:00:00Z")));
  EXPECT_FALSE(clusterReady(cluster("False", "2026-01-01T00:00:00Z")));
}

TEST(McsClusters, Table) {
  const std::vector<std::string> all = {"m3", "m1", "m2"};
  struct Row {
    const char* name;
    Json spec;
    std::vector<std::string> providers, consumers;
    bool cross;
  } rows[] = {
      {"empty lists mean every cluster", {{"types", {"CrossCluster"}}},
       {"m1", "m2", "m3"}, {"m1", "m2", "m3"}, true},
      {"named",
       {{"types", {"CrossCluster"}},
        {"providerClusters", {{{"name", "m1"}}}},
        {"consumerClusters", {{{"name", "m2"}}, {{"name", "gone"}}}}},
       {"m1"}, {"m2"}, true},
      {"deprecated lists",
       {{"types", {"CrossCluster"}},
        {"serviceProvisionClusters", {"m2"}},
        {"serviceConsumptionClusters", {"m3"}}},
       {"m2"}, {"m3"}, true},
      {"load balancer only", {{"types", {"LoadBalancer"}}}, {"m1", "m2", "m3"},
       {"m1", "m2", "m3"}, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    Json mcs = {{"spec", r.spec}};
    EXPECT_EQ(mcsProviders(mcs, all), r.providers);
    EXPECT_EQ(mcsConsumers(mcs, all), r.consumers);
    EXPECT_EQ(crossCluster(mcs), r.cross);
  }
}

}  // namespace
}  // namespace flotilla::mcs
