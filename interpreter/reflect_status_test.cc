#include "interpreter/reflect_status.h"

#include <gtest/gtest.h>

namespace flotilla::interpreter {
namespace {

using api::Json;

TEST(ReflectStatus, Table) {
  struct Row {
    const char* name;
    const char* observed;
    bool ok;
    const char* want;
  };
  const Row rows[] = {
      {"deployment_with_generations",
       R"({"kind":"Deployment","metadata":{"generation":3,
           "annotations":{"resourcetemplate.karmada.io/generation":"5"}},
           "status":{"replicas":2,"readyReplicas":2,"updatedReplicas":2,"availableReplicas":2,
                     "observedGeneration":3,"conditions":[{"type":"Available"}]}})",
       true,
       R"({"replicas":2,"readyReplicas":2,"updatedReplicas":2,"availableReplicas":2,
           "observedGeneration":3,"generation":3,"resourceTemplateGeneration":5})"},
      {"deployment_missing_annotation_errors",
       R"({"kind":"Deployment","metadata":{"generation":1},"status":{"replicas":1}})", false, ""},
      {"deployment_bad_annotation_errors",
       R"({"kind":"Deployment","metadata":{"annotations":{"resourcetemplate.karmada.io/generation":"x"}},
           "status":{}})",
       false, ""},
      {"job_fields",
       R"({"kind":"Job","status":{"active":1,"succeeded":2,"startTime":"t","uncountedTerminatedPods":{}}})",
       true, R"({"active":1,"succeeded":2,"startTime":"t"})"},
      {"service_non_lb_not_collected",
       R"({"kind":"Service","spec":{"type":"ClusterIP"},"status":{"loadBalancer":{}}})", true,
       "null"},
      {"service_lb",
       R"({"kind":"Service","spec":{"type":"LoadBalancer"},
           "status":{"loadBalancer":{"ingress":[{"ip":"1.1.1.1"}]},"conditions":[]}})",
       true, R"({"loadBalancer":{"ingress":[{"ip":"1.1.1.1"}]}})"},
      {"other_whole_status", R"({"kind":"Widget","status":{"x":1}})", true, R"({"x":1})"},
      {"no_status", R"({"kind":"ConfigMap"})", true, "null"},
  };
  for (const auto& r : rows) {
    auto got = reflectStatus(Json::parse(r.observed));
    EXPECT_EQ(got.isOk(), r.ok) << r.name;
    if (r.ok && got.isOk()) {
      EXPECT_EQ(*got, Json::parse(r.want)) << r.name << " " << got->dump();
    }
  }
}

}  // namespace
}  // namespace flotilla::interpreter
