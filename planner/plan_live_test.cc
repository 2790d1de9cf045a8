// `flotilla plan --live-kubeconfig` against a real `flotilla apiserver` process: two Clusters
// (with status) and a ResourceBinding are applied with kubectl, a repository changes the policy,
// and the plan must report what moves and what it costs before and after. Also: an unreachable
// host is a clear error with exit status 2.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "client/testing/apiserver_process.h"
#include "client/testing/child_process.h"

namespace {

namespace fs = std::filesystem;
using flotilla::client::testing::ApiServerProcess;
using nlohmann::json;

const char* kKubectl = "/usr/bin/kubectl";

struct CmdResult {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

CmdResult run(const std::string& command, const fs::path& scratch) {
  const fs::path out = scratch / "stdout";
  const fs::path err = scratch / "stderr";
  const int status =
      std::system((command + " >" + out.string() + " 2>" + err.string()).c_str());
  return CmdResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// The binary under test, as ApiServerProcess finds it ($FLOTILLA_BIN, else this build's).
std::string flotillaBin() { return flotilla::client::testing::flotillaBinary(); }

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "flotilla-plan-live-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const char* kClusters = R"(apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: member1}
spec: {syncMode: Push, provider: aws, region: us-east-1}
---
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: member2}
spec: {syncMode: Push, provider: gcp, region: us-central1}
)";

const char* kClusterStatus = R"({"status":{"apiEnablements":[{"groupVersion":"apps/v1",
"resources":[{"name":"deployments","kind":"Deployment"}]}],"resourceSummary":{
"allocatable":{"cpu":"64","memory":"256Gi","pods":"1000"},
"allocated":{"cpu":"1","memory":"1Gi","pods":"10"}}}})";

// The current result: all 4 replicas of web on member1.
const char* kBinding = R"(apiVersion: work.karmada.io/v1alpha2
kind: ResourceBinding
metadata: {name: web-deployment, namespace: default}
spec:
  resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: web}
  replicas: 4
  clusters:
  - {name: member1, replicas: 4}
)";

// The repository after the PR: web divided evenly over both clusters, plus a new workload.
const char* kRepo = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {requests: {cpu: "1", memory: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fresh, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: fresh}}
  template:
    metadata: {labels: {app: fresh}}
    spec:
      containers:
      - name: fresh
        image: nginx
        resources: {requests: {cpu: "1"}}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: web, namespace: default}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment}
  placement:
    clusterAffinity: {clusterNames: [member1, member2]}
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}
---
apiVersion: estimator.flotilla.io/v1alpha1
kind: PriceBook
metadata: {name: list}
spec:
  currency: USD
  rules:
  - targetCluster: {clusterNames: [member1]}
    prices: {cpu: "0.04", memory: "0.005"}
  - targetCluster: {clusterNames: [member2]}
    prices: {cpu: "0.03", memory: "0.004"}
)";

const json* placement(const json& plan, const std::string& name) {
  for (const auto& p : plan["placements"]) {
    if (p["resource"]["name"] == name) return &p;
  }
  return nullptr;
}

TEST(PlanLive, ReportsMovesAgainstALiveHost) {
  if (access(kKubectl, X_OK) != 0) GTEST_SKIP() << "kubectl not installed";
  auto server = ApiServerProcess::start();
  if (!server.isOk() && server.status().code() == flotilla::core::Code::NotFound) {
    GTEST_SKIP() << server.status().message();
  }
  ASSERT_TRUE(server.isOk()) << server.status().message();
  TempDir tmp;
  const std::string kubectl =
      std::string(kKubectl) + " --kubeconfig " + (*server)->kubeconfigPath() + " ";
  write(tmp.path() / "host" / "clusters.yaml", kClusters);
  write(tmp.path() / "host" / "binding.yaml", kBinding);
  for (const char* f : {"clusters.yaml", "binding.yaml"}) {
    CmdResult r = run(kubectl + "apply -f " + (tmp.path() / "host" / f).string(), tmp.path());
    ASSERT_EQ(r.exit_code, 0) << f << ": " << r.out << r.err;
  }
  write(tmp.path() / "status.json", kClusterStatus);
  for (const char* c : {"member1", "member2"}) {
    CmdResult r = run(kubectl + "patch cluster " + c +
                          " --subresource=status --type=merge --patch-file " +
                          (tmp.path() / "status.json").string(),
                      tmp.path());
    ASSERT_EQ(r.exit_code, 0) << c << ": " << r.out << r.err;
  }
  write(tmp.path() / "repo" / "all.yaml", kRepo);

  const std::string plan = flotillaBin() + " plan -f " + (tmp.path() / "repo").string() +
                           " --live-kubeconfig " + (*server)->kubeconfigPath();
  CmdResult r = run(plan + " -o json", tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json doc = json::parse(r.out);
  EXPECT_TRUE(doc["errors"].empty()) << doc["errors"].dump();
  EXPECT_EQ(doc["live"]["clusters"], 2) << doc["live"].dump();
  EXPECT_EQ(doc["live"]["resourceBindings"], 1) << doc["live"].dump();

  const json* web = placement(doc, "web");
  ASSERT_NE(web, nullptr);
  ASSERT_TRUE((*web)["scheduled"]) << web->dump();
  const json& moves = (*web)["moves"];
  EXPECT_EQ(moves["bound"], true);
  EXPECT_EQ(moves["added"], json::parse(R"([{"name":"member2","replicas":2}])")) << moves.dump();
  EXPECT_EQ(moves["removed"], json::array()) << moves.dump();
  EXPECT_EQ(moves["changed"],
            json::parse(R"([{"name":"member1","replicasBefore":4,"replicasAfter":2}])"))
      << moves.dump();
  // 1 cpu + 1 GiB: member1 0.045/h, member2 0.034/h per replica.
  EXPECT_EQ(moves["cost"]["currency"], "USD");
  EXPECT_EQ(moves["cost"]["hourlyBefore"], "0.180000") << moves.dump();
  EXPECT_EQ(moves["cost"]["hourlyAfter"], "0.158000") << moves.dump();

  const json* fresh = placement(doc, "fresh");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ((*fresh)["moves"]["bound"], false) << fresh->dump();
  EXPECT_EQ((*fresh)["moves"]["removed"], json::array());

  // The table says the same for people.
  CmdResult table = run(plan, tmp.path());
  ASSERT_EQ(table.exit_code, 0) << table.out << table.err;
  EXPECT_NE(table.out.find("+member2:2 member1:4→2"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("USD 0.180000→0.158000"), std::string::npos) << table.out;

  // YAML carries the same fields.
  CmdResult yaml = run(plan + " -o yaml", tmp.path());
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_NE(yaml.out.find("hourlyBefore"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("replicasBefore: 4"), std::string::npos) << yaml.out;
}

TEST(PlanLive, UnreachableHostIsAClearError) {
  if (flotillaBin().empty()) GTEST_SKIP() << "no flotilla binary";
  TempDir tmp;
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  write(tmp.path() / "kubeconfig", R"(apiVersion: v1
kind: Config
clusters:
- name: gone
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: abc}
contexts:
- name: gone
  context: {cluster: gone, user: u}
current-context: gone
)");
  write(tmp.path() / "repo" / "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n");
  CmdResult r = run(flotillaBin() + " plan -f " + (tmp.path() / "repo").string() +
                        " --live-kubeconfig " + (tmp.path() / "kubeconfig").string() + " -o json",
                    tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot read the live control plane"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  CmdResult missing = run(flotillaBin() + " plan -f " + (tmp.path() / "repo").string() +
                              " --live-kubeconfig " + (tmp.path() / "nope").string(),
                          tmp.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read the live control plane"), std::string::npos)
      << missing.err;
}

}  // namespace
