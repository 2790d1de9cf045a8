#include "apimachinery/workload_defaults.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flotilla::apimachinery {
namespace {

using nlohmann::json;

struct Case {
  std::string name;
  std::string group, kind;
  std::string obj;
  std::string want;
};

// Expected values are what kube-apiserver 1.32 returns for the same input.
TEST(WorkloadDefaultsTest, FillsAbsentFieldsLikeKubeApiserver) {
  const std::string pod_spec_defaults =
      R"("dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",)"
      R"("securityContext":{},"terminationGracePeriodSeconds":30)";
  const std::string nginx =
      R"({"name":"c","image":"nginx:1.27","imagePullPolicy":"IfNotPresent",)"
      R"("terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"})";
  const std::vector<Case> cases = {
      {"deployment", "apps", "Deployment",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}})",
       R"({"spec":{"replicas":1,"revisionHistoryLimit":10,"progressDeadlineSeconds":600,)"
       R"("strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},)"
       R"("template":{"spec":{"containers":[)" + nginx + "]," + pod_spec_defaults + "}}}}"},
      {"deployment keeps what is set; Recreate has no rollingUpdate", "apps", "Deployment",
       R"({"spec":{"replicas":0,"strategy":{"type":"Recreate"},"revisionHistoryLimit":2}})",
       R"({"spec":{"replicas":0,"strategy":{"type":"Recreate"},"revisionHistoryLimit":2,)"
       R"("progressDeadlineSeconds":600}})"},
      {"statefulset", "apps", "StatefulSet", R"({"spec":{"serviceName":"s"}})",
       R"({"spec":{"serviceName":"s","replicas":1,"podManagementPolicy":"OrderedReady",)"
       R"("updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}},)"
       R"("revisionHistoryLimit":10,"persistentVolumeClaimRetentionPolicy":)"
       R"({"whenDeleted":"Retain","whenScaled":"Retain"}}})"},
      {"daemonset", "apps", "DaemonSet", R"({"spec":{}})",
       R"({"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":)"
       R"({"maxUnavailable":1,"maxSurge":0}},"revisionHistoryLimit":10}})"},
      {"job", "batch", "Job", R"({"spec":{"template":{"spec":{"restartPolicy":"Never"}}}})",
       R"({"spec":{"completions":1,"parallelism":1,"backoffLimit":6,"completionMode":"NonIndexed",)"
       R"("suspend":false,"podReplacementPolicy":"TerminatingOrFailed","template":{"spec":)"
       R"({"dnsPolicy":"ClusterFirst","restartPolicy":"Never","schedulerName":"default-scheduler",)"
       R"("securityContext":{},"terminationGracePeriodSeconds":30}}}})"},
      {"job with parallelism only keeps completions unset", "batch", "Job",
       R"({"spec":{"parallelism":3}})",
       R"({"spec":{"parallelism":3,"backoffLimit":6,"completionMode":"NonIndexed",)"
       R"("suspend":false,"podReplacementPolicy":"TerminatingOrFailed"}})"},
      {"cronjob", "batch", "CronJob", R"({"spec":{"schedule":"* * * * *"}})",
       R"({"spec":{"schedule":"* * * * *","concurrencyPolicy":"Allow","suspend":false,)"
       R"("successfulJobsHistoryLimit":3,"failedJobsHistoryLimit":1}})"},
      {"service", "", "Service", R"({"spec":{"ports":[{"port":80},{"port":53,"targetPort":"dns"}]}})",
       R"({"spec":{"type":"ClusterIP","sessionAffinity":"None","internalTrafficPolicy":"Cluster",)"
       R"("ports":[{"port":80,"protocol":"TCP","targetPort":80},)"
       R"({"port":53,"protocol":"TCP","targetPort":"dns"}]}})"},
      {"nodeport service with client affinity", "", "Service",
       R"({"spec":{"type":"NodePort","sessionAffinity":"ClientIP"}})",
       R"({"spec":{"type":"NodePort","sessionAffinity":"ClientIP","internalTrafficPolicy":"Cluster",)"
       R"("externalTrafficPolicy":"Cluster","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}}}})"},
      {"externalname service gets no traffic policy", "", "Service",
       R"({"spec":{"type":"ExternalName","externalName":"db.example.com"}})",
       R"({"spec":{"type":"ExternalName","externalName":"db.example.com","sessionAffinity":"None"}})"},
      {"pod: latest pulls Always, requests from limits, probes", "", "Pod",
       R"({"spec":{"containers":[{"name":"c","image":"registry:5000/app","resources":{"limits":{"cpu":"1"}},)"
       R"("readinessProbe":{"httpGet":{"port":80}}}]}})",
       R"({"spec":{"containers":[{"name":"c","image":"registry:5000/app","imagePullPolicy":"Always",)"
       R"("resources":{"limits":{"cpu":"1"},"requests":{"cpu":"1"}},"readinessProbe":{"httpGet":{"port":80},)"
       R"("timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},)"
       R"("terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],)"
       R"("enableServiceLinks":true,)" + pod_spec_defaults + "}}"},
      {"digest pins pull IfNotPresent", "", "Pod",
       R"({"spec":{"containers":[{"name":"c","image":"nginx@sha256:abc","imagePullPolicy":"Never"},)"
       R"({"name":"d","image":"nginx@sha256:abc"}]}})",
       R"({"spec":{"containers":[{"name":"c","image":"nginx@sha256:abc","imagePullPolicy":"Never",)"
       R"("terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},)"
       R"({"name":"d","image":"nginx@sha256:abc","imagePullPolicy":"IfNotPresent",)"
       R"("terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],)"
       R"("enableServiceLinks":true,)" + pod_spec_defaults + "}}"},
      {"ill-typed fields are left for validation", "apps", "Deployment",
       R"({"spec":{"strategy":"fast","template":"x"}})",
       R"({"spec":{"strategy":"fast","template":"x","replicas":1,"revisionHistoryLimit":10,)"
       R"("progressDeadlineSeconds":600}})"},
      {"other kinds untouched", "", "ConfigMap", R"({"data":{"a":"b"}})", R"({"data":{"a":"b"}})"},
  };
  for (const Case& c : cases) {
    json obj = json::parse(c.obj);
    applyWorkloadDefaults(c.group, c.kind, obj);
    EXPECT_EQ(obj, json::parse(c.want)) << c.name << ": " << obj.dump();
  }
}

}  // namespace
}  // namespace flotilla::apimachinery
