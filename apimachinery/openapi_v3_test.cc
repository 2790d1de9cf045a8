#include "apimachinery/openapi_v3.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

std::vector<ServedResource> servedIn(const std::string& group, const std::string& version) {
  std::vector<ServedResource> out;
  for (const ResourceInfo& r : BuiltinSchema::instance().resources()) {
    if (r.group == group && r.version == version && !r.removed) {
      out.push_back(servedResourceFor(r));
    }
  }
  return out;
}

// Follows a "$ref" or an allOf-wrapped ref to the component schema.
const json& resolve(const json& doc, const json& s) {
  const json* ref = nullptr;
  if (s.contains("$ref")) ref = &s["$ref"];
  if (s.contains("allOf")) ref = &s["allOf"][0]["$ref"];
  if (!ref) return s;
  std::string name = ref->get<std::string>().substr(std::string("#/components/schemas/").size());
  return doc["components"]["schemas"].at(name);
}

struct PatchOpCase {
  std::string name;
  std::string group, version, path, kind;
};

TEST(OpenApiV3Test, PatchOperationsCarryGvkAndFieldValidation) {
  const std::vector<PatchOpCase> cases = {
      {"namespaced core", "", "v1", "/api/v1/namespaces/{namespace}/configmaps/{name}",
       "ConfigMap"},
      {"cluster core", "", "v1", "/api/v1/namespaces/{name}", "Namespace"},
      {"apps", "apps", "v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}",
       "Deployment"},
      {"rbac cluster", "rbac.authorization.k8s.io", "v1",
       "/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}", "ClusterRole"},
      {"status subresource", "apps", "v1",
       "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status", "Deployment"},
      {"scale subresource", "apps", "v1",
       "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "Scale"},
  };
  for (const PatchOpCase& c : cases) {
    json doc = buildBuiltinOpenApiV3(c.group, c.version, servedIn(c.group, c.version));
    ASSERT_TRUE(doc["paths"].contains(c.path)) << c.name;
    const json& patch = doc["paths"][c.path]["patch"];
    EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["kind"], c.kind) << c.name;
    bool has_fv = false;
    for (const json& p : patch["parameters"]) has_fv = has_fv || p["name"] == "fieldValidation";
    EXPECT_TRUE(has_fv) << c.name;
    EXPECT_FALSE(patch.contains("requestBody")) << c.name;
    // Every $ref in the document points at a component that exists.
    std::function<void(const json&)> check = [&](const json& v) {
      if (v.is_object()) {
        if (v.contains("$ref")) {
          std::string name =
              v["$ref"].get<std::string>().substr(std::string("#/components/schemas/").size());
          EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << c.name << ": " << name;
        }
        for (const auto& item : v) check(item);
      } else if (v.is_array()) {
        for (const auto& item : v) check(item);
      }
    };
    check(doc);
  }
}

TEST(OpenApiV3Test, DeploymentSchemaIsComplete) {
  json doc = buildBuiltinOpenApiV3("apps", "v1", servedIn("apps", "v1"));
  const json& schemas = doc["components"]["schemas"];
  const json& deploy = schemas.at("io.k8s.api.apps.v1.Deployment");
  EXPECT_EQ(deploy["x-kubernetes-group-version-kind"][0],
            json::parse(R"({"group":"apps","kind":"Deployment","version":"v1"})"));
  EXPECT_EQ(resolve(doc, deploy["properties"]["metadata"]),
            schemas.at("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
  const json& spec = resolve(doc, deploy["properties"]["spec"]);
  EXPECT_EQ(spec["properties"]["replicas"], json::parse(R"({"type":"integer","format":"int32"})"));
  EXPECT_NE(std::find(spec["required"].begin(), spec["required"].end(), "selector"),
            spec["required"].end());
  const json& pod_spec =
      resolve(doc, resolve(doc, spec["properties"]["template"])["properties"]["spec"]);
  const json& containers = pod_spec["properties"]["containers"];
  EXPECT_EQ(containers["type"], "array");
  EXPECT_EQ(containers["x-kubernetes-patch-strategy"], "merge");
  EXPECT_EQ(containers["x-kubernetes-patch-merge-key"], "name");
  const json& container = resolve(doc, containers["items"]);
  EXPECT_EQ(container["properties"]["imagePullPolicy"]["enum"],
            json::parse(R"(["Always","IfNotPresent","Never"])"));
  EXPECT_EQ(resolve(doc, container["properties"]["resources"])["properties"]["limits"]
                                                              ["additionalProperties"]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");
  EXPECT_TRUE(schemas.contains("io.k8s.apimachinery.pkg.util.intstr.IntOrString"));
  EXPECT_TRUE(schemas.at("io.k8s.apimachinery.pkg.util.intstr.IntOrString").contains("oneOf"));
  EXPECT_EQ(schemas.at("io.k8s.apimachinery.pkg.apis.meta.v1.Time")["format"], "date-time");
  EXPECT_TRUE(schemas.contains("io.k8s.api.apps.v1.DeploymentList"));
}

TEST(OpenApiV3Test, CrdDocumentWrapsSchema) {
  json schema = json::parse(R"({"type":"object","properties":{"spec":{"type":"object",
      "properties":{"size":{"type":"integer"}}}}})");
  CrdKindSchema widget;
  widget.kind = "Widget";
  widget.plural = "widgets";
  widget.status_subresource = true;
  widget.schema = &schema;
  json doc = buildCrdOpenApiV3("example.com", "v1", {widget});
  const json& s = doc["components"]["schemas"].at("com.example.v1.Widget");
  EXPECT_EQ(s["properties"]["spec"]["properties"]["size"]["type"], "integer");
  EXPECT_EQ(s["properties"]["metadata"]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  EXPECT_EQ(s["x-kubernetes-group-version-kind"][0]["kind"], "Widget");
  EXPECT_TRUE(doc["components"]["schemas"].contains("com.example.v1.WidgetList"));
  EXPECT_TRUE(
      doc["components"]["schemas"].contains("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
  const json& patch =
      doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["group"], "example.com");
  EXPECT_TRUE(
      doc["paths"].contains("/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status"));
}

TEST(OpenApiV3Test, IndexAndHash) {
  json a = buildBuiltinOpenApiV3("", "v1", servedIn("", "v1"));
  json b = buildBuiltinOpenApiV3("", "v1", servedIn("", "v1"));
  EXPECT_EQ(openApiDocumentHash(a), openApiDocumentHash(b));
  EXPECT_EQ(openApiDocumentHash(a).size(), 16u);
  b["paths"].erase(b["paths"].begin());
  EXPECT_NE(openApiDocumentHash(a), openApiDocumentHash(b));
  json index =
      buildOpenApiV3Index({{openApiV3Path("", "v1"), "AB"}, {openApiV3Path("apps", "v1"), "CD"}});
  EXPECT_EQ(index, json::parse(R"({"paths":{
      "api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=AB"},
      "apis/apps/v1":{"serverRelativeURL":"/openapi/v3/apis/apps/v1?hash=CD"}}})"));
}

}  // namespace
}  // namespace flotilla::apimachinery
