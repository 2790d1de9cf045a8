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

}  // namespace
}  // namespace flotilla::apiserver
