#include "apimachinery/json_patch.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apimachinery/merge_patch.h"

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

TEST(JsonPatchTest, Rfc6902Operations) {
  const Json doc = Json::parse(R"({"a":{"b":[1,2]},"c":"x","d~/e":1})");
  struct Row {
    const char* name;
    const char* patch;
    const char* expected;  // "" = error
  };
  const Row rows[] = {
      {"add member", R"([{"op":"add","path":"/z","value":1}])",
       R"({"a":{"b":[1,2]},"c":"x","d~/e":1,"z":1})"},
      {"add to end", R"([{"op":"add","path":"/a/b/-","value":3}])",
       R"({"a":{"b":[1,2,3]},"c":"x","d~/e":1})"},
      {"insert", R"([{"op":"add","path":"/a/b/0","value":0}])",
       R"({"a":{"b":[0,1,2]},"c":"x","d~/e":1})"},
      {"remove", R"([{"op":"remove","path":"/c"}])", R"({"a":{"b":[1,2]},"d~/e":1})"},
      {"escaped", R"([{"op":"remove","path":"/d~0~1e"}])", R"({"a":{"b":[1,2]},"c":"x"})"},
      {"replace", R"([{"op":"replace","path":"/c","value":"y"}])",
       R"({"a":{"b":[1,2]},"c":"y","d~/e":1})"},
      {"move", R"([{"op":"move","from":"/c","path":"/a/c"}])",
       R"({"a":{"b":[1,2],"c":"x"},"d~/e":1})"},
      {"copy", R"([{"op":"copy","from":"/a/b/0","path":"/f"}])",
       R"({"a":{"b":[1,2]},"c":"x","d~/e":1,"f":1})"},
      {"test ok", R"([{"op":"test","path":"/c","value":"x"}])", R"({"a":{"b":[1,2]},"c":"x","d~/e":1})"},
      {"test fails", R"([{"op":"test","path":"/c","value":"y"}])", ""},
      {"remove missing", R"([{"op":"remove","path":"/nope"}])", ""},
      {"replace missing", R"([{"op":"replace","path":"/nope","value":1}])", ""},
      {"index out of range", R"([{"op":"add","path":"/a/b/5","value":1}])", ""},
      {"unknown op", R"([{"op":"frobnicate","path":"/c"}])", ""},
      {"not a list", R"({"op":"add"})", ""},
  };
  for (const auto& row : rows) {
    auto out = applyJsonPatch(doc, Json::parse(row.patch));
    if (*row.expected == '\0') {
      EXPECT_FALSE(out.isOk()) << row.name;
    } else {
      ASSERT_TRUE(out.isOk()) << row.name << ": " << out.status().toString();
      EXPECT_EQ(*out, Json::parse(row.expected)) << row.name;
    }
  }
}

TEST(MergePatchTest, Rfc7386) {
  const Json target = Json::parse(R"({"a":"b","c":{"d":"e","f":"g"},"l":[1,2]})");
  const Json patch = Json::parse(R"({"a":"z","c":{"f":null},"l":[3]})");
  EXPECT_EQ(applyMergePatch(target, patch), Json::parse(R"({"a":"z","c":{"d":"e"},"l":[3]})"));
  const Json modified = applyMergePatch(target, patch);
  EXPECT_EQ(applyMergePatch(target, createMergePatch(target, modified)), modified);
}

}  // namespace
}  // namespace flotilla::apimachinery
