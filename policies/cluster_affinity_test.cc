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
      {"deprecated_zone_counts",
       [] {
         auto c = cluster("m3", "gcp", "europe-west1", {});
         c.spec.zone = "europe-west1-b";
         return c;
       }(),
       {{"fieldSelector",
         {{"matchExpressions",
           {{{"key", "zone"}, {"operator", "In"}, {"values", {"europe-west1-b"}}}}}}}},
       true},
      {"provider_exists_unset",
       m2,
       {{"fieldSelector", {{"matchExpressions", {{{"key", "provider"}, {"operator", "Exists"}}}}}}},
       false},
      {"unknown_field_key_notin_matches",
       m1,
       {{"fieldSelector",
         {{"matchExpressions", {{{"key", "team"}, {"operator", "NotIn"}, {"values", {"a"}}}}}}}},
       true},
      {"invalid_label_selector_matches_nothing",
       m1,
       {{"labelSelector",
         {{"matchExpressions",
           {{{"key", "env"}, {"operator", "In"}, {"values", Json::array()}}}}}}},
       false},
      {"unknown_field_operator_matches_nothing",
       m1,
       {{"fieldSelector",
         {{"matchExpressions",
           {{{"key", "provider"}, {"operator", "Near"}, {"values", {"aws"}}}}}}}},
       false},
      {"all_criteria_anded",
       m1,
       {{"clusterNames", {"m1"}}, {"labelSelector", {{"matchLabels", {{"env", "dev"}}}}}},
       false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(clusterMatches(r.c, affinity(r.affinity)), r.want) << r.name;
  }
}

TEST(CompileClusterAffinity, ErrorsNameTheField) {
  struct Row {
    const char* name;
    Json affinity;
    std::string field;  // empty: compiles
  };
  const Row rows[] = {
      {"empty", Json::object(), ""},
      {"null_label_selector", {{"labelSelector", nullptr}}, ""},
      {"bad_label_operator",
       {{"labelSelector",
         {{"matchExpressions", {{{"key", "a"}, {"operator", "Near"}, {"values", {"x"}}}}}}}},
       "labelSelector"},
      {"bad_field_operator",
       {{"fieldSelector",
         {{"matchExpressions",
           {{{"key", "zone"}, {"operator", "In"}, {"values", {"a"}}},
            {{"key", "region"}, {"operator", "Near"}, {"values", {"x"}}}}}}}},
       "fieldSelector.matchExpressions[1].operator"},
  };
  for (const auto& r : rows) {
    auto compiled = compileClusterAffinity(affinity(r.affinity));
    if (r.field.empty()) {
      EXPECT_TRUE(compiled.isOk()) << r.name << ": " << compiled.status().message();
      continue;
    }
    ASSERT_FALSE(compiled.isOk()) << r.name;
    ASSERT_FALSE(compiled.status().causes().empty()) << r.name;
    EXPECT_EQ(compiled.status().causes().front().field, r.field) << r.name;
  }
}

// The compiled form is what the scheduler matches with; values are sorted and deduplicated so
// two spellings of one affinity compile to the same requirements.
TEST(CompileClusterAffinity, NormalisesFieldValues) {
  auto compiled = compileClusterAffinity(affinity(
      {{"fieldSelector",
        {{"matchExpressions",
          {{{"key", "provider"}, {"operator", "In"}, {"values", {"gcp", "aws", "gcp"}}}}}}},
       {"clusterNames", {"b", "a"}}}));
  ASSERT_TRUE(compiled.isOk());
  ASSERT_EQ(compiled->field_selector.size(), 1u);
  EXPECT_EQ(compiled->field_selector[0].values, (std::vector<std::string>{"aws", "gcp"}));
  EXPECT_EQ(compiled->field_selector[0].op, apimachinery::SelectorOp::In);
  EXPECT_EQ(compiled->cluster_names, (std::vector<std::string>{"b", "a"}));
}

}  // namespace
}  // namespace flotilla::policies
