#include "policies/cluster_affinity.h"

#include <gtest/gtest.h>

namespace flotilla::policies {
namespace {

using api::Json;

api::Cluster cluster(const std::string& name, const std::string& provider,
                     const std::string& region, std::vector<std::string> zones,
                     api::StringMap labels = {}) {
  api::Cluster c;
  c.metadata.name = name;
  c.metadata.labels = std::move(labels);
  c.spec.provider = provider;
  c.spec.region = region;
  c.spec.zones = std::move(zones);
  return c;
}

api::ClusterAffinity affinity(Json j) { return api::fromJson<api::ClusterAffinity>(j).value(); }

TEST(ClusterMatches, Table) {
  const auto m1 =
      cluster("m1", "aws", "us-east-1", {"us-east-1a", "us-east-1b"}, {{"env", "prod"}});
  const auto m2 = cluster("m2", "", "", {});
  struct Row {
    const char* name;
    api::Cluster c;
    Json affinity;
    bool want;
  };
  const Row rows[] = {
      {"empty_affinity_matches", m1, Json::object(), true},
      {"cluster_names_contains", m1, {{"clusterNames", {"m1", "m3"}}}, true},
      {"cluster_names_excludes", m1, {{"clusterNames", {"m3"}}}, false},
      {"exclude_wins", m1, {{"clusterNames", {"m1"}}, {"exclude", {"m1"}}}, false},
      {"label_selector_match", m1, {{"labelSelector", {{"matchLabels", {{"env", "prod"}}}}}}, true},
      {"label_selector_mismatch",
       m1,
       {{"labelSelector", {{"matchLabels", {{"env", "dev"}}}}}},
       false},
      {"provider_in",
       m1,
       {{"fieldSelector",
         {{"matchExpressions", {{{"key", "provider"}, {"operator", "In"}, {"values", {"aws"}}}}}}}},
       true},
      {"region_notin",
       m1,
       {{"fieldSelector",
         {{"matchExpressions",
           {{{"key", "region"}, {"operator", "NotIn"}, {"values", {"us-east-1"}}}}}}}},
       false},
      {"region_notin_unset_region_matches",
       m2,
       {{"fieldSelector",
         {{"matchExpressions",
           {{{"key", "region"}, {"operator", "NotIn"}, {"values", {"us-east-1"}}}}}}}},
       true},
      {"zone_in_any_overlap",
       m1,
       {{"fieldSelector",
         {{"matchExpressions",
           {{{"key", "zone"}, {"operator", "In"}, {"values", {"x", "us-east-1b"}}}}}}}},
       true},
      {"zone_notin_no_overlap",
       m1,
       {{"fieldSelector",
         {{"matchExpressions",
           {{{"key", "zone"}, {"operator", "NotIn"}, {"values", {"us-east-1a"}}}}}}}},
       false},
      {"zone_exists_empty",
       m2,
       {{"fieldSelector", {{"matchExpressions", {{{"key", "zone"}, {"operator", "Exists"}}}}}}},
       false},
      {"zone_does_not_exist_empty",
       m2,
       {{"fieldSelector",
         {{"matchExpressions", {{{"key", "zone"}, {"operator", "DoesNotExist"}}}}}}},
       true},
      {"all_criteria_anded",
       m1,
       {{"clusterNames", {"m1"}}, {"labelSelector", {{"matchLabels", {{"env", "dev"}}}}}},
       false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(clusterMatches(r.c, affinity(r.affinity)), r.want) << r.name;
  }
}

}  // namespace
}  // namespace flotilla::policies
