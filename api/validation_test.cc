#include "api/validation.h"

#include <gtest/gtest.h>

#include "api/yaml.h"

namespace flotilla::api {
namespace {

std::vector<std::string> fields(const Causes& causes) {
  std::vector<std::string> out;
  for (const auto& c : causes) out.push_back(c.field);
  return out;
}

// A valid PP spec to mutate per row.
Json basePP() {
  return Json::parse(R"({
    "apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
    "metadata": {"name": "p", "namespace": "default"},
    "spec": {"resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}],
             "placement": {"clusterAffinity": {"clusterNames": ["m1"]}}}
  })");
}

TEST(ValidatePropagationPolicy, Table) {
  struct Row {
    const char* name;
    Json patch;  // merged into spec
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"valid", Json::object(), {}},
      {"selectors_required", {{"resourceSelectors", Json::array()}}, {"spec.resourceSelectors"}},
      {"selector_kind_required",
       {{"resourceSelectors", {{{"apiVersion", "v1"}}}}},
       {"spec.resourceSelectors[0].kind"}},
      {"selector_other_namespace",
       {{"resourceSelectors", {{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"namespace", "x"}}}}},
       {"spec.resourceSelectors[0].namespace"}},
      {"preemption_always_needs_names",
       {{"preemption", "Always"},
        {"resourceSelectors", {{{"apiVersion", "v1"}, {"kind", "ConfigMap"}}}}},
       {"spec.resourceSelectors[0].name"}},
      {"preemption_enum", {{"preemption", "Sometimes"}}, {"spec.preemption"}},
      {"conflict_resolution_enum", {{"conflictResolution", "Merge"}}, {"spec.conflictResolution"}},
      {"affinity_and_affinities_exclusive",
       {{"placement",
         {{"clusterAffinity", Json::object()}, {"clusterAffinities", {{{"affinityName", "a"}}}}}}},
       {"spec.placement"}},
      {"affinity_names_unique_and_valid",
       {{"placement",
         {{"clusterAffinities",
           {{{"affinityName", "a"}}, {{"affinityName", "a"}}, {{"affinityName", "Not Valid"}}}}}}},
       {"spec.placement.clusterAffinities[1].affinityName",
        "spec.placement.clusterAffinities[2].affinityName"}},
      {"overflow_needs_dynamic_or_aggregated",
       {{"placement",
         {{"clusterAffinities",
           {{{"affinityName", "a"},
             {"clusterNames", {"m1"}},
             {"overflowAffinities", {{{"affinityName", "b"}}}}}}},
          {"replicaScheduling", {{"replicaSchedulingType", "Divided"}}}}}},
       {"spec.placement.clusterAffinities[0].overflowAffinities"}},
      {"overflow_ok_with_aggregated",
       {{"placement",
         {{"clusterAffinities",
           {{{"affinityName", "a"},
             {"clusterNames", {"m1"}},
             {"overflowAffinities", {{{"affinityName", "b"}}}}}}},
          {"replicaScheduling",
           {{"replicaSchedulingType", "Divided"}, {"replicaDivisionPreference", "Aggregated"}}}}}},
       {}},
      {"field_selector_key_and_operator",
       {{"placement",
         {{"clusterAffinity",
           {{"fieldSelector",
             {{"matchExpressions", {{{"key", "city"}, {"operator", "Exists"}}}}}}}}}}},
       {"spec.placement.clusterAffinity.fieldSelector.matchExpressions[0].key",
        "spec.placement.clusterAffinity.fieldSelector.matchExpressions[0].operator"}},
      {"tolerations_lt_rejected",
       {{"placement",
         {{"clusterTolerations", {{{"key", "k"}, {"operator", "Lt"}, {"value", "1"}}}}}}},
       {"spec.placement.clusterTolerations[0].operator"}},
      {"spread_both_fields",
       {{"placement",
         {{"spreadConstraints", {{{"spreadByField", "cluster"}, {"spreadByLabel", "x"}}}}}}},
       {"spec.placement.spreadConstraints[0]"}},
      {"spread_max_below_min",
       {{"placement",
         {{"spreadConstraints",
           {{{"spreadByField", "cluster"}, {"maxGroups", 1}, {"minGroups", 2}}}}}}},
       {"spec.placement.spreadConstraints[0].maxGroups"}},
      {"spread_duplicate_and_cluster_required",
       {{"placement",
         {{"spreadConstraints", {{{"spreadByField", "region"}}, {{"spreadByField", "region"}}}}}}},
       {"spec.placement.spreadConstraints[1].spreadByField", "spec.placement.spreadConstraints"}},
      {"static_weight_at_least_one",
       {{"placement",
         {{"replicaScheduling",
           {{"replicaSchedulingType", "Divided"},
            {"weightPreference",
             {{"staticWeightList", {{{"targetCluster", Json::object()}, {"weight", 0}}}}}}}}}}},
       {"spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight"}},
      {"dynamic_weight_enum",
       {{"placement",
         {{"replicaScheduling", {{"weightPreference", {{"dynamicWeight", "Cost"}}}}}}}},
       {"spec.placement.replicaScheduling.weightPreference.dynamicWeight"}},
      {"replica_scheduling_type_enum",
       {{"placement", {{"replicaScheduling", {{"replicaSchedulingType", "Split"}}}}}},
       {"spec.placement.replicaScheduling.replicaSchedulingType"}},
      {"workload_affinity_keys_differ",
       {{"placement",
         {{"workloadAffinity",
           {{"affinity", {{"groupByLabelKey", "app"}}},
            {"antiAffinity", {{"groupByLabelKey", "app"}}}}}}}},
       {"spec.placement.workloadAffinity.antiAffinity.groupByLabelKey"}},
      {"application_failover_requires_propagate_deps",
       {{"failover", {{"application", {{"decisionConditions", Json::object()}}}}}},
       {"spec.propagateDeps"}},
      {"application_failover_grace_period_only_with_gracefully",
       {{"propagateDeps", true},
        {"failover",
         {{"application",
           {{"decisionConditions", {{"tolerationSeconds", -1}}},
            {"purgeMode", "Directly"},
            {"gracePeriodSeconds", 10}}}}}},
       {"spec.failover.application.decisionConditions.tolerationSeconds",
        "spec.failover.application.gracePeriodSeconds"}},
      {"historical_purge_mode_accepted",
       {{"propagateDeps", true},
        {"failover",
         {{"application", {{"decisionConditions", Json::object()}, {"purgeMode", "Immediately"}}},
          {"cluster", {{"purgeMode", "Graciously"}}}}}},
       {}},
      {"cluster_failover_never_rejected",
       {{"failover", {{"cluster", {{"purgeMode", "Never"}}}}}},
       {"spec.failover.cluster.purgeMode"}},
      {"suspension_conflict",
       {{"suspension",
         {{"dispatching", true}, {"dispatchingOnClusters", {{"clusterNames", {"m1"}}}}}}},
       {"spec.suspension.dispatchingOnClusters"}},
      {"schedule_priority_source",
       {{"schedulePriority", {{"priorityClassSource", "PodPriorityClass"}}}},
       {"spec.schedulePriority.priorityClassSource", "spec.schedulePriority.priorityClassName"}},
  };
  for (const auto& r : rows) {
    Json j = basePP();
    j["spec"].update(r.patch);
    auto pp = fromJson<PropagationPolicy>(j);
    ASSERT_TRUE(pp.isOk()) << r.name << ": " << pp.status().toString();
    EXPECT_EQ(fields(validatePropagationPolicy(*pp)), r.want) << r.name;
  }
}

TEST(ValidatePropagationPolicy, UpdateAndPermanentId) {
  auto old_pp = fromJson<PropagationPolicy>(basePP()).value();
  auto new_pp = old_pp;
  new_pp.spec.scheduler_name = "other";
  EXPECT_EQ(fields(validatePropagationPolicyUpdate(old_pp, new_pp)),
            std::vector<std::string>{"spec.schedulerName"});
  ValidationOptions admission{true};
  EXPECT_EQ(fields(validatePropagationPolicy(old_pp, admission)),
            std::vector<std::string>{"metadata.labels[propagationpolicy.karmada.io/permanent-id]"});
  auto st = toStatus("PropagationPolicy", "p", validatePropagationPolicy(new_pp, admission));
  EXPECT_EQ(st.code(), core::Code::Invalid);
  EXPECT_TRUE(toStatus("PropagationPolicy", "p", {}).isOk());
}

TEST(ValidateOverridePolicy, Table) {
  struct Row {
    const char* name;
    const char* spec;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"valid",
       R"({"overrideRules":[{"overriders":{"plaintext":[{"path":"/spec/replicas","operator":"replace","value":1}]}}]})",
       {}},
      {"rules_and_deprecated_exclusive",
       R"({"overrideRules":[{"overriders":{}}],"overriders":{}})",
       {"spec.overrideRules"}},
      {"plaintext_rules",
       R"({"overrideRules":[{"overriders":{"plaintext":[{"path":"spec","operator":"move"},
           {"path":"/a","operator":"remove","value":1}]}}]})",
       {"spec.overrideRules[0].overriders.plaintext[0].path",
        "spec.overrideRules[0].overriders.plaintext[0].operator",
        "spec.overrideRules[0].overriders.plaintext[1].value"}},
      {"image_enums",
       R"({"overrideRules":[{"overriders":{"imageOverrider":[{"component":"Host","operator":"set",
           "predicate":{"path":""}}]}}]})",
       {"spec.overrideRules[0].overriders.imageOverrider[0].predicate.path",
        "spec.overrideRules[0].overriders.imageOverrider[0].component",
        "spec.overrideRules[0].overriders.imageOverrider[0].operator"}},
      {"command_requires_container_and_no_replace",
       R"({"overrideRules":[{"overriders":{"commandOverrider":[{"operator":"replace"}]}}]})",
       {"spec.overrideRules[0].overriders.commandOverrider[0].containerName",
        "spec.overrideRules[0].overriders.commandOverrider[0].operator"}},
      {"labels_invalid_value",
       R"({"overrideRules":[{"overriders":{"labelsOverrider":[{"operator":"add","value":{"a":"has space"}}]}}]})",
       {"spec.overrideRules[0].overriders.labelsOverrider[0].value"}},
      {"field_overrider_rules",
       R"({"overrideRules":[{"overriders":{"fieldOverrider":[{"fieldPath":"/data/x",
           "json":[{"subPath":"/a","operator":"add"},{"subPath":"/b","operator":"remove","value":1}],
           "yaml":[{"subPath":"/c","operator":"replace","value":1}]}]}}]})",
       {"spec.overrideRules[0].overriders.fieldOverrider[0]",
        "spec.overrideRules[0].overriders.fieldOverrider[0].json[0].value",
        "spec.overrideRules[0].overriders.fieldOverrider[0].json[1].value"}},
      {"target_cluster_affinity",
       R"({"overrideRules":[{"targetCluster":{"fieldSelector":{"matchExpressions":[
           {"key":"region","operator":"Gt","values":["1"]}]}},"overriders":{}}]})",
       {"spec.overrideRules[0].targetCluster.fieldSelector.matchExpressions[0].operator"}},
      {"selector_namespace_must_match",
       R"({"resourceSelectors":[{"apiVersion":"v1","kind":"ConfigMap","namespace":"other"}]})",
       {"spec.resourceSelectors[0].namespace"}},
  };
  for (const auto& r : rows) {
    Json j = {{"kind", "OverridePolicy"},
              {"metadata", {{"name", "o"}, {"namespace", "default"}}},
              {"spec", Json::parse(r.spec)}};
    auto op = fromJson<OverridePolicy>(j);
    ASSERT_TRUE(op.isOk()) << r.name;
    EXPECT_EQ(fields(validateOverridePolicy(*op)), r.want) << r.name;
  }
}

TEST(ValidateCluster, Table) {
  struct Row {
    const char* name;
    const char* yaml;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"valid",
       "metadata: {name: m1}\nspec: {syncMode: Push, apiEndpoint: 'https://1.2.3.4:6443'}",
       {}},
      {"name_too_long",
       "metadata: {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\nspec: {syncMode: "
       "Pull}",
       {"metadata.name"}},
      {"sync_mode_required", "metadata: {name: m1}\nspec: {}", {"spec.syncMode"}},
      {"endpoint_user_info",
       "metadata: {name: m1}\nspec: {syncMode: Push, apiEndpoint: 'https://u:p@h'}",
       {"spec.apiEndpoint"}},
      {"endpoint_query",
       "metadata: {name: m1}\nspec: {syncMode: Push, apiEndpoint: 'https://h?x=1'}",
       {"spec.apiEndpoint"}},
      {"proxy_scheme",
       "metadata: {name: m1}\nspec: {syncMode: Push, proxyURL: 'ftp://p'}",
       {"spec.proxyURL"}},
      {"zone_and_zones",
       "metadata: {name: m1}\nspec: {syncMode: Push, zone: a, zones: [b]}",
       {"spec.zone"}},
      {"region_label_value",
       "metadata: {name: m1}\nspec: {syncMode: Push, region: 'us east'}",
       {"spec.region"}},
      {"taint_effect",
       "metadata: {name: m1}\nspec: {syncMode: Push, taints: [{key: k, effect: Evict}]}",
       {"spec.taints[0].effect"}},
      {"models_valid",
       R"(metadata: {name: m1}
spec:
  syncMode: Push
  resourceModels:
  - {grade: 0, ranges: [{name: cpu, min: "0", max: "1"}]}
  - {grade: 1, ranges: [{name: cpu, min: "1", max: "9223372036854775807"}]})",
       {}},
      {"models_broken",
       R"(metadata: {name: m1}
spec:
  syncMode: Push
  resourceModels:
  - {grade: 0, ranges: [{name: cpu, min: "1", max: "2"}]}
  - {grade: 0, ranges: [{name: cpu, min: "3", max: "3"}]}
  - {grade: 2, ranges: [{name: memory, min: "0", max: "1"}]})",
       {"spec.resourceModels[1].grade", "spec.resourceModels[0].ranges[0].min",
        "spec.resourceModels[0].ranges[0].max", "spec.resourceModels[1].ranges[0].max",
        "spec.resourceModels[1].ranges[0].max", "spec.resourceModels[2].ranges"}},
  };
  for (const auto& r : rows) {
    auto c = fromYaml<Cluster>(r.yaml);
    ASSERT_TRUE(c.isOk()) << r.name << c.status().toString();
    EXPECT_EQ(fields(validateCluster(*c)), r.want) << r.name;
  }
  Cluster defaulted = fromYaml<Cluster>("metadata: {name: m1}\nspec: {syncMode: Push}").value();
  setDefaults(defaulted, "2026-01-01T00:00:00Z");
  EXPECT_TRUE(validateCluster(defaulted).empty()) << "default models are valid";
}

TEST(ValidateClusterTaintPolicy, Table) {
  struct Row {
    const char* name;
    const char* spec;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"valid",
       R"({"taints":[{"key":"k","effect":"NoExecute"}],
                   "addOnConditions":[{"conditionType":"Ready","operator":"In","statusValues":["False"]}]})",
       {}},
      {"taints_required", R"({})", {"spec.taints"}},
      {"condition_rules",
       R"({"taints":[{"key":"k","effect":"PreferNoSchedule"}],
          "removeOnConditions":[{"operator":"Is","statusValues":["Maybe"]}]})",
       {"spec.removeOnConditions[0].conditionType", "spec.removeOnConditions[0].operator",
        "spec.removeOnConditions[0].statusValues[0]", "spec.taints[0].effect"}},
  };
  for (const auto& r : rows) {
    Json j = {{"metadata", {{"name", "t"}}}, {"spec", Json::parse(r.spec)}};
    EXPECT_EQ(fields(validateClusterTaintPolicy(fromJson<ClusterTaintPolicy>(j).value())), r.want)
        << r.name;
  }
}

TEST(ValidatePriceBook, Table) {
  struct Row {
    const char* name;
    const char* spec;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"valid",
       R"({"currency":"USD","rules":[{"targetCluster":{},"prices":{"cpu":"0.031","memory":"0.004"}}]})",
       {}},
      {"currency_required", R"({"rules":[]})", {"spec.currency"}},
      {"billing_enum", R"({"currency":"EUR","billing":"Usage"})", {"spec.billing"}},
      {"bad_prices",
       R"({"currency":"EUR","rules":[{"targetCluster":{},"prices":{"cpu":"-1","memory":"1e3"}}]})",
       {"spec.rules[0].prices[cpu]", "spec.rules[0].prices[memory]"}},
  };
  for (const auto& r : rows) {
    Json j = {{"metadata", {{"name", "prices"}}}, {"spec", Json::parse(r.spec)}};
    EXPECT_EQ(fields(validatePriceBook(fromJson<PriceBook>(j).value())), r.want) << r.name;
  }
}

}  // namespace
}  // namespace flotilla::api
