#include "apimachinery/field_selector.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

TEST(FieldSelectorTest, ParsesMatchesAndRejects) {
  const auto pod = nlohmann::json::parse(
      R"({"metadata":{"name":"p","namespace":"ns"},"spec":{"nodeName":"n1"},"status":{"phase":"Running"}})");
  struct Row {
    const char* name;
    const char* resource;
    const char* selector;
    bool custom;
    bool ok;
    bool matches;
    const char* error;
  };
  const Row rows[] = {
      {"name", "pods", "metadata.name=p", false, true, true, ""},
      {"double equals", "pods", "metadata.name==p", false, true, true, ""},
      {"not equals", "pods", "metadata.name!=p", false, true, false, ""},
      {"pod node", "pods", "spec.nodeName=n1,status.phase=Running", false, true, true, ""},
      {"unsupported builtin", "configmaps", "data.x=y", false, false, false,
       "field label not supported: data.x"},
      {"unsupported custom", "widgets", "spec.x=y", true, false, false,
       "\"spec.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""},
      {"garbage", "pods", "nonsense", false, false, false, ""},
  };
  for (const auto& row : rows) {
    auto sel = FieldSelector::parse(row.selector, "", row.resource, row.custom);
    ASSERT_EQ(sel.isOk(), row.ok) << row.name;
    if (!row.ok) {
      if (*row.error) {
        EXPECT_EQ(sel.status().message(), row.error) << row.name;
      }
      continue;
    }
    EXPECT_EQ(sel->matches(pod), row.matches) << row.name;
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
