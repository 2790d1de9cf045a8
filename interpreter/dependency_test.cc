#include "interpreter/dependency.h"

#include <gtest/gtest.h>

namespace flotilla::interpreter {
namespace {

using api::Json;

std::vector<std::string> keys(const std::vector<DependentObject>& deps) {
  std::vector<std::string> out;
  for (const auto& d : deps) out.push_back(d.kind + "/" + d.namespace_ + "/" + d.name);
  return out;
}

const char* kPodSpec = R"({
  "serviceAccountName": "app-sa",
  "imagePullSecrets": [{"name": "pull"}],
  "containers": [{"name": "c",
    "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cm-env", "key": "k"}}},
            {"name": "B", "valueFrom": {"secretKeyRef": {"name": "sec-env", "key": "k"}}}],
    "envFrom": [{"configMapRef": {"name": "cm-from"}}, {"secretRef": {"name": "sec-from"}}]}],
  "initContainers": [{"name": "i", "envFrom": [{"configMapRef": {"name": "cm-init"}}]}],
  "volumes": [{"name": "v1", "configMap": {"name": "cm-vol"}},
              {"name": "v2", "secret": {"secretName": "sec-vol"}},
              {"name": "v3", "persistentVolumeClaim": {"claimName": "data"}},
              {"name": "v4", "projected": {"sources": [{"configMap": {"name": "cm-proj"}},
                                                      {"secret": {"name": "sec-proj"}}]}},
              {"name": "www", "persistentVolumeClaim": {"claimName": "www"}}]
})";

TEST(InterpretDependency, Table) {
  const Json pod_spec = Json::parse(kPodSpec);
  const std::vector<std::string> all = {
      "ConfigMap/ns/cm-env",         "ConfigMap/ns/cm-from",     "ConfigMap/ns/cm-init",
      "ConfigMap/ns/cm-proj",        "ConfigMap/ns/cm-vol",      "Secret/ns/pull",
      "Secret/ns/sec-env",           "Secret/ns/sec-from",       "Secret/ns/sec-proj",
      "Secret/ns/sec-vol",           "ServiceAccount/ns/app-sa", "PersistentVolumeClaim/ns/data",
      "PersistentVolumeClaim/ns/www"};
  std::vector<std::string> sts = all;
  sts.pop_back();  // www comes from a volumeClaimTemplate
  struct Row {
    const char* name;
    Json object;
    std::vector<std::string> want;
  };
  Json deploy = {{"kind", "Deployment"},
                 {"metadata", {{"namespace", "ns"}, {"name", "d"}}},
                 {"spec", {{"template", {{"spec", pod_spec}}}}}};
  Json statefulset = deploy;
  statefulset["kind"] = "StatefulSet";
  statefulset["spec"]["volumeClaimTemplates"] = {{{"metadata", {{"name", "www"}}}}};
  Json cronjob = {{"kind", "CronJob"},
                  {"metadata", {{"namespace", "ns"}}},
                  {"spec", {{"jobTemplate", {{"spec", {{"template", {{"spec", pod_spec}}}}}}}}}};
  Json pod = {{"kind", "Pod"}, {"metadata", {{"namespace", "ns"}}}, {"spec", pod_spec}};
  Json default_sa = {{"kind", "Pod"},
                     {"metadata", {{"namespace", "ns"}}},
                     {"spec", {{"serviceAccountName", "default"}}}};
  Json ingress = {{"kind", "Ingress"},
                  {"metadata", {{"namespace", "ns"}}},
                  {"spec", {{"tls", {{{"secretName", "tls-a"}}, {{"secretName", "tls-a"}}}}}}};
  Json cm = {{"kind", "ConfigMap"}, {"metadata", {{"namespace", "ns"}}}};
  const Row rows[] = {
      {"deployment", deploy, all},
      {"statefulset_excludes_claim_templates", statefulset, sts},
      {"cronjob", cronjob, all},
      {"pod", pod, all},
      {"default_service_account_skipped", default_sa, {}},
      {"ingress_tls_deduplicated", ingress, {"Secret/ns/tls-a"}},
      {"configmap_has_none", cm, {}},
  };
  for (const auto& r : rows) {
    auto got = interpretDependency(r.object);
    ASSERT_TRUE(got.isOk()) << r.name;
    EXPECT_EQ(keys(*got), r.want) << r.name;
  }
}

TEST(InterpretDependency, ServiceImport) {
  Json si = {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
             {"kind", "ServiceImport"},
             {"metadata", {{"namespace", "ns"}, {"name", "web"}}}};
  auto got = interpretDependency(si);
  ASSERT_TRUE(got.isOk());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].toJson(), Json::parse(R"({"apiVersion":"v1","kind":"Service",
      "namespace":"ns","name":"derived-web"})"));
  EXPECT_EQ((*got)[1].toJson()["labelSelector"]["matchLabels"]["kubernetes.io/service-name"],
            "derived-web");
}

}  // namespace
}  // namespace flotilla::interpreter
