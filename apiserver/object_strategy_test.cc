#include "apiserver/object_strategy.h"

#include <gtest/gtest.h>

namespace flotilla::apiserver {
namespace {

// sameObject's definition: equal once resourceVersion and managedFields times are erased.
bool sameByDefinition(const Json& a, const Json& b) {
  auto strip = [](Json c) {
    if (c.is_object() && c.contains("metadata") && c["metadata"].is_object()) {
      c["metadata"].erase("resourceVersion");
      if (c["metadata"].contains("managedFields") && c["metadata"]["managedFields"].is_array()) {
        for (auto& e : c["metadata"]["managedFields"]) {
          if (e.is_object()) e.erase("time");
        }
      }
    }
    return c;
  };
  return strip(a) == strip(b);
}

TEST(ObjectStrategyTest, SameObjectIgnoresOnlyResourceVersionAndManagedFieldsTimes) {
  struct Row {
    const char* name;
    const char* a;
    const char* b;
    bool same;
  };
  const Row rows[] = {
      {"identical", R"({"metadata":{"name":"a"},"spec":{"x":1}})",
       R"({"metadata":{"name":"a"},"spec":{"x":1}})", true},
      {"resourceVersion differs", R"({"metadata":{"name":"a","resourceVersion":"1"}})",
       R"({"metadata":{"name":"a","resourceVersion":"2"}})", true},
      {"resourceVersion on one side", R"({"metadata":{"name":"a","resourceVersion":"1"}})",
       R"({"metadata":{"name":"a"}})", true},
      {"managedFields time differs",
       R"({"metadata":{"managedFields":[{"manager":"m","time":"t1"}],"name":"a"}})",
       R"({"metadata":{"managedFields":[{"manager":"m","time":"t2"}],"name":"a"}})", true},
      {"managedFields time on one side",
       R"({"metadata":{"managedFields":[{"manager":"m","time":"t1"}]}})",
       R"({"metadata":{"managedFields":[{"manager":"m"}]}})", true},
      {"managedFields manager differs", R"({"metadata":{"managedFields":[{"manager":"m"}]}})",
       R"({"metadata":{"managedFields":[{"manager":"n"}]}})", false},
      {"managedFields length differs", R"({"metadata":{"managedFields":[{"manager":"m"}]}})",
       R"({"metadata":{"managedFields":[{"manager":"m"},{"manager":"n"}]}})", false},
      {"managedFields entry not an object", R"({"metadata":{"managedFields":[1]}})",
       R"({"metadata":{"managedFields":[1]}})", true},
      {"managedFields not an array", R"({"metadata":{"managedFields":{"time":"x"}}})",
       R"({"metadata":{"managedFields":{"time":"y"}}})", false},
      {"managedFields array against object", R"({"metadata":{"managedFields":[]}})",
       R"({"metadata":{"managedFields":{}}})", false},
      {"time outside managedFields counts", R"({"metadata":{"name":"a"},"spec":{"time":"1"}})",
       R"({"metadata":{"name":"a"},"spec":{"time":"2"}})", false},
      {"resourceVersion outside metadata counts", R"({"metadata":{},"spec":{"resourceVersion":1}})",
       R"({"metadata":{},"spec":{"resourceVersion":2}})", false},
      {"spec differs", R"({"metadata":{},"spec":{"x":1}})", R"({"metadata":{},"spec":{"x":2}})",
       false},
      {"extra top-level member", R"({"metadata":{},"spec":{}})",
       R"({"metadata":{},"spec":{},"status":{}})", false},
      {"extra metadata member", R"({"metadata":{"name":"a"}})",
       R"({"metadata":{"name":"a","uid":"u"}})", false},
      {"empty key is compared", R"({"":1,"metadata":{}})", R"({"":2,"metadata":{}})", false},
      {"integer equals float like nlohmann", R"({"metadata":{},"spec":{"x":1}})",
       R"({"metadata":{},"spec":{"x":1.0}})", true},
      {"metadata missing on one side", R"({"metadata":{"resourceVersion":"1"}})", R"({})", false},
      {"metadata missing on both", R"({"spec":1})", R"({"spec":1})", true},
      {"metadata not an object", R"({"metadata":"x"})", R"({"metadata":"x"})", true},
      {"not objects", R"([1,2])", R"([1,2])", true},
  };
  for (const auto& row : rows) {
    const Json a = Json::parse(row.a);
    const Json b = Json::parse(row.b);
    EXPECT_EQ(sameObject(a, b), row.same) << row.name;
    EXPECT_EQ(sameObject(b, a), row.same) << row.name << " (swapped)";
    EXPECT_EQ(sameByDefinition(a, b), row.same) << row.name << " (definition)";
  }
}

TEST(ObjectStrategyTest, GenerationBumpsOnlyWhenTheSpecPartChanges) {
  ServedResource r;
  r.group = "apps";
  r.version = "v1";
  r.plural = "deployments";
  r.generation_tracked = true;
  const Json old = Json::parse(
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","generation":3},)"
      R"("spec":{"replicas":1},"status":{"replicas":1}})");
  struct Row {
    const char* name;
    const char* patch;
    int64_t generation;
  };
  const Row rows[] = {
      {"nothing", "[]", 3},
      {"spec", R"([{"op":"replace","path":"/spec/replicas","value":2}])", 4},
      {"status", R"([{"op":"replace","path":"/status/replicas","value":2}])", 3},
      {"labels", R"([{"op":"add","path":"/metadata/labels","value":{"a":"b"}}])", 3},
      {"apiVersion and kind", R"([{"op":"replace","path":"/kind","value":"X"}])", 3},
      {"new top-level member", R"([{"op":"add","path":"/data","value":{}}])", 4},
      {"spec removed", R"([{"op":"remove","path":"/spec"}])", 4},
  };
  for (const auto& row : rows) {
    Json updated = old.patch(Json::parse(row.patch));
    prepareForUpdate(r, old, updated, "");
    EXPECT_EQ(updated["metadata"]["generation"], row.generation) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::apiserver
