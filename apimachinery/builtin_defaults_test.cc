#include "apimachinery/builtin_defaults.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

struct DefaultsCase {
  std::string name;
  std::string group, version, kind;
  std::string obj;
  std::string want;
};

TEST(BuiltinDefaultsTest, MarkerDefaults) {
  const std::vector<DefaultsCase> cases = {
      {"container port protocol", "apps", "v1", "Deployment",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":80},
           {"containerPort":53,"protocol":"UDP"}]}]}}}})",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[
           {"containerPort":80,"protocol":"TCP"},{"containerPort":53,"protocol":"UDP"}]}]}}}})"},
      {"service port protocol", "", "v1", "Service", R"({"spec":{"ports":[{"port":80}]}})",
       R"({"spec":{"ports":[{"port":80,"protocol":"TCP"}]}})"},
      {"zero defaults on non-pointers are not written", "", "v1", "Pod",
       R"({"spec":{"containers":[{"name":"c","envFrom":[{"configMapRef":{}}]}]}})",
       R"({"spec":{"containers":[{"name":"c","envFrom":[{"configMapRef":{}}]}]}})"},
      {"nothing to default", "", "v1", "ConfigMap", R"({"data":{"a":"b"}})",
       R"({"data":{"a":"b"}})"},
  };
  for (const DefaultsCase& c : cases) {
    const TypeInfo* t = BuiltinSchema::instance().findKind(c.group, c.version, c.kind);
    ASSERT_NE(t, nullptr) << c.name;
    json obj = json::parse(c.obj);
    applyMarkerDefaults(obj, *t);
    EXPECT_EQ(obj, json::parse(c.want)) << c.name << ": " << obj.dump();
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
