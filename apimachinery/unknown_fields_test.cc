#include "apimachinery/unknown_fields.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "apimachinery/builtin_schema.h"

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

const SchemaNode& deployment() {
  return *BuiltinSchema::instance().nodeForKind("apps", "v1", "Deployment");
}

struct UnknownCase {
  std::string name;
  std::string obj;
  std::vector<std::string> want;
};

TEST(UnknownFieldsTest, FindsPathsLikeKubeApiserver) {
  const std::vector<UnknownCase> cases = {
      {"clean object",
       R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"a":"b"}},
          "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}})",
       {}},
      {"top level", R"({"apiVersion":"apps/v1","foo":1})", {"foo"}},
      {"in spec", R"({"spec":{"foo":1,"replicas":2}})", {"spec.foo"}},
      {"in metadata", R"({"metadata":{"name":"x","bogus":true}})", {"metadata.bogus"}},
      {"in list element",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b","bogus":1}]}}}})",
       {"spec.template.spec.containers[1].bogus"}},
      {"several",
       R"({"a":1,"spec":{"b":2,"selector":{"matchLabels":{"x":"y"},"c":3}}})",
       {"a", "spec.b", "spec.selector.c"}},
      {"raw extension content is free",
       R"({"spec":{"template":{"metadata":{"annotations":{"k":"v"}}}}})",
       {}},
  };
  for (const UnknownCase& c : cases) {
    auto got = findUnknownFields(json::parse(c.obj), deployment());
    std::sort(got.begin(), got.end());
    auto want = c.want;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << c.name;
  }
  EXPECT_EQ(unknownFieldMessage("spec.foo"), "unknown field \"spec.foo\"");
}

TEST(UnknownFieldsTest, AnyNodesAcceptEverything) {
  const SchemaNode& rev =
      *BuiltinSchema::instance().nodeForKind("apps", "v1", "ControllerRevision");
  EXPECT_TRUE(
      findUnknownFields(json::parse(R"({"data":{"whatever":{"x":1}},"revision":1})"), rev).empty());
}

TEST(UnknownFieldsTest, PruneRemovesUnknownOnly) {
  json obj = json::parse(
      R"({"foo":1,"metadata":{"name":"d","zap":2},
          "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"c","bogus":1}]}}}})");
  pruneUnknownFields(obj, deployment());
  EXPECT_EQ(obj, json::parse(R"({"metadata":{"name":"d"},
      "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"c"}]}}}})"));
  EXPECT_TRUE(findUnknownFields(obj, deployment()).empty());
}

struct TypeCase {
  std::string name;
  std::string obj;
  std::vector<std::string> fields;  // paths of the expected causes
  std::string first_message;        // "" = don't check
};

TEST(UnknownFieldsTest, ValidateTypes) {
  const std::vector<TypeCase> cases = {
      {"valid",
       R"({"spec":{"replicas":3,"paused":true,"strategy":{"rollingUpdate":{"maxSurge":"25%"}}}})",
       {},
       ""},
      {"string for int32",
       R"({"spec":{"replicas":"3"}})",
       {"spec.replicas"},
       "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type "
       "int32"},
      {"fraction for int32",
       R"({"spec":{"replicas":1.5}})",
       {"spec.replicas"},
       "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of "
       "type int32"},
      {"int32 overflow", R"({"spec":{"replicas":3000000000}})", {"spec.replicas"}, ""},
      {"object for list",
       R"({"spec":{"template":{"spec":{"containers":{"name":"x"}}}}})",
       {"spec.template.spec.containers"},
       "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers "
       "of type []v1.Container"},
      {"string for struct",
       R"({"spec":"x"})",
       {"spec"},
       "json: cannot unmarshal string into Go struct field Deployment.spec of type "
       "v1.DeploymentSpec"},
      {"number for label value",
       R"({"metadata":{"labels":{"a":1}}})",
       {"metadata.labels.a"},
       "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type "
       "string"},
      {"bool for string in list",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"c","args":[true]}]}}}})",
       {"spec.template.spec.containers[0].args[0]"},
       ""},
      {"int-or-string accepts both",
       R"({"spec":{"strategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":"10%"}}}})",
       {},
       ""},
      {"nulls are fine", R"({"spec":{"replicas":null,"template":null}})", {}, ""},
      {"root not object",
       R"([1])",
       {""},
       "json: cannot unmarshal array into Go value of type v1.Deployment"},
  };
  for (const TypeCase& c : cases) {
    auto causes = validateTypes(json::parse(c.obj), deployment());
    std::vector<std::string> fields;
    for (const auto& cause : causes) fields.push_back(cause.field);
    EXPECT_EQ(fields, c.fields) << c.name;
    if (!c.first_message.empty() && !causes.empty()) {
      EXPECT_EQ(causes[0].message, c.first_message) << c.name;
    }
  }
}

struct FormatCase {
  std::string name;
  std::string kind;  // "group/version/Kind"
  std::string obj;
  std::vector<std::string> fields;
};

TEST(UnknownFieldsTest, ValidateStringFormatsGoWouldParse) {
  const std::vector<FormatCase> cases = {
      {"good time",
       "/v1/ConfigMap",
       R"({"metadata":{"creationTimestamp":"2024-01-02T03:04:05Z"}})",
       {}},
      {"time with offset and fraction",
       "/v1/ConfigMap",
       R"({"metadata":{"creationTimestamp":"2024-01-02T03:04:05.5+01:00"}})",
       {}},
      {"bad time",
       "/v1/ConfigMap",
       R"({"metadata":{"creationTimestamp":"yesterday"}})",
       {"metadata.creationTimestamp"}},
      {"good base64", "/v1/Secret", R"({"data":{"a":"cHc=","b":""}})", {}},
      {"bad base64", "/v1/Secret", R"({"data":{"a":"not base64!"}})", {"data.a"}},
      {"good quantities",
       "/v1/ResourceQuota",
       R"({"spec":{"hard":{"cpu":"100m","memory":"1.5Gi","x":"1e3","y":".5","z":2}}})",
       {}},
      {"bad quantity",
       "/v1/ResourceQuota",
       R"({"spec":{"hard":{"cpu":"lots","m":"1 Gi"}}})",
       {"spec.hard.cpu", "spec.hard.m"}},
  };
  for (const FormatCase& c : cases) {
    size_t a = c.kind.find('/'), b = c.kind.rfind('/');
    const SchemaNode* node = BuiltinSchema::instance().nodeForKind(
        c.kind.substr(0, a), c.kind.substr(a + 1, b - a - 1), c.kind.substr(b + 1));
    ASSERT_NE(node, nullptr) << c.name;
    std::vector<std::string> fields;
    for (const auto& cause : validateTypes(json::parse(c.obj), *node))
      fields.push_back(cause.field);
    EXPECT_EQ(fields, c.fields) << c.name;
  }
}

TEST(UnknownFieldsTest, QuantitiesAcceptStringsAndNumbers) {
  const SchemaNode& pod = *BuiltinSchema::instance().nodeForKind("", "v1", "Pod");
  auto causes = validateTypes(
      json::parse(
          R"({"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":1,"memory":"1Gi","x":true}}}]}})"),
      pod);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.containers[0].resources.limits.x");
}

TEST(UnknownFieldsTest, CanonicalizeQuantities) {
  const SchemaNode& pod = *BuiltinSchema::instance().nodeForKind("", "v1", "Pod");
  json obj = json::parse(R"({"spec":{"containers":[{"name":"c","resources":{
      "limits":{"cpu":"1000m","memory":"1024Mi","x":0.5},"requests":{"cpu":"bad"}}}],
      "overhead":{"cpu":2}},"metadata":{"labels":{"cpu":"1000m"}}})");
  canonicalizeQuantities(obj, pod);
  EXPECT_EQ(obj["spec"]["containers"][0]["resources"]["limits"],
            json::parse(R"({"cpu":"1","memory":"1Gi","x":"500m"})"));
  EXPECT_EQ(obj["spec"]["containers"][0]["resources"]["requests"]["cpu"], "bad");
  EXPECT_EQ(obj["spec"]["overhead"]["cpu"], "2");
  EXPECT_EQ(obj["metadata"]["labels"]["cpu"], "1000m");  // not a quantity field
}

}  // namespace
}  // namespace flotilla::apimachinery
