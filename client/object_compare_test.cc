#include "client/object_compare.h"

#include <gtest/gtest.h>

namespace flotilla::client {
namespace {

TEST(ObjectCompareTest, SameExceptStatusTable) {
  const std::string base =
      R"({"apiVersion":"v1","kind":"X","metadata":{"name":"a","resourceVersion":"1","generation":1},"spec":{"r":1},"status":{"s":1}})";
  struct Row {
    const char* name;
    std::string other;
    bool same;
  };
  const std::vector<Row> rows = {
      {"identical", base, true},
      {"status and resourceVersion moved",
       R"({"apiVersion":"v1","kind":"X","metadata":{"name":"a","resourceVersion":"7","generation":1},"spec":{"r":1},"status":{"s":2}})",
       true},
      {"status added",
       R"({"apiVersion":"v1","kind":"X","metadata":{"name":"a","resourceVersion":"2","generation":1},"spec":{"r":1}})",
       true},
      {"managedFields changed",
       R"({"apiVersion":"v1","kind":"X","metadata":{"name":"a","resourceVersion":"2","generation":1,"managedFields":[{}]},"spec":{"r":1},"status":{"s":1}})",
       true},
      {"spec changed",
       R"({"apiVersion":"v1","kind":"X","metadata":{"name":"a","resourceVersion":"2","generation":2},"spec":{"r":2},"status":{"s":1}})",
       false},
      {"label added",
       R"({"apiVersion":"v1","kind":"X","metadata":{"name":"a","resourceVersion":"2","generation":1,"labels":{"k":"v"}},"spec":{"r":1},"status":{"s":1}})",
       false},
      {"deletion started",
       R"({"apiVersion":"v1","kind":"X","metadata":{"name":"a","resourceVersion":"2","generation":1,"deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{"r":1},"status":{"s":1}})",
       false},
  };
  auto a = Object::parse(base);
  ASSERT_TRUE(a);
  for (const auto& row : rows) {
    auto b = Object::parse(row.other);
    ASSERT_TRUE(b) << row.name;
    EXPECT_EQ(sameExceptStatus(**a, **b), row.same) << row.name;
    EXPECT_EQ(sameExceptStatus(**b, **a), row.same) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::client
