#include "controllers/execution/covered_by.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flotilla::controllers {
namespace {

TEST(CoveredByTest, Table) {
  struct Row {
    const char* name;
    const char* desired;
    const char* live;
    bool want;
  };
  const Row rows[] = {
      {"identical", R"({"a":1,"b":{"c":"x"}})", R"({"a":1,"b":{"c":"x"}})", true},
      {"member defaults and annotations are extra",
       R"({"metadata":{"annotations":{"a":"1"}},"spec":{"replicas":2}})",
       R"({"metadata":{"annotations":{"a":"1","deployment.kubernetes.io/revision":"1"},)"
       R"("generation":2},"spec":{"replicas":2,"revisionHistoryLimit":10}})",
       true},
      {"a value we own changed", R"({"spec":{"replicas":2}})", R"({"spec":{"replicas":3}})",
       false},
      {"a member we own is missing", R"({"spec":{"paused":true}})", R"({"spec":{}})", false},
      {"defaults inside array elements", R"({"c":[{"name":"web","image":"x"}]})",
       R"({"c":[{"name":"web","image":"x","imagePullPolicy":"IfNotPresent"}]})", true},
      {"array element added on the member", R"({"c":[{"name":"a"}]})",
       R"({"c":[{"name":"a"},{"name":"b"}]})", false},
      {"array element order matters", R"({"c":["a","b"]})", R"({"c":["b","a"]})", false},
      {"null matches missing", R"({"a":null})", R"({})", true},
      {"null does not match a value", R"({"a":null})", R"({"a":1})", false},
      {"int equals float", R"({"a":1})", R"({"a":1.0})", true},
      {"type change", R"({"a":"1"})", R"({"a":1})", false},
      {"object versus scalar", R"({"a":{"b":1}})", R"({"a":1})", false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(coveredBy(nlohmann::json::parse(r.desired), nlohmann::json::parse(r.live)), r.want)
        << r.name;
    // The text check never claims more than the tree check; it may only fail to tell.
    if (coveredByText(r.desired, r.live)) {
      EXPECT_TRUE(r.want) << r.name;
    }
  }
}

TEST(CoveredByTest, TextTable) {
  struct Row {
    const char* name;
    const char* desired;
    const char* live;
    bool want;
  };
  const Row rows[] = {
      {"identical", R"({"a":1,"b":{"c":"x"}})", R"({"b":{"c":"x"},"a":1})", true},
      {"member bookkeeping is extra",
       R"({"metadata":{"annotations":{"a":"1"}},"spec":{"replicas":2}})",
       R"({"metadata":{"annotations":{"a":"1","deployment.kubernetes.io/revision":"1"},)"
       R"("generation":2},"spec":{"replicas":2,"revisionHistoryLimit":10}})",
       true},
      {"desired status is ignored", R"({"spec":{},"status":{"x":1}})", R"({"spec":{}})", true},
      {"nested status is compared", R"({"spec":{"status":1}})", R"({"spec":{}})", false},
      {"whitespace", R"({ "a" : [ 1 , 2 ] })", R"({"a":[1,2]})", true},
      {"a value we own changed", R"({"spec":{"replicas":2}})", R"({"spec":{"replicas":3}})",
       false},
      {"array lengths differ", R"({"c":[1]})", R"({"c":[1,2]})", false},
      {"null matches missing", R"({"a":null})", R"({})", true},
      {"null against a value", R"({"a":null})", R"({"a":1})", false},
      {"1 against 1.0 cannot be told", R"({"a":1})", R"({"a":1.0})", false},
      {"object against scalar", R"({"a":{"b":1}})", R"({"a":1})", false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(coveredByText(r.desired, r.live), r.want) << r.name;
    if (r.want) {
      nlohmann::json desired = nlohmann::json::parse(r.desired);
      desired.erase("status");
      EXPECT_TRUE(coveredBy(desired, nlohmann::json::parse(r.live))) << r.name;
    }
  }
}

}  // namespace
}  // namespace flotilla::controllers
