#include "apimachinery/object_validation.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

const char* kSubdomainDetail =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

TEST(ObjectValidationTest, NameRules) {
  struct Row {
    const char* name;
    NameRule rule;
    std::string value;
    bool ok;
  };
  const Row rows[] = {
      {"subdomain ok", NameRule::Dns1123Subdomain, "web.example-1", true},
      {"subdomain uppercase", NameRule::Dns1123Subdomain, "Bad_Name", false},
      {"subdomain empty label", NameRule::Dns1123Subdomain, "a..b", false},
      {"subdomain too long", NameRule::Dns1123Subdomain, std::string(254, 'a'), false},
      {"subdomain 253", NameRule::Dns1123Subdomain, std::string(253, 'a'), true},
      {"label with dot", NameRule::Dns1123Label, "a.b", false},
      {"label digits first", NameRule::Dns1123Label, "1abc", true},
      {"label too long", NameRule::Dns1123Label, std::string(64, 'a'), false},
      {"dns1035 digit first", NameRule::Dns1035Label, "1abc", false},
      {"dns1035 ok", NameRule::Dns1035Label, "abc-1", true},
      {"rbac colon", NameRule::PathSegment, "system:controller:x", true},
      {"rbac slash", NameRule::PathSegment, "a/b", false},
      {"rbac dotdot", NameRule::PathSegment, "..", false},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(nameErrors(row.rule, row.value).empty(), row.ok) << row.name;
  }
  EXPECT_EQ(nameRuleFor("", "namespaces"), NameRule::Dns1123Label);
  EXPECT_EQ(nameRuleFor("", "services"), NameRule::Dns1035Label);
  EXPECT_EQ(nameRuleFor("rbac.authorization.k8s.io", "clusterroles"), NameRule::PathSegment);
  EXPECT_EQ(nameRuleFor("apps", "deployments"), NameRule::Dns1123Subdomain);
}

TEST(ObjectValidationTest, QualifiedNamesAndLabelValues) {
  struct Row {
    const char* name;
    std::string value;
    bool key_ok;
    bool value_ok;
  };
  const Row rows[] = {
      {"simple", "app", true, true},
      {"prefixed", "example.com/app", true, false},
      {"empty", "", false, true},
      {"two slashes", "a/b/c", false, false},
      {"empty prefix", "/app", false, false},
      {"uppercase prefix", "Example.com/app", false, false},
      {"underscore", "my_value", true, true},
      {"leading dash", "-x", false, false},
      {"64 chars", std::string(64, 'a'), false, false},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(qualifiedNameErrors(row.value).empty(), row.key_ok) << row.name;
    EXPECT_EQ(labelValueErrors(row.value).empty(), row.value_ok) << row.name;
  }
  EXPECT_EQ(qualifiedNameErrors("/app").front(), "prefix part must be non-empty");
}

TEST(ObjectValidationTest, ObjectMetaCauses) {
  struct Row {
    const char* name;
    const char* meta;
    bool namespaced;
    NameRule rule;
    std::vector<core::Cause> expected;
  };
  const Row rows[] = {
      {"valid", R"({"name":"a","namespace":"default","labels":{"app":"x"}})", true,
       NameRule::Dns1123Subdomain, {}},
      {"bad name", R"({"name":"Bad_Name","namespace":"default"})", true,
       NameRule::Dns1123Subdomain,
       {{"FieldValueInvalid", std::string("Invalid value: \"Bad_Name\": ") + kSubdomainDetail,
         "metadata.name"}}},
      {"missing name", R"({"namespace":"default"})", true, NameRule::Dns1123Subdomain,
       {{"FieldValueRequired", "Required value: name or generateName is required",
         "metadata.name"}}},
      {"missing namespace", R"({"name":"a"})", true, NameRule::Dns1123Subdomain,
       {{"FieldValueRequired", "Required value", "metadata.namespace"}}},
      {"generateName with trailing dash is fine", R"({"generateName":"web-","name":"web-x2b4c"})",
       false, NameRule::Dns1123Subdomain, {}},
      {"bad label value", R"({"name":"a","labels":{"app":"a b"}})", false,
       NameRule::Dns1123Subdomain,
       {{"FieldValueInvalid",
         "Invalid value: \"a b\": a valid label must be an empty string or consist of "
         "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
         "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
         "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
         "metadata.labels"}}},
      {"uppercase annotation key is fine", R"({"name":"a","annotations":{"Example.com/X":"y"}})",
       false, NameRule::Dns1123Subdomain, {}},
      {"orphan and foreground", R"({"name":"a","finalizers":["orphan","foregroundDeletion"]})",
       false, NameRule::Dns1123Subdomain,
       {{"FieldValueInvalid",
         "Invalid value: [\"orphan\",\"foregroundDeletion\"]: finalizer orphan and "
         "foregroundDeletion cannot be both set",
         "metadata.finalizers"}}},
      {"owner reference without uid",
       R"({"name":"a","ownerReferences":[{"apiVersion":"v1","kind":"X","name":"o"}]})", false,
       NameRule::Dns1123Subdomain,
       {{"FieldValueInvalid", "Invalid value: \"\": must not be empty",
         "metadata.ownerReferences.uid"}}},
  };
  for (const auto& row : rows) {
    auto causes = validateObjectMeta(Json::parse(row.meta), row.namespaced, row.rule);
    EXPECT_EQ(causes, row.expected) << row.name;
  }
  Json big = {{"name", "a"}, {"annotations", {{"k", std::string(256 * 1024, 'x')}}}};
  auto causes = validateObjectMeta(big, false, NameRule::Dns1123Subdomain);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].type, "FieldValueTooLong");
  EXPECT_EQ(validateObjectMeta(Json(5), false, false).size(), 1u);
}

TEST(ObjectValidationTest, GenerateName) {
  uint32_t n = 0;
  auto counter = [&n]() { return n++; };
  EXPECT_EQ(generateName("web-", counter), "web-bcdfg");
  const std::string long_prefix(70, 'a');
  const std::string name = generateName(long_prefix, counter);
  EXPECT_EQ(name.size(), 63u);
  EXPECT_EQ(name.substr(0, 58), std::string(58, 'a'));
}

}  // namespace
}  // namespace flotilla::apimachinery

namespace flotilla::apimachinery {
namespace {

TEST(ObjectValidationTest, InvalidUtf8NeverThrows) {
  const std::string bad = "a\xff\xfe";
  nlohmann::json meta = {{"name", bad}, {"labels", {{"k", bad}, {bad, "v"}}},
                         {"finalizers", nlohmann::json::array({bad, 5})}};
  std::vector<core::Cause> causes;
  EXPECT_NO_THROW(causes = validateObjectMeta(meta, false, NameRule::Dns1123Subdomain));
  EXPECT_FALSE(causes.empty());
  EXPECT_NO_THROW((void)jsonText(nlohmann::json::array({bad})));
}

}  // namespace
}  // namespace flotilla::apimachinery
