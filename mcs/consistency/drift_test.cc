#include "mcs/consistency/drift.h"

#include <gtest/gtest.h>

#include "mcs/endpoints/mcs_labels.h"

namespace flotilla::mcs {
namespace {

Json slice(const std::string& name, const std::vector<std::string>& ready,
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
          {"metadata",
           {{"name", name},
            {"namespace", "default"},
            {"labels", {{kSliceManagedByLabel, kManagedByValue}}}}},
          {"addressType", "IPv4"},
          {"endpoints", endpoints},
          {"ports", Json::array({{{"name", "http"}, {"port", 80}, {"protocol", "TCP"}}})}};
}

// What the API server adds to a stored object.
Json stored(Json s) {
  s["metadata"]["resourceVersion"] = "42";
  s["metadata"]["uid"] = "u-1";
  s["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
  s["metadata"]["labels"]["extra"] = "kept";
  return s;
}

TEST(Drift, Table) {
  struct Row {
    std::string name;
    std::vector<Json> desired, actual;
    std::vector<SliceDrift> want;
  };
  const std::vector<Row> rows = {
      {"in sync (server fields ignored)",
       {slice("a-web-1", {"10.0.0.1", "10.0.0.2"})},
       {stored(slice("a-web-1", {"10.0.0.1", "10.0.0.2"}))},
       {}},
      {"nothing desired, nothing held", {}, {}, {}},
      {"slice deleted by hand",
       {slice("a-web-1", {"10.0.0.1", "10.0.0.2"}), slice("a-web-2", {"10.0.0.3"})},
       {stored(slice("a-web-2", {"10.0.0.3"}))},
       {{DriftKind::Missing, "a-web-1", {"10.0.0.1", "10.0.0.2"}, {}}}},
      {"leftover slice of a gone provider",
       {},
       {stored(slice("b-web-1", {"10.1.0.1"}))},
       {{DriftKind::Extra, "b-web-1", {}, {"10.1.0.1"}}}},
      {"endpoint removed by hand",
       {slice("a-web-1", {"10.0.0.1", "10.0.0.2"})},
       {stored(slice("a-web-1", {"10.0.0.1"}))},
       {{DriftKind::Stale, "a-web-1", {"10.0.0.2"}, {}}}},
      {"endpoint that should have gone",
       {slice("a-web-1", {"10.0.0.1"})},
       {stored(slice("a-web-1", {"10.0.0.1", "10.0.0.9"}))},
       {{DriftKind::Stale, "a-web-1", {}, {"10.0.0.9"}}}},
      {"ports changed by hand",
       {slice("a-web-1", {"10.0.0.1"})},
       {[] {
         Json s = stored(slice("a-web-1", {"10.0.0.1"}));
         s["ports"][0]["port"] = 8080;
         return s;
       }()},
       {{DriftKind::Stale, "a-web-1", {}, {}}}},
      {"several at once, sorted by slice",
       {slice("a-web-2", {"10.0.0.2"}), slice("a-web-1", {"10.0.0.1"})},
       {stored(slice("z-web-1", {})), stored(slice("a-web-2", {}))},
       {{DriftKind::Missing, "a-web-1", {"10.0.0.1"}, {}},
        {DriftKind::Stale, "a-web-2", {"10.0.0.2"}, {}},
        {DriftKind::Extra, "z-web-1", {}, {}}}},
  };
  for (const auto& row : rows) {
    const ConsumerDrift got = compareConsumerSlices("b", row.desired, row.actual);
    EXPECT_EQ(got.consumer, "b");
    EXPECT_EQ(got.slices, row.want) << row.name << ": " << got.describe();
    EXPECT_EQ(got.empty(), row.want.empty()) << row.name;
  }
}

TEST(Drift, Describe) {
  const ConsumerDrift d = compareConsumerSlices(
      "b", {slice("a-web-1", {"10.0.0.1", "10.0.0.2"}), slice("a-web-2", {"10.0.0.3"})},
      {stored(slice("a-web-2", {"10.0.0.4"})), stored(slice("old", {}))});
  EXPECT_EQ(d.describe(),
            "missing slice a-web-1 (lacks 10.0.0.1, 10.0.0.2); stale slice a-web-2 (lacks "
            "10.0.0.3, holds 10.0.0.4); extra slice old");
  EXPECT_EQ(d.count(DriftKind::Missing), 1);
  EXPECT_EQ(d.count(DriftKind::Stale), 1);
  EXPECT_EQ(d.count(DriftKind::Extra), 1);
  EXPECT_STREQ(driftKindName(DriftKind::Extra), "extra");
}

}  // namespace
}  // namespace flotilla::mcs
