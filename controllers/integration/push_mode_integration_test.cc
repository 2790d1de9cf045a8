// End to end, Push mode: a host `flotilla apiserver`, a second `flotilla apiserver` standing in
// for a member cluster, `flotilla join`, `flotilla controller-manager`, and kubectl on the host.
// A Deployment + PropagationPolicy applied on the host must appear in the member with the
// scheduled replicas; the member's status (written here the way the member's workload
// controller would) must come back to the host so `kubectl wait --for=condition=Available`
// succeeds; deleting the template must remove the member copy.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "client/testing/apiserver_process.h"
#include "client/testing/child_process.h"
#include "core/status.h"

namespace flotilla::controllers {
namespace {

using client::testing::ApiServerProcess;
using client::testing::ChildProcess;

const client::GroupVersionResource kDeployments{"apps", "v1", "deployments"};
const char* kKubectl = "/usr/bin/kubectl";

int run(const std::string& command) {
  const int rc = std::system((command + " >>/tmp/flotilla-push-e2e.log 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

TEST(PushModeIntegrationTest, DeploymentPropagatesAndStatusComesBack) {
  auto host = ApiServerProcess::start();
  if (!host && host.status().code() == core::Code::NotFound) GTEST_SKIP() << host.status().message();
  ASSERT_TRUE(host) << host.status().toString();
  auto member = ApiServerProcess::start();
  ASSERT_TRUE(member) << member.status().toString();
  if (access(kKubectl, X_OK) != 0) GTEST_SKIP() << "kubectl not installed";
  const std::string bin = client::testing::flotillaBinary();
  const std::string hk = (*host)->kubeconfigPath();
  const std::string mk = (*member)->kubeconfigPath();

  // A node, as the member simulator would register it, so the member has capacity.
  {
    auto mc = client::RestClient::create((*member)->config());
    ASSERT_TRUE(mc);
    const client::GroupVersionResource nodes{"", "v1", "nodes"};
    nlohmann::json node = {{"apiVersion", "v1"},
                           {"kind", "Node"},
                           {"metadata", {{"name", "node-1"}}}};
    auto created = (*mc)->create(nodes, "", node, {});
    ASSERT_TRUE(created) << created.status().toString();
    node = (*created)->json();
    node["status"] = {
        {"allocatable", {{"cpu", "8"}, {"memory", "32Gi"}, {"pods", "110"}}},
        {"capacity", {{"cpu", "8"}, {"memory", "32Gi"}, {"pods", "110"}}},
        {"conditions", {{{"type", "Ready"}, {"status", "True"}, {"reason", "KubeletReady"}}}}};
    auto updated = (*mc)->update(nodes, "", node, {}, "status");
    ASSERT_TRUE(updated) << updated.status().toString();
  }
  ASSERT_EQ(run(bin + " join m1 --kubeconfig " + hk + " --cluster-kubeconfig " + mk +
                " --provider local --region r1"),
            0);
  auto cm = ChildProcess::start({bin, "controller-manager", "--kubeconfig", hk,
                                 "--cluster-probe-period", "1s", "--work-status-period", "1s"});
  ASSERT_TRUE(cm) << cm.status().toString();

  const std::string manifest = (*host)->dataDir() + "/web.yaml";
  {
    std::ofstream out(manifest);
    out << R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: 100m, memory: 64Mi}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata:
  name: web
  namespace: default
spec:
  resourceSelectors:
  - apiVersion: apps/v1
    kind: Deployment
    name: web
  placement:
    clusterAffinity:
      clusterNames: [m1]
    replicaScheduling:
      replicaSchedulingType: Divided
)";
  }
  ASSERT_EQ(run(std::string(kKubectl) + " --kubeconfig " + hk + " apply -f " + manifest), 0);

  auto member_client = client::RestClient::create((*member)->config());
  ASSERT_TRUE(member_client);
  client::ObjectPtr copy;
  const bool appeared = eventually([&] {
    auto d = (*member_client)->get(kDeployments, "default", "web", "");
    if (d) copy = *d;
    return d.isOk();
  });
  ASSERT_TRUE(appeared) << "deployment never reached the member; controller-manager said:\n"
                        << [&] {
                             std::string s;
                             for (const auto& l : (*cm)->lines()) s += l + "\n";
                             return s;
                           }();
  EXPECT_EQ(copy->json()["spec"]["replicas"], 3);
  EXPECT_EQ(copy->json()["metadata"]["labels"]["karmada.io/managed"], "true");

  // The member's deployment controller would report this.
  nlohmann::json live = copy->json();
  live["status"] = {
      {"observedGeneration", live["metadata"].value("generation", 1)},
      {"replicas", 3},
      {"updatedReplicas", 3},
      {"readyReplicas", 3},
      {"availableReplicas", 3},
      {"conditions",
       {{{"type", "Available"}, {"status", "True"}, {"reason", "MinimumReplicasAvailable"}}}}};
  ASSERT_TRUE((*member_client)->update(kDeployments, "default", live, {}, "status"));

  EXPECT_EQ(run(std::string(kKubectl) + " --kubeconfig " + hk +
                " wait --for=condition=Available deployment/web --timeout=60s"),
            0);
  auto host_client = client::RestClient::create((*host)->config());
  ASSERT_TRUE(host_client);
  auto templ = (*host_client)->get(kDeployments, "default", "web", "");
  ASSERT_TRUE(templ);
  EXPECT_EQ(templ.value()->json()["status"].value("readyReplicas", 0), 3);

  // Deleting the template removes the member copy (binding → Works → execution finalizer).
  ASSERT_EQ(run(std::string(kKubectl) + " --kubeconfig " + hk + " delete deployment web"), 0);
  EXPECT_TRUE(eventually([&] {
    return (*member_client)->get(kDeployments, "default", "web", "").status().code() ==
           core::Code::NotFound;
  }));
  (*cm)->stop();
}

// The same flow against engineer m's simulated member (`flotilla member`): its own deployment
// and pod controllers report status, so nothing is faked; also cordon/uncordon and unjoin.
TEST(PushModeIntegrationTest, SimulatedMemberRunsTheWorkload) {
  const std::string bin = client::testing::flotillaBinary();
  if (std::system((bin + " member --help >/dev/null 2>&1").c_str()) != 0) {
    GTEST_SKIP() << "flotilla has no member command";
  }
  if (access(kKubectl, X_OK) != 0) GTEST_SKIP() << "kubectl not installed";
  auto host = ApiServerProcess::start();
  ASSERT_TRUE(host) << host.status().toString();
  std::string dir = (*host)->dataDir() + "-member";
  ASSERT_EQ(run("mkdir -p " + dir), 0);
  auto member = ChildProcess::start({bin, "member", "--name", "m1", "--data-dir", dir,
                                     "--nodes", "2", "--pod-ready-delay", "100ms"});
  ASSERT_TRUE(member) << member.status().toString();
  ASSERT_GE((*member)->waitForLine("ready", std::chrono::seconds(60)), 0);
  const std::string hk = (*host)->kubeconfigPath();
  const std::string mk = dir + "/admin.kubeconfig";
  const std::string kubectl = std::string(kKubectl) + " --kubeconfig " + hk;
  ASSERT_EQ(run(bin + " join m1 --kubeconfig " + hk + " --cluster-kubeconfig " + mk), 0);
  auto cm = ChildProcess::start({bin, "controller-manager", "--kubeconfig", hk,
                                 "--cluster-probe-period", "1s", "--work-status-period", "1s"});
  ASSERT_TRUE(cm) << cm.status().toString();

  const std::string manifest = (*host)->dataDir() + "/api.yaml";
  {
    std::ofstream out(manifest);
    out << R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
spec:
  replicas: 4
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: nginx
        resources:
          requests: {cpu: 100m, memory: 64Mi}
---
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata:
  name: api
spec:
  resourceSelectors:
  - apiVersion: apps/v1
    kind: Deployment
    name: api
  placement:
    clusterAffinity:
      clusterNames: [m1]
)";
  }
  ASSERT_EQ(run(kubectl + " apply -f " + manifest), 0);
  EXPECT_EQ(run(kubectl + " wait --for=condition=Available deployment/api --timeout=90s"), 0);
  auto host_client = client::RestClient::create((*host)->config());
  ASSERT_TRUE(host_client);
  auto templ = (*host_client)->get(kDeployments, "default", "api", "");
  ASSERT_TRUE(templ);
  EXPECT_EQ(templ.value()->json()["status"].value("readyReplicas", 0), 4);

  const client::GroupVersionResource clusters{"cluster.karmada.io", "v1alpha1", "clusters"};
  auto taints = [&] {
    auto c = (*host_client)->get(clusters, "", "m1", "");
    return c ? c.value()->json()["spec"].value("taints", nlohmann::json::array()).dump() : "";
  };
  ASSERT_EQ(run(bin + " cordon m1 --kubeconfig " + hk), 0);
  EXPECT_NE(taints().find("cluster.karmada.io/unschedulable"), std::string::npos);
  ASSERT_EQ(run(bin + " uncordon m1 --kubeconfig " + hk), 0);
  EXPECT_EQ(taints().find("cluster.karmada.io/unschedulable"), std::string::npos);

  (*cm)->stop();
  ASSERT_EQ(run(bin + " unjoin m1 --kubeconfig " + hk), 0);
  auto kc = client::loadKubeconfigFile(mk);
  ASSERT_TRUE(kc);
  auto member_client = client::RestClient::create(*kc->restConfig());
  ASSERT_TRUE(member_client);
  EXPECT_EQ((*member_client)->get(kDeployments, "default", "api", "").status().code(),
            core::Code::NotFound);
  EXPECT_EQ((*host_client)->get(clusters, "", "m1", "").status().code(), core::Code::NotFound);
  (*member)->stop();
}

}  // namespace
}  // namespace flotilla::controllers
