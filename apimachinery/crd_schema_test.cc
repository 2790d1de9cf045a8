#include "apimachinery/crd_schema.h"

#include <gtest/gtest.h>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

const char* kWidgetSchema = R"({
  "type":"object",
  "properties":{
    "spec":{"type":"object","required":["size"],"properties":{
      "size":{"type":"integer","minimum":1,"maximum":10,"default":3},
      "name":{"type":"string","minLength":2,"maxLength":5,"pattern":"^[a-z]+$"},
      "mode":{"type":"string","enum":["fast","slow"]},
      "ratio":{"type":"number","exclusiveMinimum":true,"minimum":0},
      "port":{"x-kubernetes-int-or-string":true},
      "tags":{"type":"array","items":{"type":"string"},"maxItems":2,"x-kubernetes-list-type":"set"},
      "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
               "items":{"type":"object","properties":{"name":{"type":"string"},"port":{"type":"integer","default":80}}}},
      "labels":{"type":"object","additionalProperties":{"type":"string"},"maxProperties":2},
      "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
      "opt":{"type":"string","nullable":true},
      "nested":{"type":"object","properties":{"inner":{"type":"string","default":"x"}}},
      "template":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object"}}}
    }},
    "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}
  }})";

TEST(CrdSchemaTest, Validation) {
  const CrdSchema schema(Json::parse(kWidgetSchema));
  struct Row {
    const char* name;
    const char* spec;
    std::vector<core::Cause> expected;
  };
  const Row rows[] = {
      {"valid", R"({"size":2,"name":"ab","mode":"fast","port":"http","tags":["a"]})", {}},
      {"wrong type",
       R"({"size":"string"})",
       {{"FieldValueTypeInvalid",
         "Invalid value: \"string\": spec.size in body must be of type integer: \"string\"",
         "spec.size"}}},
      {"integral float is an integer", R"({"size":2.0})", {}},
      {"required", "{}", {{"FieldValueRequired", "Required value", "spec.size"}}},
      {"minimum", R"({"size":0})",
       {{"FieldValueInvalid",
         "Invalid value: 0: spec.size in body should be greater than or equal to 1", "spec.size"}}},
      {"maximum", R"({"size":11})",
       {{"FieldValueInvalid", "Invalid value: 11: spec.size in body should be less than or equal to 10",
         "spec.size"}}},
      {"exclusive minimum", R"({"size":1,"ratio":0})",
       {{"FieldValueInvalid", "Invalid value: 0: spec.ratio in body should be greater than 0",
         "spec.ratio"}}},
      {"enum", R"({"size":1,"mode":"medium"})",
       {{"FieldValueNotSupported",
         "Unsupported value: \"medium\": supported values: \"fast\", \"slow\"", "spec.mode"}}},
      {"min length", R"({"size":1,"name":"a"})",
       {{"FieldValueInvalid",
         "Invalid value: \"a\": spec.name in body should be at least 2 chars long", "spec.name"}}},
      {"max length", R"({"size":1,"name":"abcdef"})",
       {{"FieldValueTooLong", "Too long: may not be more than 5 bytes", "spec.name"}}},
      {"pattern", R"({"size":1,"name":"AB"})",
       {{"FieldValueInvalid", "Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'",
         "spec.name"}}},
      {"int or string rejects bool", R"({"size":1,"port":true})",
       {{"FieldValueTypeInvalid",
         "Invalid value: \"boolean\": spec.port in body must be of type integer,string: "
         "\"boolean\"",
         "spec.port"}}},
      {"max items", R"({"size":1,"tags":["a","b","c"]})",
       {{"FieldValueTooMany", "Too many: 3: must have at most 2 items", "spec.tags"}}},
      {"set duplicates", R"({"size":1,"tags":["a","a"]})",
       {{"FieldValueDuplicate", "Duplicate value: \"a\"", "spec.tags[1]"}}},
      {"map values", R"({"size":1,"labels":{"a":1}})",
       {{"FieldValueTypeInvalid",
         "Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"",
         "spec.labels.a"}}},
      {"max properties", R"({"size":1,"labels":{"a":"1","b":"2","c":"3"}})",
       {{"FieldValueTooMany", "Too many: 3: must have at most 2 items", "spec.labels"}}},
      {"nullable", R"({"size":1,"opt":null})", {}},
      {"null not allowed", R"({"size":null})",
       {{"FieldValueTypeInvalid",
         "Invalid value: \"null\": spec.size in body must be of type integer: \"null\"",
         "spec.size"}}},
      {"list items", R"({"size":1,"ports":[{"name":"a","port":"x"}]})",
       {{"FieldValueTypeInvalid",
         "Invalid value: \"string\": spec.ports[0].port in body must be of type integer: "
         "\"string\"",
         "spec.ports[0].port"}}},
  };
  for (const auto& row : rows) {
    Json obj = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"spec", Json::parse(row.spec)}};
    EXPECT_EQ(schema.validate(obj), row.expected) << row.name;
  }
}

TEST(CrdSchemaTest, PruneAndDefault) {
  const CrdSchema schema(Json::parse(kWidgetSchema));
  Json obj = Json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget",
    "metadata":{"name":"w","labels":{"a":"b"}},
    "spec":{"unknown":1,"extra":{"anything":{"goes":true}},"ports":[{"name":"a","bogus":2}],
            "nested":{},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":1},"junk":1}},
    "status":{"ready":true,"phase":"x"},
    "top":1})");
  auto pruned = schema.prune(obj);
  EXPECT_EQ(pruned, (std::vector<std::string>{"spec.ports[0].bogus", "spec.template.junk",
                                              "spec.template.spec.x", "spec.unknown",
                                              "status.phase", "top"}));
  schema.applyDefaults(obj);
  EXPECT_EQ(obj["spec"]["size"], 3);
  EXPECT_EQ(obj["spec"]["ports"][0]["port"], 80);
  EXPECT_EQ(obj["spec"]["nested"]["inner"], "x");
  EXPECT_EQ(obj["spec"]["extra"], Json::parse(R"({"anything":{"goes":true}})"));
  EXPECT_EQ(obj["metadata"], Json::parse(R"({"name":"w","labels":{"a":"b"}})"));
  EXPECT_EQ(obj["spec"]["template"]["kind"], "Pod");

  // Defaults of nested objects apply only when the parent exists.
  Json bare = {{"spec", Json::object()}};
  schema.applyDefaults(bare);
  EXPECT_FALSE(bare["spec"].contains("nested"));
  EXPECT_FALSE(bare.contains("status"));
}

TEST(CrdSchemaTest, DefaultsAreFoundAtAnyDepthAndSkippedWhereThereAreNone) {
  // Each row: a schema, an object, the object after applyDefaults.
  struct Row {
    std::string name;
    std::string schema;
    std::string in;
    std::string out;
  };
  const std::vector<Row> rows = {
      {"no_default_anywhere",
       R"({"type":"object","properties":{"spec":{"type":"object","properties":{"a":{"type":"string"}}}}})",
       R"({"spec":{"a":null,"b":1}})", R"({"spec":{"a":null,"b":1}})"},
      {"under_array_items",
       R"({"type":"object","properties":{"l":{"type":"array","items":{"type":"object","properties":{"p":{"type":"integer","default":7}}}}}})",
       R"({"l":[{},{"p":1}]})", R"({"l":[{"p":7},{"p":1}]})"},
      {"under_map_values",
       R"({"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"object","properties":{"q":{"type":"string","default":"d"}}}}}})",
       R"({"m":{"x":{},"y":{"q":"set"}}})", R"({"m":{"x":{"q":"d"},"y":{"q":"set"}}})"},
      {"deep_below_a_property_without_one",
       R"({"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"object","properties":{"c":{"type":"integer","default":1}}}}}}})",
       R"({"a":{"b":{}}})", R"({"a":{"b":{"c":1}}})"},
      {"items_default_itself_is_not_applied",
       R"({"type":"object","properties":{"l":{"type":"array","items":{"type":"integer","default":5}}}})",
       R"({"l":[null,1]})", R"({"l":[null,1]})"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const CrdSchema schema(Json::parse(row.schema));
    Json obj = Json::parse(row.in);
    schema.applyDefaults(obj);
    EXPECT_EQ(obj, Json::parse(row.out));
  }
}

TEST(CrdSchemaTest, SchemaNodeView) {
  const CrdSchema schema(Json::parse(kWidgetSchema));
  const SchemaNode& root = schema.root();
  ASSERT_EQ(root.kind(), NodeKind::Object);
  const SchemaNode* spec = root.field("spec");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->field("labels")->kind(), NodeKind::Map);
  EXPECT_EQ(spec->field("extra")->kind(), NodeKind::Any);
  EXPECT_EQ(spec->field("port")->scalarType(), ScalarType::IntOrString);
  const SchemaNode* ports = spec->field("ports");
  EXPECT_EQ(ports->kind(), NodeKind::Array);
  EXPECT_EQ(ports->listType(), ListType::Map);
  EXPECT_EQ(ports->listMapKeys(), std::vector<std::string>{"name"});
  EXPECT_EQ(spec->field("tags")->listType(), ListType::Set);
  EXPECT_EQ(spec->field("nope"), nullptr);
  // A missing schema preserves everything.
  const CrdSchema open(Json{});
  Json obj = {{"spec", {{"x", 1}}}};
  EXPECT_TRUE(open.prune(obj).empty());
}

TEST(CrdSchemaTest, Structural) {
  struct Row {
    const char* name;
    const char* schema;
    std::vector<core::Cause> expected;
  };
  const std::string p = "spec.versions[0].schema.openAPIV3Schema";
  const Row rows[] = {
      {"structural", kWidgetSchema, {}},
      {"missing field type", R"({"type":"object","properties":{"spec":{"properties":{}}}})",
       {{"FieldValueRequired", "Required value: must not be empty for specified object fields",
         p + ".properties[spec].type"}}},
      {"missing item type", R"({"type":"object","properties":{"l":{"type":"array","items":{}}}})",
       {{"FieldValueRequired", "Required value: must not be empty for specified array items",
         p + ".properties[l].items.type"}}},
      {"array without items", R"({"type":"object","properties":{"l":{"type":"array"}}})",
       {{"FieldValueRequired", "Required value: must be specified", p + ".properties[l].items"}}},
      {"root not object", R"({"type":"string"})",
       {{"FieldValueInvalid", "Invalid value: \"string\": must be object at the root",
         p + ".type"}}},
      {"root without type", R"({"properties":{}})",
       {{"FieldValueRequired", "Required value: must not be empty at the root", p + ".type"}}},
      {"preserve false", R"({"type":"object","x-kubernetes-preserve-unknown-fields":false})",
       {{"FieldValueInvalid", "Invalid value: false: must be true or undefined",
         p + ".x-kubernetes-preserve-unknown-fields"}}},
      {"int-or-string with type",
       R"({"type":"object","properties":{"p":{"type":"string","x-kubernetes-int-or-string":true}}})",
       {{"FieldValueInvalid",
         "Invalid value: \"string\": must be empty if x-kubernetes-int-or-string is true",
         p + ".properties[p].type"}}},
      {"type not a string", R"({"type":"object","properties":{"a":{"type":5}}})",
       {{"FieldValueInvalid", "Invalid value: 5: must be a string", p + ".properties[a].type"},
        {"FieldValueRequired", "Required value: must not be empty for specified object fields",
         p + ".properties[a].type"}}},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(checkStructural(Json::parse(row.schema), p), row.expected) << row.name;
  }
}

TEST(CrdSchemaTest, CustomResourceDefinition) {
  Json crd = Json::parse(R"({"metadata":{"name":"widgets.example.com"},"spec":{
    "group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},
    "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}})");
  EXPECT_TRUE(validateCustomResourceDefinition(crd).empty());
  EXPECT_EQ(crd["spec"]["names"]["singular"], "widget");
  EXPECT_EQ(crd["spec"]["names"]["listKind"], "WidgetList");

  struct Row {
    const char* name;
    const char* patch_path;  // JSON pointer into the valid CRD
    const char* value;
    const char* field;
    const char* message;
  };
  const Row rows[] = {
      {"wrong name", "/metadata/name", R"("widget.example.com")", "metadata.name",
       "Invalid value: \"widget.example.com\": must be spec.names.plural+\".\"+spec.group"},
      {"bad scope", "/spec/scope", R"("Global")", "spec.scope",
       "Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\""},
      {"no storage version", "/spec/versions/0/storage", "false", "spec.versions",
       "Invalid value: [\"v1\"]: must have exactly one version marked as storage version"},
      {"group without dot", "/spec/group", R"("example")", "spec.group",
       "Invalid value: \"example\": should be a domain with at least one dot"},
      {"missing kind", "/spec/names", R"({"plural":"widgets"})", "spec.names.kind",
       "Required value"},
      {"bad printer column path", "/spec/versions/0/additionalPrinterColumns",
       R"([{"name":"X","type":"string","jsonPath":"spec.x"}])",
       "spec.versions[0].additionalPrinterColumns[0].jsonPath",
       "Invalid value: \"spec.x\": must be a simple json path starting with ."},
      {"bad printer column type", "/spec/versions/0/additionalPrinterColumns",
       R"([{"name":"X","type":"text","jsonPath":".spec.x"}])",
       "spec.versions[0].additionalPrinterColumns[0].type",
       "Unsupported value: \"text\": supported values: \"boolean\", \"date\", \"integer\", "
       "\"number\", \"string\""},
  };
  for (const auto& row : rows) {
    Json c = Json::parse(R"({"metadata":{"name":"widgets.example.com"},"spec":{
      "group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},
      "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}})");
    c[Json::json_pointer(row.patch_path)] = Json::parse(row.value);
    auto causes = validateCustomResourceDefinition(c);
    bool found = false;
    for (const auto& cause : causes) {
      if (cause.field == row.field && cause.message == row.message) found = true;
    }
    EXPECT_TRUE(found) << row.name << ": " << (causes.empty() ? "no causes" : causes[0].field + ": " + causes[0].message);
  }
  Json junk = Json::parse("[1,2]");
  EXPECT_FALSE(validateCustomResourceDefinition(junk).empty());
}

TEST(CrdSchemaTest, HostileSchemasAreTotal) {
  Json deep = {{"type", "object"}};
  Json* cur = &deep;
  for (int i = 0; i < 200; ++i) {
    (*cur)["properties"] = {{"a", {{"type", "object"}}}};
    cur = &(*cur)["properties"]["a"];
  }
  const CrdSchema schema(deep);
  Json obj = {{"a", {{"a", {{"a", 1}}}}}};
  (void)schema.validate(obj);
  (void)schema.prune(obj);
  (void)checkStructural(deep, "x");
  const CrdSchema odd(Json::parse(R"({"type":7,"properties":[1],"items":"x","required":"y",
      "enum":5,"minimum":"a","pattern":"(","default":1})"));
  Json o2 = {{"spec", 1}};
  EXPECT_NO_THROW((void)odd.validate(o2));
  EXPECT_NO_THROW((void)odd.prune(o2));
  EXPECT_NO_THROW(odd.applyDefaults(o2));
}

}  // namespace
}  // namespace flotilla::apimachinery
