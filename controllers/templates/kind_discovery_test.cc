#include "controllers/templates/kind_discovery.h"

#include <gtest/gtest.h>

namespace flotilla::controllers {
namespace {

client::ApiResource res(const std::string& group, const std::string& version,
                        const std::string& resource, const std::string& kind,
                        std::vector<std::string> verbs = {"list", "watch", "update", "get"}) {
  client::ApiResource r;
  r.gvr = {group, version, resource};
  r.kind = kind;
  r.namespaced = true;
  r.verbs = std::move(verbs);
  return r;
}

TEST(PropagatableResourceTest, Table) {
  struct Case {
    client::ApiResource r;
    bool want;
  };
  const std::vector<Case> cases = {
      {res("apps", "v1", "deployments", "Deployment"), true},
      {res("", "v1", "configmaps", "ConfigMap"), true},
      {res("late.example.io", "v1", "gadgets", "Gadget"), true},
      {res("apps", "v1", "deployments/status", "Deployment"), false},
      {res("apps", "v1", "replicasets", "ReplicaSet"), false},
      {res("", "v1", "pods", "Pod"), false},
      {res("", "v1", "namespaces", "Namespace"), false},
      {res("", "v1", "events", "Event"), false},
      {res("work.karmada.io", "v1alpha1", "works", "Work"), false},
      {res("policy.karmada.io", "v1alpha1", "propagationpolicies", "PropagationPolicy"), false},
      {res("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CRD"), true},
      {res("example.io", "v1", "readonly", "ReadOnly", {"list", "watch"}), false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(propagatableResource(c.r), c.want) << c.r.gvr.toString();
  }
}

TEST(NewTemplateKindsTest, OnlyUnknownPropagatableKindsInPreferredVersion) {
  TemplateStore known;
  TemplateKind deployments;
  deployments.gvr = {"apps", "v1", "deployments"};
  deployments.gvk = {"apps", "v1", "Deployment"};
  known.add(deployments);
  const std::vector<client::ApiResource> served = {
      res("apps", "v1", "deployments", "Deployment"),
      res("late.example.io", "v2", "gadgets", "Gadget"),
      res("late.example.io", "v1", "gadgets", "Gadget"),  // not preferred
      res("", "v1", "pods", "Pod"),
  };
  const auto got = newTemplateKinds(served, known);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].gvr.group, "late.example.io");
  EXPECT_EQ(got[0].gvr.version, "v2");
  EXPECT_EQ(got[0].gvk.kind, "Gadget");
  EXPECT_TRUE(got[0].namespaced);
  EXPECT_EQ(got[0].informer, nullptr);
  EXPECT_TRUE(newTemplateKinds({}, known).empty());
}

}  // namespace
}  // namespace flotilla::controllers
