#include "apimachinery/object_validation.h"

#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apimachinery/crd_schema.h"
#include "apimachinery/field_selector.h"
#include "apimachinery/json_patch.h"
#include "apimachinery/json_path.h"
#include "apimachinery/label_selector.h"
#include "apimachinery/managed_fields.h"
#include "apimachinery/merge_patch.h"
#include "apimachinery/quantity.h"
#include "apimachinery/table_printer.h"

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

// Totality: every pure entry point of the library survives random documents without throwing.

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

Json randomJson(std::mt19937& rng, int depth) {
  static const char* kKeys[] = {"metadata", "spec", "status", "items", "type", "properties",
                                "op", "path", "value", "from", "matchLabels", "matchExpressions",
                                "key", "operator", "values", "name", "labels", "containers",
                                "additionalProperties", "required", "enum", "default",
                                "managedFields", "fieldsV1", "manager", "x-kubernetes-list-type",
                                "x-kubernetes-list-map-keys", "minimum", "pattern", "jsonPath"};
  static const char* kStrings[] = {"", "a", "object", "array", "string", "integer", "In",
                                   "Exists", "/a", "/spec/0", "-", "add", "remove", "test",
                                   "map", "set", "1Gi", ".spec", "k:{\"name\":\"a\"}", "f:x",
                                   "2026-01-01T00:00:00Z", "(", "\xff"};
  std::uniform_int_distribution<int> kind(0, depth > 5 ? 4 : 7);
  switch (kind(rng)) {
    case 0: return nullptr;
    case 1: return std::uniform_int_distribution<int>(-3, 3)(rng);
    case 2: return std::uniform_int_distribution<int>(0, 1)(rng) == 1;
    case 3: return 1.5;
    case 4: return kStrings[std::uniform_int_distribution<std::size_t>(0, std::size(kStrings) - 1)(rng)];
    case 5: {
      Json a = Json::array();
      const int n = std::uniform_int_distribution<int>(0, 3)(rng);
      for (int i = 0; i < n; ++i) a.push_back(randomJson(rng, depth + 1));
      return a;
    }
    default: {
      Json o = Json::object();
      const int n = std::uniform_int_distribution<int>(0, 4)(rng);
      for (int i = 0; i < n; ++i) {
        o[kKeys[std::uniform_int_distribution<std::size_t>(0, std::size(kKeys) - 1)(rng)]] =
            randomJson(rng, depth + 1);
      }
      return o;
    }
  }
}

TEST(TotalityTest, RandomDocumentsNeverThrow) {
  std::mt19937 rng(12345);  // fixed seed: deterministic
  ApplyRequest req;
  req.manager = "m";
  req.api_version = "v1";
  req.time = "2026-01-01T00:00:00Z";
  for (int i = 0; i < 3000; ++i) {
    const Json a = randomJson(rng, 0);
    const Json b = randomJson(rng, 0);
    ASSERT_NO_THROW({
      (void)LabelSelector::fromJson(a);
      (void)validateLabelSelector(a, "s");
      (void)applyJsonPatch(a, b);
      (void)applyMergePatch(a, b);
      (void)createMergePatch(a, b);
      (void)validateObjectMeta(a, true, NameRule::Dns1123Subdomain);
      (void)fieldValue("pods", a, "spec.nodeName");
      (void)Quantity::fromJson(a);
      const CrdSchema schema(a);
      Json obj = b;
      (void)schema.validate(obj);
      (void)schema.prune(obj);
      schema.applyDefaults(obj);
      (void)checkStructural(a, "p");
      Json crd = a;
      (void)validateCustomResourceDefinition(crd);
      (void)serverSideApply(&a, b, &schema.root(), req);
      (void)serverSideApply(nullptr, b, nullptr, req);
      Json upd = b;
      recordUpdateOwnership(&a, upd, &schema.root(), req);
      (void)fieldsV1ToFieldSet(a);
      (void)TablePrinter::forCustomResource(a);
      TableOptions opts;
      for (const char* r : {"pods", "services", "nodes", "events", "jobs"}) {
        (void)TablePrinter::forBuiltin(r == std::string("jobs") ? "batch" : "", r).row(a, opts);
      }
      if (a.is_string()) {
        (void)JsonPath::parse(a.get<std::string>());
        (void)LabelSelector::parse(a.get<std::string>());
        (void)FieldSelector::parse(a.get<std::string>());
      }
    }) << a.dump(-1, ' ', false, Json::error_handler_t::replace) << " / "
       << b.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
