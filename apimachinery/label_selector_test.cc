#include "apimachinery/label_selector.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

TEST(LabelSelectorTest, ParsesAndMatches) {
  const std::map<std::string, std::string> labels = {{"app", "web"}, {"tier", "front"}, {"n", "5"}};
  struct Row {
    const char* name;
    const char* selector;
    bool matches;
    const char* canonical;
  };
  const Row rows[] = {
      {"empty selects all", "", true, ""},
      {"only whitespace", "  \t ", true, ""},
      {"equals", "app=web", true, "app=web"},
      {"double equals", "app==web", true, "app=web"},
      {"not equals", "app!=web", false, "app!=web"},
      {"not equals missing key matches", "zone!=a", true, "zone!=a"},
      {"in", "tier in (front, back)", true, "tier in (back,front)"},
      {"in without spaces", "tier in(front)", true, "tier in (front)"},
      {"notin", "tier notin (front)", false, "tier notin (front)"},
      {"notin missing key matches", "zone notin (a)", true, "zone notin (a)"},
      {"exists", "app", true, "app"},
      {"does not exist", "!app", false, "!app"},
      {"does not exist with spaces", "! app", false, "!app"},
      {"conjunction sorted by key", "tier=back,app=web", false, "app=web,tier=back"},
      {"greater than", "n>3", true, "n>3"},
      {"less than", "n<3", false, "n<3"},
      {"greater than non-numeric label", "app>3", false, "app>3"},
      {"whitespace", " app = web , tier in (front) ", true, "app=web,tier in (front)"},
      {"empty value", "app=", false, "app="},
      {"empty set", "app in ()", false, "app in ()"},
      {"empty value in a set survives printing", "tier in (,front)", true, "tier in (,front)"},
      {"keyword as value", "app in (in)", false, "app in (in)"},
      {"prefixed key", "example.com/app=x", false, "example.com/app=x"},
      {"duplicate values", "tier in (front,front)", true, "tier in (front)"},
  };
  for (const auto& row : rows) {
    auto sel = LabelSelector::parse(row.selector);
    ASSERT_TRUE(sel.isOk()) << row.name << ": " << sel.status().toString();
    EXPECT_EQ(sel->matches(labels), row.matches) << row.name;
    EXPECT_EQ(sel->toString(), row.canonical) << row.name;
  }
}

TEST(LabelSelectorTest, ErrorsMatchLabelsParse) {
  struct Row {
    const char* name;
    const char* selector;
    const char* message;
  };
  const Row rows[] = {
      {"bad operator", "app~web", ""},
      {"unclosed set", "app in (web",
       "unable to parse requirement: found '', expected: ',' or ')'"},
      {"set without paren", "app in web", "unable to parse requirement: found 'web' expected: '('"},
      {"trailing comma", "app=web,", "found '', expected: identifier after ','"},
      {"two values", "app=web x", "found 'x', expected: ',' or 'end of string'"},
      {"leading comma", ",app", "found ',', expected: !, identifier, or 'end of string'"},
      {"operator without key", "=web", "found '=', expected: !, identifier, or 'end of string'"},
      {"bang without key", "!", "unable to parse requirement: found '', expected: identifier"},
      {"missing operator", "app web",
       "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt"},
      {"bad key", "-app=web",
       "unable to parse requirement: <nil>: Invalid value: \"-app\": name part must consist of "
       "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
       "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
       "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"},
      {"bad value", "app=w@b",
       "unable to parse requirement: values[0][app]: Invalid value: \"w@b\": a valid label must "
       "be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
       "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
       "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
      {"gt needs integer", "n>x",
       "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, "
       "the value must be an integer"},
      {"value missing after operator", "app=(",
       "unable to parse requirement: found '(', expected: identifier"},
  };
  for (const auto& row : rows) {
    auto sel = LabelSelector::parse(row.selector);
    if (std::string(row.name) == "bad operator") {
      // '~' is an identifier character in Go's lexer, so "app~web" is a key that fails
      // validation.
      ASSERT_FALSE(sel.isOk()) << row.name;
      EXPECT_EQ(sel.status().message().rfind("unable to parse requirement: <nil>: Invalid value: "
                                             "\"app~web\"",
                                             0),
                0u)
          << sel.status().message();
      continue;
    }
    ASSERT_FALSE(sel.isOk()) << row.name;
    EXPECT_EQ(sel.status().code(), core::Code::InvalidArgument) << row.name;
    EXPECT_EQ(sel.status().message(), row.message) << row.name;
  }
}

TEST(LabelSelectorTest, NeverCrashesOnOddInput) {
  const char* inputs[] = {"(((", ")))", "a in (,,)", "a in (,", "!!!", "a!b", "a!=", "a in",
                          "a notin", ",,,", "a=b,,c"};
  for (const char* in : inputs) {
    auto sel = LabelSelector::parse(in);
    EXPECT_FALSE(sel.isOk() && sel->toString().empty() && std::string(in).size() > 3) << in;
  }
  EXPECT_FALSE(LabelSelector::parse(std::string(100000, '(')).isOk());
  std::string nul("a=b\0c=d", 7);
  auto sel = LabelSelector::parse(nul);
  ASSERT_TRUE(sel.isOk());
  EXPECT_EQ(sel->toString(), "a=b");
}

TEST(LabelSelectorTest, FromJson) {
  struct Row {
    const char* name;
    const char* selector;
    const char* labels;
    bool ok;
    bool matches;
  };
  const Row rows[] = {
      {"labels and expressions",
       R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["front"]}]})",
       R"({"app":"web","tier":"front"})", true, true},
      {"expression fails", R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["front"]}]})",
       R"({"app":"web"})", true, false},
      {"empty object selects all", "{}", "{}", true, true},
      {"exists", R"({"matchExpressions":[{"key":"a","operator":"Exists"}]})", R"({"a":""})", true,
       true},
      {"does not exist", R"({"matchExpressions":[{"key":"a","operator":"DoesNotExist"}]})",
       R"({"a":""})", true, false},
      {"notin", R"({"matchExpressions":[{"key":"a","operator":"NotIn","values":["x"]}]})",
       R"({})", true, true},
      {"bogus operator", R"({"matchExpressions":[{"key":"a","operator":"Bogus"}]})", "{}", false,
       false},
      {"in without values", R"({"matchExpressions":[{"key":"a","operator":"In"}]})", "{}", false,
       false},
      {"exists with values",
       R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})", "{}", false,
       false},
      {"bad label key", R"({"matchLabels":{"-a":"x"}})", "{}", false, false},
      {"not an object", "[1]", "{}", false, false},
  };
  for (const auto& row : rows) {
    auto sel = LabelSelector::fromJson(Json::parse(row.selector));
    ASSERT_EQ(sel.isOk(), row.ok) << row.name << ": " << sel.status().toString();
    if (row.ok) {
      EXPECT_EQ(sel->matchesJsonLabels(Json::parse(row.labels)), row.matches) << row.name;
    } else {
      EXPECT_FALSE(sel.status().causes().empty()) << row.name;
    }
  }
  auto nothing = LabelSelector::fromJson(Json(), true);
  ASSERT_TRUE(nothing.isOk());
  EXPECT_FALSE(nothing->matchesJsonLabels(Json::object()));
  auto everything = LabelSelector::fromJson(Json(), false);
  ASSERT_TRUE(everything.isOk());
  EXPECT_TRUE(everything->matchesJsonLabels(Json::object()));
}

TEST(LabelSelectorTest, ValidationCausesHavePaths) {
  auto causes = validateLabelSelector(
      Json::parse(R"({"matchExpressions":[{"key":"a","operator":"In"},{"key":"b","operator":"Nope"}]})"),
      "spec.selector");
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(causes[0].field, "spec.selector.matchExpressions[0].values");
  EXPECT_EQ(causes[0].message,
            "Required value: must be specified when `operator` is 'In' or 'NotIn'");
  EXPECT_EQ(causes[1].field, "spec.selector.matchExpressions[1].operator");
  EXPECT_EQ(causes[1].message, "Invalid value: \"Nope\": not a valid selector operator");
}

}  // namespace
}  // namespace flotilla::apimachinery
