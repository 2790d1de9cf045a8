#include "apimachinery/json_path.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

TEST(JsonPathTest, FindsValues) {
  const Json doc = Json::parse(R"({
    "metadata":{"name":"w","labels":{"app.kubernetes.io/name":"x"}},
    "spec":{"replicas":3,"items":[{"n":"a","v":1},{"n":"b","v":2},{"n":"c","v":3}]},
    "status":{"conditions":[{"type":"Progressing","status":"True"},{"type":"Ready","status":"False"}]}})");
  struct Row {
    const char* name;
    const char* path;
    const char* expected;  // JSON array of results
  };
  const Row rows[] = {
      {"field", ".spec.replicas", "[3]"},
      {"braces", "{.metadata.name}", R"(["w"])"},
      {"dollar", "$.metadata.name", R"(["w"])"},
      {"index", ".spec.items[1].n", R"(["b"])"},
      {"negative index", ".spec.items[-1].n", R"(["c"])"},
      {"slice", ".spec.items[0:2].n", R"(["a","b"])"},
      {"open slice", ".spec.items[1:].v", "[2,3]"},
      {"wildcard", ".spec.items[*].n", R"(["a","b","c"])"},
      {"dot wildcard", ".spec.items.*.v", "[1,2,3]"},
      {"filter", R"(.status.conditions[?(@.type=="Ready")].status)", R"(["False"])"},
      {"filter single quotes", ".status.conditions[?(@.type=='Progressing')].status",
       R"(["True"])"},
      {"filter numeric", ".spec.items[?(@.v>=2)].n", R"(["b","c"])"},
      {"filter exists", ".spec.items[?(@.v)].n", R"(["a","b","c"])"},
      {"quoted key with dots", ".metadata.labels['app\\.kubernetes\\.io/name']", "[]"},
      {"quoted key", ".metadata.labels['app.kubernetes.io/name']", R"(["x"])"},
      {"recursive", "..n", R"(["a","b","c"])"},
      {"missing", ".spec.nothing.here", "[]"},
      {"index out of range", ".spec.items[7]", "[]"},
      {"index on object", ".spec[0]", "[]"},
  };
  for (const auto& row : rows) {
    auto path = JsonPath::parse(row.path);
    ASSERT_TRUE(path.isOk()) << row.name << ": " << path.status().toString();
    Json got = Json::array();
    for (const Json* v : path->find(doc)) got.push_back(*v);
    EXPECT_EQ(got, Json::parse(row.expected)) << row.name;
  }
}

TEST(JsonPathTest, RejectsBadSyntax) {
  const char* bad[] = {".a[", ".a[?(@.x==)]", ".a[x]", ".a[?(b)]", ".a b", ".a[1:2:3]", ".#"};
  for (const char* p : bad) {
    EXPECT_FALSE(JsonPath::parse(p).isOk()) << p;
  }
}

TEST(JsonPathTest, PrintsLikeKubectl) {
  struct Row {
    const char* name;
    const char* value;
    const char* text;
  };
  const Row rows[] = {
      {"string", R"("abc")", "abc"},
      {"integer", "42", "42"},
      {"float", "1.5", "1.5"},
      {"large float", "1000000.0", "1e+06"},
      {"bool", "true", "true"},
      {"null", "null", "<nil>"},
      {"list", R"([1,"a"])", "[1 a]"},
      {"map", R"({"b":1,"a":{"c":"d"}})", "map[a:map[c:d] b:1]"},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(jsonPathText(Json::parse(row.value)), row.text) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
