#include "apimachinery/label_selector.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

TEST(LabelSelectorTest, ParsesAndMatches) {
  const std::map<std::string, std::string> labels = {{"app", "web"}, {"tier", "front"}, {"n", "5"}};
  struct Row {
    const char* name;
    const char* selector;
    bool ok;
    bool matches;
  };
  const Row rows[] = {
      {"empty selects all", "", true, true},
      {"equals", "app=web", true, true},
      {"double equals", "app==web", true, true},
      {"not equals", "app!=web", true, false},
      {"not equals missing key matches", "zone!=a", true, true},
      {"in", "tier in (front, back)", true, true},
      {"notin", "tier notin (front)", true, false},
      {"notin missing key matches", "zone notin (a)", true, true},
      {"exists", "app", true, true},
      {"does not exist", "!app", true, false},
      {"conjunction", "app=web,tier=back", true, false},
      {"greater than", "n>3", true, true},
      {"less than", "n<3", true, false},
      {"whitespace", " app = web , tier in (front) ", true, true},
      {"empty value", "app=", true, false},
      {"bad operator", "app~web", false, false},
      {"unclosed set", "app in (web", false, false},
      {"bad key", "-app=web", false, false},
      {"bad value", "app=w@b", false, false},
  };
  for (const auto& row : rows) {
    auto sel = LabelSelector::parse(row.selector);
    ASSERT_EQ(sel.isOk(), row.ok) << row.name << ": " << sel.status().toString();
    if (!row.ok) {
      EXPECT_EQ(sel.status().message().rfind("unable to parse requirement:", 0), 0u) << row.name;
      continue;
    }
    EXPECT_EQ(sel->matches(labels), row.matches) << row.name;
  }
}

TEST(LabelSelectorTest, FromJson) {
  using Json = nlohmann::json;
  auto sel = LabelSelector::fromJson(Json::parse(
      R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["front"]}]})"));
  ASSERT_TRUE(sel.isOk());
  EXPECT_TRUE(sel->matchesJsonLabels(Json{{"app", "web"}, {"tier", "front"}}));
  EXPECT_FALSE(sel->matchesJsonLabels(Json{{"app", "web"}}));
  EXPECT_EQ(sel->toString(), "app=web,tier in (front)");
  auto nothing = LabelSelector::fromJson(Json(), true);
  ASSERT_TRUE(nothing.isOk());
  EXPECT_FALSE(nothing->matchesJsonLabels(Json::object()));
  EXPECT_FALSE(LabelSelector::fromJson(Json::parse(
                   R"({"matchExpressions":[{"key":"a","operator":"Bogus"}]})"))
                   .isOk());
}

}  // namespace
}  // namespace flotilla::apimachinery
