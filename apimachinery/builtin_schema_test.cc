#include "apimachinery/builtin_schema.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

TEST(BuiltinSchemaTest, FindsTypesByNameAndKind) {
  const BuiltinSchema& s = BuiltinSchema::instance();
  const TypeInfo* d = s.findType("io.k8s.api.apps.v1.Deployment");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->kind, "Deployment");
  EXPECT_EQ(d->group, "apps");
  EXPECT_EQ(d->go_name, "v1.Deployment");
  EXPECT_EQ(s.findKind("apps", "v1", "Deployment"), d);
  EXPECT_EQ(s.findKind("apps", "v1", "Nope"), nullptr);
  EXPECT_EQ(s.findType("io.k8s.nope"), nullptr);
  EXPECT_GT(s.types().size(), 1000u);
}

TEST(BuiltinSchemaTest, MetaKindsResolveUnderEveryGroupVersion) {
  const BuiltinSchema& s = BuiltinSchema::instance();
  const TypeInfo* del = s.findKind("apps", "v1", "DeleteOptions");
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->name, "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions");
  ASSERT_NE(s.findKind("", "v1", "Status"), nullptr);
  EXPECT_EQ(s.findKind("apps", "v1", "Status"), nullptr);
}

struct ListCase {
  std::string name;
  std::vector<std::string> path;  // field names; "[]" steps into items
  NodeKind kind;
  ListType list_type;
  std::string strategy;
  std::string merge_key;
};

TEST(BuiltinSchemaTest, NodesCarryListSemantics) {
  const std::vector<ListCase> cases = {
      {"containers",
       {"spec", "template", "spec", "containers"},
       NodeKind::Array,
       ListType::Map,
       "merge",
       "name"},
      {"container ports",
       {"spec", "template", "spec", "containers", "[]", "ports"},
       NodeKind::Array,
       ListType::Map,
       "merge",
       "containerPort"},
      {"volumeMounts",
       {"spec", "template", "spec", "containers", "[]", "volumeMounts"},
       NodeKind::Array,
       ListType::Map,
       "merge",
       "mountPath"},
      {"tolerations",
       {"spec", "template", "spec", "tolerations"},
       NodeKind::Array,
       ListType::Atomic,
       "",
       ""},
      {"finalizers", {"metadata", "finalizers"}, NodeKind::Array, ListType::Set, "merge", ""},
      {"labels", {"metadata", "labels"}, NodeKind::Map, ListType::Atomic, "", ""},
      {"replicas", {"spec", "replicas"}, NodeKind::Scalar, ListType::Atomic, "", ""},
  };
  const SchemaNode* root = BuiltinSchema::instance().nodeForKind("apps", "v1", "Deployment");
  ASSERT_NE(root, nullptr);
  for (const ListCase& c : cases) {
    const SchemaNode* n = root;
    for (const std::string& step : c.path) {
      ASSERT_NE(n, nullptr) << c.name;
      n = step == "[]" ? n->items() : n->field(step);
    }
    ASSERT_NE(n, nullptr) << c.name;
    EXPECT_EQ(n->kind(), c.kind) << c.name;
    EXPECT_EQ(n->listType(), c.list_type) << c.name;
    EXPECT_EQ(n->patchStrategy(), c.strategy) << c.name;
    EXPECT_EQ(n->patchMergeKey(), c.merge_key) << c.name;
  }
  EXPECT_EQ(root->field("bogus"), nullptr);
  EXPECT_EQ(root->field("spec")->typeName(), "v1.DeploymentSpec");
  EXPECT_EQ(root->field("spec")->field("replicas")->typeName(), "int32");
  EXPECT_EQ(root->field("spec")->field("replicas")->scalarType(), ScalarType::Integer);
}

TEST(BuiltinSchemaTest, SpecialTypesAreScalarsOrAny) {
  const SchemaNode* pod = BuiltinSchema::instance().nodeForKind("", "v1", "Pod");
  ASSERT_NE(pod, nullptr);
  const SchemaNode* c = pod->field("spec")->field("containers")->items();
  const SchemaNode* limits = c->field("resources")->field("limits");
  EXPECT_EQ(limits->kind(), NodeKind::Map);
  EXPECT_EQ(limits->items()->scalarType(), ScalarType::Quantity);
  EXPECT_EQ(c->field("livenessProbe")->field("httpGet")->field("port")->scalarType(),
            ScalarType::IntOrString);
  EXPECT_EQ(pod->field("metadata")->field("creationTimestamp")->kind(), NodeKind::Scalar);
  const SchemaNode* rev = BuiltinSchema::instance().nodeForKind("apps", "v1", "ControllerRevision");
  EXPECT_EQ(rev->field("data")->kind(), NodeKind::Any);
}

TEST(BuiltinSchemaTest, ResourcesList) {
  const BuiltinSchema& s = BuiltinSchema::instance();
  const ResourceInfo* deploy = s.findResource("apps", "v1", "deployments");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->kind, "Deployment");
  EXPECT_TRUE(deploy->namespaced);
  EXPECT_EQ(deploy->singular_name, "deployment");
  EXPECT_NE(std::find(deploy->short_names.begin(), deploy->short_names.end(), "deploy"),
            deploy->short_names.end());
  bool has_scale = false;
  for (const auto& sub : deploy->subresources) {
    if (sub.name == "scale") {
      has_scale = true;
      EXPECT_EQ(sub.kind, "Scale");
      EXPECT_EQ(sub.group, "autoscaling");
    }
  }
  EXPECT_TRUE(has_scale);
  const ResourceInfo* ns = s.findResource("", "v1", "namespaces");
  ASSERT_NE(ns, nullptr);
  EXPECT_FALSE(ns->namespaced);
  EXPECT_NE(s.enumValues("io.k8s.api.core.v1.RestartPolicy"), nullptr);
  EXPECT_TRUE(s.specialTypes().contains("quantity"));
}

TEST(BuiltinSchemaTest, ProtoLayoutFlattensInlineStructs) {
  const TypeInfo* vol = BuiltinSchema::instance().findType("io.k8s.api.core.v1.Volume");
  ASSERT_NE(vol, nullptr);
  const ProtoLayout::Slot* source = vol->proto_layout.find(2);
  ASSERT_NE(source, nullptr);
  ASSERT_NE(source->embedded, nullptr);
  const ProtoLayout::Slot* host = source->embedded->find(1);
  ASSERT_NE(host, nullptr);
  ASSERT_NE(host->field, nullptr);
  EXPECT_EQ(host->field->json_name, "hostPath");
}

}  // namespace
}  // namespace flotilla::apimachinery
