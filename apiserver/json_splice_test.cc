#include "apiserver/json_splice.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flotilla::apiserver {
namespace {

TEST(JsonSpliceTest, InsertsResourceVersionIntoTopLevelMetadata) {
  struct Row {
    const char* name;
    const char* stored;
    bool ok;
  };
  const Row rows[] = {
      {"plain", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})", true},
      {"empty metadata", R"({"kind":"X","metadata":{}})", true},
      {"nested decoy before metadata",
       R"({"aaa":{"metadata":{"name":"decoy"},"s":"\"metadata\":{"},"metadata":{"name":"real"}})", true},
      {"escaped quotes", R"({"data":{"k":"a\\\"b\\"},"metadata":{"name":"q"}})", true},
      {"whitespace", " { \"kind\" : \"X\" , \"metadata\" : { \"name\" : \"w\" } } ", true},
      {"no metadata", R"({"kind":"X"})", false},
      {"not an object", R"([1,2])", false},
      {"truncated", R"({"kind":"X","metad)", false},
  };
  for (const auto& row : rows) {
    auto out = spliceResourceVersion(row.stored, 42);
    ASSERT_EQ(out.has_value(), row.ok) << row.name;
    if (!row.ok) continue;
    auto parsed = nlohmann::json::parse(*out);
    EXPECT_EQ(parsed["metadata"]["resourceVersion"], "42") << row.name;
    auto original = nlohmann::json::parse(row.stored);
    parsed["metadata"].erase("resourceVersion");
    EXPECT_EQ(parsed, original) << row.name;
  }
}

TEST(JsonSpliceTest, WithoutTopLevelMemberDropsOneMemberAndItsComma) {
  struct Row {
    const char* name;
    const char* object;
    const char* key;
    const char* want;  // nullptr: nullopt
  };
  const Row rows[] = {
      {"first", R"({"a":1,"b":2,"c":3})", "a", R"({"b":2,"c":3})"},
      {"middle", R"({"a":1,"b":{"x":[1,{"y":"}"}]},"c":3})", "b", R"({"a":1,"c":3})"},
      {"last", R"({"a":1,"b":2})", "b", R"({"a":1})"},
      {"only", R"({"a":[1,2]})", "a", R"({})"},
      {"whitespace", R"( { "a" : 1 , "b" : 2 } )", "a", R"( {  "b" : 2 } )"},
      {"nested key with the same name stays", R"({"a":{"b":1},"c":2})", "b", nullptr},
      {"escaped quote in a string value", R"({"a":"x\"b\":","b":1})", "b", R"({"a":"x\"b\":"})"},
      {"absent", R"({"a":1})", "z", nullptr},
      {"empty object", R"({})", "a", nullptr},
      {"not an object", R"([1,2])", "a", nullptr},
      {"truncated", R"({"a":1,"b":)", "b", nullptr},
  };
  for (const auto& row : rows) {
    auto out = withoutTopLevelMember(row.object, row.key);
    if (row.want == nullptr) {
      EXPECT_FALSE(out.has_value()) << row.name;
      continue;
    }
    ASSERT_TRUE(out.has_value()) << row.name;
    EXPECT_EQ(*out, row.want) << row.name;
    auto expected = nlohmann::json::parse(row.object);
    expected.erase(row.key);
    EXPECT_EQ(nlohmann::json::parse(*out), expected) << row.name;
  }
}

TEST(JsonSpliceTest, MetadataWithoutManagedFields) {
  struct Row {
    const char* name;
    const char* stored;
    const char* want;  // nullptr: nullopt
  };
  const Row rows[] = {
      {"managedFields dropped",
       R"({"kind":"X","metadata":{"labels":{"a":"b"},"managedFields":[{"manager":"m"}],"name":"n"},"spec":{}})",
       R"({"labels":{"a":"b"},"name":"n"})"},
      {"no managedFields", R"({"metadata":{"name":"n"}})", R"({"name":"n"})"},
      {"nested managedFields stays", R"({"metadata":{"x":{"managedFields":1}}})",
       R"({"x":{"managedFields":1}})"},
      {"no metadata", R"({"spec":{"metadata":{}}})", nullptr},
      {"metadata not an object", R"({"metadata":"x"})", nullptr},
      {"managedFields last", R"({"metadata":{"name":"n","managedFields":[]}})", R"({"name":"n"})"},
      {"managedFields alone", R"({"metadata":{"managedFields":[]},"spec":{}})", "{}"},
      {"spaces kept as written", R"({"metadata": { "managedFields" : [1] , "name":"n" } })",
       R"({  "name":"n" })"},
      {"empty metadata", R"({"kind":"K","metadata":{}})", "{}"},
      {"metadata after spec", R"({"spec":{"a":[1,{"b":"}"}]},"metadata":{"uid":"u"}})",
       R"({"uid":"u"})"},
      {"first managedFields of two", R"({"metadata":{"managedFields":1,"managedFields":2}})",
       R"({"managedFields":2})"},
      {"malformed member after managedFields", R"({"metadata":{"managedFields":1,"name":}})",
       R"({"name":})"},
      {"malformed member before managedFields", R"({"metadata":{"a" 1,"managedFields":1}})",
       R"({"a" 1,"managedFields":1})"},
  };
  for (const auto& row : rows) {
    auto out = metadataWithoutManagedFields(row.stored);
    if (row.want == nullptr) {
      EXPECT_FALSE(out.has_value()) << row.name;
      continue;
    }
    ASSERT_TRUE(out.has_value()) << row.name;
    EXPECT_EQ(*out, row.want) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::apiserver
