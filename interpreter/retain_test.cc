#include "interpreter/retain.h"

#include <gtest/gtest.h>

namespace flotilla::interpreter {
namespace {

using api::Json;

TEST(Retain, Table) {
  struct Row {
    const char* name;
    Json desired, observed, want;
  };
  const Row rows[] = {
      {"service_cluster_ip_and_node_ports",
       Json::parse(
           R"({"kind":"Service","spec":{"type":"NodePort","ports":[{"name":"http","port":80}]}})"),
       Json::parse(R"({"kind":"Service","spec":{"type":"NodePort","clusterIP":"10.0.0.1",
                       "clusterIPs":["10.0.0.1"],"healthCheckNodePort":31000,
                       "ports":[{"name":"http","port":80,"nodePort":30080}]}})"),
       Json::parse(R"({"kind":"Service","spec":{"type":"NodePort","clusterIP":"10.0.0.1",
                       "clusterIPs":["10.0.0.1"],"healthCheckNodePort":31000,
                       "ports":[{"name":"http","port":80,"nodePort":30080}]}})")},
      {"service_explicit_node_port_kept",
       Json::parse(R"({"kind":"Service","spec":{"ports":[{"port":80,"nodePort":30001}]}})"),
       Json::parse(R"({"kind":"Service","spec":{"ports":[{"port":80,"nodePort":30080}]}})"),
       Json::parse(R"({"kind":"Service","spec":{"ports":[{"port":80,"nodePort":30001}]}})")},
      {"pvc_volume_name", Json::parse(R"({"kind":"PersistentVolumeClaim","spec":{}})"),
       Json::parse(R"({"kind":"PersistentVolumeClaim","spec":{"volumeName":"pv-1"}})"),
       Json::parse(R"({"kind":"PersistentVolumeClaim","spec":{"volumeName":"pv-1"}})")},
      {"pod_node_name", Json::parse(R"({"kind":"Pod","spec":{"containers":[{"name":"c"}]}})"),
       Json::parse(R"({"kind":"Pod","spec":{"nodeName":"n1","containers":[{"name":"c"}]}})"),
       Json::parse(R"({"kind":"Pod","spec":{"nodeName":"n1","containers":[{"name":"c"}]}})")},
      {"service_account_secrets", Json::parse(R"({"kind":"ServiceAccount"})"),
       Json::parse(R"({"kind":"ServiceAccount","secrets":[{"name":"sa-token-x"}]})"),
       Json::parse(R"({"kind":"ServiceAccount","secrets":[{"name":"sa-token-x"}]})")},
      {"job_selector_and_template_labels",
       Json::parse(R"({"kind":"Job","spec":{"template":{"spec":{}}}})"),
       Json::parse(R"({"kind":"Job","spec":{"selector":{"matchLabels":{"controller-uid":"u"}},
                       "template":{"metadata":{"labels":{"controller-uid":"u"}},"spec":{}}}})"),
       Json::parse(R"({"kind":"Job","spec":{"selector":{"matchLabels":{"controller-uid":"u"}},
                       "template":{"metadata":{"labels":{"controller-uid":"u"}},"spec":{}}}})")},
      {"job_manual_selector_not_retained",
       Json::parse(R"({"kind":"Job","spec":{"manualSelector":true}})"),
       Json::parse(R"({"kind":"Job","spec":{"selector":{"matchLabels":{"a":"b"}}}})"),
       Json::parse(R"({"kind":"Job","spec":{"manualSelector":true}})")},
      {"metadata_member_owned",
       Json::parse(R"({"kind":"ConfigMap","metadata":{"labels":{"a":"1"}}})"),
       Json::parse(R"({"kind":"ConfigMap","metadata":{"resourceVersion":"42","finalizers":["f"],
                       "labels":{"a":"0","member":"x","gone":"y"},
                       "annotations":{"resourcetemplate.karmada.io/managed-labels":"a,gone"}}})"),
       Json::parse(R"({"kind":"ConfigMap","metadata":{"resourceVersion":"42","finalizers":["f"],
                       "labels":{"a":"1","member":"x"},
                       "annotations":{"resourcetemplate.karmada.io/managed-labels":"a,gone"}}})")},
  };
  for (const auto& r : rows) {
    auto got = retain(r.desired, r.observed);
    ASSERT_TRUE(got.isOk()) << r.name;
    EXPECT_EQ(*got, r.want) << r.name << "\n" << got->dump();
  }
  EXPECT_FALSE(retain(Json::array(), Json::object()).isOk());
}

}  // namespace
}  // namespace flotilla::interpreter
