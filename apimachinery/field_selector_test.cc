#include "apimachinery/field_selector.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

using Json = nlohmann::json;

TEST(FieldSelectorTest, ParsesMatchesAndRejects) {
  const auto pod = Json::parse(
      R"({"metadata":{"name":"p","namespace":"ns"},"spec":{"nodeName":"n1"},"status":{"phase":"Running","podIPs":[{"ip":"10.0.0.1"}]}})");
  struct Row {
    const char* name;
    const char* group;
    const char* resource;
    const char* selector;
    bool custom;
    bool ok;
    bool matches;
    const char* error;
  };
  const Row rows[] = {
      {"empty", "", "pods", "", false, true, true, ""},
      {"name", "", "pods", "metadata.name=p", false, true, true, ""},
      {"double equals", "", "pods", "metadata.name==p", false, true, true, ""},
      {"not equals", "", "pods", "metadata.name!=p", false, true, false, ""},
      {"namespace", "", "pods", "metadata.namespace=ns", false, true, true, ""},
      {"pod node and phase", "", "pods", "spec.nodeName=n1,status.phase=Running", false, true,
       true, ""},
      {"pod restartPolicy default", "", "pods", "spec.restartPolicy=Always", false, true, true,
       ""},
      {"pod hostNetwork default false", "", "pods", "spec.hostNetwork=false", false, true, true,
       ""},
      {"pod ip from podIPs", "", "pods", "status.podIP=10.0.0.1", false, true, true, ""},
      {"unscheduled pods", "", "pods", "spec.nodeName=", false, true, false, ""},
      {"empty terms skipped", "", "pods", ",metadata.name=p,", false, true, true, ""},
      {"unsupported pod field", "", "pods", "spec.foo=y", false, false, false,
       "field label not supported: spec.foo"},
      {"configmaps use the default conversion", "", "configmaps", "data.x=y", false, false, false,
       "\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""},
      {"unsupported custom", "example.com", "widgets", "spec.x=y", true, false, false,
       "\"spec.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""},
      {"custom name ok", "example.com", "widgets", "metadata.name=p", true, true, true, ""},
      {"job successful", "batch", "jobs", "status.successful=1", false, true, false, ""},
      {"garbage", "", "pods", "nonsense", false, false, false,
       "invalid selector: 'nonsense'; can't understand 'nonsense'"},
      {"unescaped equals in value", "", "pods", "metadata.name=a=b", false, false, false,
       "invalid field selector: unescaped character in value: 61"},
      {"bad escape", "", "pods", "metadata.name=a\\x", false, false, false,
       "invalid field selector: invalid escape sequence: \\x"},
  };
  for (const auto& row : rows) {
    auto sel = FieldSelector::parse(row.selector, row.group, row.resource, row.custom);
    ASSERT_EQ(sel.isOk(), row.ok) << row.name << ": " << sel.status().toString();
    if (!row.ok) {
      EXPECT_EQ(sel.status().code(), core::Code::InvalidArgument) << row.name;
      EXPECT_EQ(sel.status().message(), row.error) << row.name;
      continue;
    }
    EXPECT_EQ(sel->matches(pod), row.matches) << row.name;
  }
}

TEST(FieldSelectorTest, EscapesAndCanonicalForm) {
  auto sel = FieldSelector::parse("metadata.name=a\\,b,metadata.namespace!=x\\=y");
  ASSERT_TRUE(sel.isOk()) << sel.status().toString();
  ASSERT_EQ(sel->requirements().size(), 2u);
  EXPECT_EQ(sel->requirements()[0], (FieldRequirement{"metadata.name", true, "a,b"}));
  EXPECT_EQ(sel->requirements()[1], (FieldRequirement{"metadata.namespace", false, "x=y"}));
  EXPECT_EQ(sel->toString(), "metadata.name=a\\,b,metadata.namespace!=x\\=y");
}

TEST(FieldSelectorTest, EventFieldsForDescribe) {
  const auto event = Json::parse(R"({
    "metadata":{"name":"e","namespace":"default"},
    "involvedObject":{"kind":"Pod","name":"web","namespace":"default","uid":"u1"},
    "reason":"Scheduled","type":"Normal","source":{"component":"scheduler"}})");
  auto sel = FieldSelector::parse(
      "involvedObject.name=web,involvedObject.namespace=default,involvedObject.kind=Pod,"
      "involvedObject.uid=u1,source=scheduler",
      "", "events", false);
  ASSERT_TRUE(sel.isOk()) << sel.status().toString();
  EXPECT_TRUE(sel->matches(event));
  EXPECT_EQ(fieldValue("events", event, "reason"), "Scheduled");
}

TEST(FieldSelectorTest, CustomResourceSelectableFields) {
  const auto widget = Json::parse(R"({"metadata":{"name":"w"},"spec":{"color":"red"}})");
  auto ok = FieldSelector::parse("spec.color=red", "example.com", "widgets", true, {"spec.color"});
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_TRUE(ok->matches(widget));
  auto bad = FieldSelector::parse("spec.size=1", "example.com", "widgets", true, {"spec.color"});
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(),
            "\"spec.size\" is not a known field selector: only \"metadata.name\", "
            "\"metadata.namespace\", \"spec.color\"");
}

TEST(FieldSelectorTest, ValuesWithDefaults) {
  struct Row {
    const char* name;
    const char* resource;
    const char* obj;
    const char* field;
    const char* value;
  };
  const Row rows[] = {
      {"node schedulable by default", "nodes", "{}", "spec.unschedulable", "false"},
      {"node cordoned", "nodes", R"({"spec":{"unschedulable":true}})", "spec.unschedulable",
       "true"},
      {"namespace active", "namespaces", "{}", "status.phase", "Active"},
      {"secret opaque", "secrets", "{}", "type", "Opaque"},
      {"job successful number", "jobs", R"({"status":{"successful":3}})", "status.successful",
       "3"},
      {"pod scheduler default", "pods", "{}", "spec.schedulerName", "default-scheduler"},
      {"missing generic field", "widgets", "{}", "spec.x", ""},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(fieldValue(row.resource, Json::parse(row.obj), row.field), row.value) << row.name;
  }
  auto sel = FieldSelector::parse("a=1,b!=2");
  ASSERT_TRUE(sel.isOk());
  EXPECT_TRUE(sel->matches([](const std::string& f) -> std::optional<std::string> {
    return f == "a" ? std::optional<std::string>("1") : std::nullopt;
  }));
}

}  // namespace
}  // namespace flotilla::apimachinery
