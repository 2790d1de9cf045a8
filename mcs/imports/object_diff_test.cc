#include "mcs/imports/object_diff.h"

#include <gtest/gtest.h>

namespace flotilla::mcs {
namespace {

TEST(JsonContains, Table) {
  struct Row {
    const char* name;
    const char* actual;
    const char* desired;
    bool contains;
  } rows[] = {
      {"equal scalars", "1", "1", true},
      {"int and float", "1", "1.0", true},
      {"different scalars", "\"a\"", "\"b\"", false},
      {"extra keys in actual", R"({"a":1,"b":2})", R"({"a":1})", true},
      {"missing key", R"({"b":2})", R"({"a":1})", false},
      {"null desired key may be missing", R"({})", R"({"a":null})", true},
      {"arrays elementwise", R"([{"a":1,"x":0},{"a":2}])", R"([{"a":1},{"a":2}])", true},
      {"array length differs", R"([{"a":1}])", R"([{"a":1},{"a":2}])", false},
      {"array shrunk", R"([{"a":1},{"a":2}])", R"([])", false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(jsonContains(Json::parse(r.actual), Json::parse(r.desired)), r.contains);
  }
}

TEST(NeedsWrite, Table) {
  const Json desired = Json::parse(R"({"metadata":{"name":"s","labels":{"l":"1"}},
      "spec":{"type":"ClusterIP","ports":[{"port":80,"protocol":"TCP"}]}})");
  struct Row {
    const char* name;
    Json actual;
    bool write;
  } rows[] = {
      {"missing", Json(), true},
      {"member added clusterIP and labels",
       Json::parse(R"({"metadata":{"name":"s","resourceVersion":"3","labels":{"l":"1","x":"y"}},
           "spec":{"type":"ClusterIP","clusterIP":"10.1.128.4",
                   "ports":[{"port":80,"protocol":"TCP","targetPort":80}]}})"),
       false},
      {"label changed",
       Json::parse(R"({"metadata":{"name":"s","labels":{"l":"2"}},
           "spec":{"type":"ClusterIP","ports":[{"port":80,"protocol":"TCP"}]}})"),
       true},
      {"port changed",
       Json::parse(R"({"metadata":{"name":"s","labels":{"l":"1"}},
           "spec":{"type":"ClusterIP","ports":[{"port":81,"protocol":"TCP"}]}})"),
       true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(needsWrite(desired, r.actual), r.write);
  }
}

TEST(NeedsWrite, EndpointsEmptied) {
  Json desired = Json::parse(R"({"metadata":{"name":"e"},"endpoints":[],"ports":[]})");
  Json actual = Json::parse(R"({"metadata":{"name":"e"},"endpoints":[{"addresses":["1.1.1.1"]}],
                                "ports":[]})");
  EXPECT_TRUE(needsWrite(desired, actual));
  Json merged = mergeForUpdate(desired, actual);
  EXPECT_TRUE(merged["endpoints"].empty());
  EXPECT_FALSE(needsWrite(desired, merged));
}

TEST(MergeForUpdate, KeepsMemberFields) {
  Json desired = Json::parse(R"({"metadata":{"name":"s","labels":{"l":"2"}},
      "spec":{"ports":[{"port":81}]}})");
  Json actual = Json::parse(R"({"metadata":{"name":"s","resourceVersion":"9",
      "labels":{"l":"1","other":"x"}},"spec":{"clusterIP":"10.0.0.1","ports":[{"port":80}]}})");
  Json merged = mergeForUpdate(desired, actual);
  EXPECT_EQ(merged["metadata"]["resourceVersion"], "9");
  EXPECT_EQ(merged["metadata"]["labels"], Json::parse(R"({"l":"2","other":"x"})"));
  EXPECT_EQ(merged["spec"]["clusterIP"], "10.0.0.1");
  EXPECT_EQ(merged["spec"]["ports"][0]["port"], 81);
}

}  // namespace
}  // namespace flotilla::mcs
