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
    core::Code code;
    const char* message;
  };
  const core::Code kOk = core::Code::Ok;
  const core::Code kInvalid = core::Code::Invalid;
  const Row rows[] = {
      {"add member", R"([{"op":"add","path":"/z","value":1}])",
       R"({"a":{"b":[1,2]},"c":"x","d~/e":1,"z":1})", kOk, ""},
      {"add replaces existing member", R"([{"op":"add","path":"/c","value":2}])",
       R"({"a":{"b":[1,2]},"c":2,"d~/e":1})", kOk, ""},
      {"add to end", R"([{"op":"add","path":"/a/b/-","value":3}])",
       R"({"a":{"b":[1,2,3]},"c":"x","d~/e":1})", kOk, ""},
      {"insert", R"([{"op":"add","path":"/a/b/0","value":0}])",
       R"({"a":{"b":[0,1,2]},"c":"x","d~/e":1})", kOk, ""},
      {"insert at size", R"([{"op":"add","path":"/a/b/2","value":9}])",
       R"({"a":{"b":[1,2,9]},"c":"x","d~/e":1})", kOk, ""},
      {"add whole document", R"([{"op":"add","path":"","value":[1]}])", "[1]", kOk, ""},
      {"remove", R"([{"op":"remove","path":"/c"}])", R"({"a":{"b":[1,2]},"d~/e":1})", kOk, ""},
      {"remove array item", R"([{"op":"remove","path":"/a/b/0"}])",
       R"({"a":{"b":[2]},"c":"x","d~/e":1})", kOk, ""},
      {"escaped", R"([{"op":"remove","path":"/d~0~1e"}])", R"({"a":{"b":[1,2]},"c":"x"})", kOk,
       ""},
      {"replace", R"([{"op":"replace","path":"/c","value":"y"}])",
       R"({"a":{"b":[1,2]},"c":"y","d~/e":1})", kOk, ""},
      {"replace array item", R"([{"op":"replace","path":"/a/b/1","value":5}])",
       R"({"a":{"b":[1,5]},"c":"x","d~/e":1})", kOk, ""},
      {"move", R"([{"op":"move","from":"/c","path":"/a/c"}])",
       R"({"a":{"b":[1,2],"c":"x"},"d~/e":1})", kOk, ""},
      {"move onto itself", R"([{"op":"move","from":"/c","path":"/c"}])",
       R"({"a":{"b":[1,2]},"c":"x","d~/e":1})", kOk, ""},
      {"copy", R"([{"op":"copy","from":"/a/b/0","path":"/f"}])",
       R"({"a":{"b":[1,2]},"c":"x","d~/e":1,"f":1})", kOk, ""},
      {"test ok", R"([{"op":"test","path":"/c","value":"x"}])",
       R"({"a":{"b":[1,2]},"c":"x","d~/e":1})", kOk, ""},
      {"sequence", R"([{"op":"add","path":"/n","value":{}},{"op":"add","path":"/n/m","value":1}])",
       R"({"a":{"b":[1,2]},"c":"x","d~/e":1,"n":{"m":1}})", kOk, ""},
      {"test fails", R"([{"op":"test","path":"/c","value":"y"}])", "", kInvalid,
       "testing value /c failed: test failed"},
      {"test missing", R"([{"op":"test","path":"/q","value":null}])", "", kInvalid,
       "testing value /q failed: test failed"},
      {"remove missing", R"([{"op":"remove","path":"/nope"}])", "", kInvalid,
       "remove operation does not apply: doc is missing path: \"/nope\""},
      {"replace missing", R"([{"op":"replace","path":"/nope","value":1}])", "", kInvalid,
       "replace operation does not apply: doc is missing key: \"/nope\""},
      {"add missing parent", R"([{"op":"add","path":"/x/y","value":1}])", "", kInvalid,
       "add operation does not apply: doc is missing path: \"/x/y\""},
      {"index out of range", R"([{"op":"add","path":"/a/b/5","value":1}])", "", kInvalid, ""},
      {"leading zero index", R"([{"op":"replace","path":"/a/b/01","value":1}])", "", kInvalid, ""},
      {"dash not allowed for remove", R"([{"op":"remove","path":"/a/b/-"}])", "", kInvalid, ""},
      {"move into child", R"([{"op":"move","from":"/a","path":"/a/b/0"}])", "", kInvalid, ""},
      {"copy missing from", R"([{"op":"copy","from":"/zz","path":"/f"}])", "", kInvalid,
       "copy operation does not apply: doc is missing from path: \"/zz\""},
      {"unknown op", R"([{"op":"frobnicate","path":"/c"}])", "", kInvalid,
       "Unexpected kind: frobnicate"},
      {"missing value", R"([{"op":"add","path":"/c"}])", "", kInvalid, ""},
      {"bad pointer", R"([{"op":"add","path":"c","value":1}])", "", kInvalid, ""},
      {"bad escape", R"([{"op":"add","path":"/c~2","value":1}])", "", kInvalid, ""},
      {"operation not an object", "[1]", "", kInvalid, ""},
      {"not a list", R"({"op":"add"})", "", core::Code::InvalidArgument, ""},
      {"failed op leaves no partial result", R"([{"op":"remove","path":"/c"},{"op":"test","path":"/c","value":1}])",
       "", kInvalid, ""},
  };
  for (const auto& row : rows) {
    auto out = applyJsonPatch(doc, Json::parse(row.patch));
    if (row.code == kOk) {
      ASSERT_TRUE(out.isOk()) << row.name << ": " << out.status().toString();
      EXPECT_EQ(*out, Json::parse(row.expected)) << row.name;
    } else {
      ASSERT_FALSE(out.isOk()) << row.name;
      EXPECT_EQ(out.status().code(), row.code) << row.name;
      if (*row.message) {
        EXPECT_EQ(out.status().message(), row.message) << row.name;
      }
    }
  }
}

TEST(JsonPatchTest, TooManyOperations) {
  Json patch = Json::array();
  for (int i = 0; i < 10001; ++i) patch.push_back({{"op", "test"}, {"path", ""}, {"value", 1}});
  auto out = applyJsonPatch(Json(1), patch);
  ASSERT_FALSE(out.isOk());
  EXPECT_EQ(out.status().code(), core::Code::TooLarge);
  EXPECT_EQ(out.status().message(),
            "The allowed maximum operations in a JSON patch is 10000, got 10001");
}

TEST(MergePatchTest, Rfc7386Examples) {
  struct Row {
    const char* name;
    const char* target;
    const char* patch;
    const char* expected;
  };
  // The examples of RFC 7386 appendix A.
  const Row rows[] = {
      {"replace value", R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {"add member", R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {"delete member", R"({"a":"b"})", R"({"a":null})", R"({})"},
      {"delete one of two", R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {"array replaces", R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {"value becomes array", R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {"nested", R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {"arrays not merged", R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {"array target", R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {"object over array", R"(["a"])", R"({"a":"b"})", R"({"a":"b"})"},
      {"null patch", R"({"a":"foo"})", "null", "null"},
      {"string patch", R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {"null kept out of new object", R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {"nested nulls dropped on add", "[1,2]", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {"deep add drops nulls", "{}", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(applyMergePatch(Json::parse(row.target), Json::parse(row.patch)),
              Json::parse(row.expected))
        << row.name;
  }
}

TEST(MergePatchTest, CreateRoundTrips) {
  struct Row {
    const char* name;
    const char* original;
    const char* modified;
    const char* patch;
  };
  const Row rows[] = {
      {"no change", R"({"a":1})", R"({"a":1})", "{}"},
      {"changed and removed", R"({"a":1,"b":{"c":1,"d":2}})", R"({"a":2,"b":{"c":1}})",
       R"({"a":2,"b":{"d":null}})"},
      {"list replaced", R"({"l":[1,2]})", R"({"l":[1]})", R"({"l":[1]})"},
  };
  for (const auto& row : rows) {
    const Json original = Json::parse(row.original);
    const Json modified = Json::parse(row.modified);
    const Json patch = createMergePatch(original, modified);
    EXPECT_EQ(patch, Json::parse(row.patch)) << row.name;
    EXPECT_EQ(applyMergePatch(original, patch), modified) << row.name;
  }
}

TEST(MergePatchTest, DeepInputDoesNotOverflow) {
  Json deep = Json::object();
  Json* cur = &deep;
  for (int i = 0; i < 3000; ++i) {
    (*cur)["a"] = Json::object();
    cur = &(*cur)["a"];
  }
  const Json out = applyMergePatch(deep, deep);
  EXPECT_TRUE(out.is_object());
  EXPECT_TRUE(createMergePatch(deep, out).is_object());
}

}  // namespace
}  // namespace flotilla::apimachinery
