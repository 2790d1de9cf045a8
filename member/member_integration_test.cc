// End to end: `flotilla member` as a child process driven by the real kubectl. Covers nodes, a
// Deployment becoming Available (kubectl wait and rollout status), pods Running with IPs from the
// member's range, scaling with the Service's EndpointSlice following, unschedulable pods
// explained, a Job completing, and the state surviving a restart of the member.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kKubectl = "/usr/bin/kubectl";

struct CommandResult {
  int rc = -1;
  std::string out;
};

class MemberProcess {
 public:
  // Starts the member and waits for its "ready" line.
  bool start(const std::string& dir, const std::vector<std::string>& extra) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipe_fds[1], STDOUT_FILENO);
      int err = open((dir + "/member.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0) dup2(err, STDERR_FILENO);
      close(pipe_fds[0]);
      std::vector<std::string> args = {FLOTILLA_BINARY_DIR "/bin/flotilla", "member", "--name",
                                       "member7", "--data-dir", dir + "/data"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(pipe_fds[1]);
    out_fd_ = pipe_fds[0];
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, 500) <= 0) continue;
      char buf[512];
      const ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) return false;
      seen.append(buf, static_cast<size_t>(n));
      if (seen.find("ready") != std::string::npos) return true;
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 300; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (out_fd_ >= 0) close(out_fd_);
    out_fd_ = -1;
  }
  ~MemberProcess() { stop(); }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
};

class MemberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/flotilla-member-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ + "/cache");
    ASSERT_TRUE(startMember()) << "member did not start; log:\n" << readFile(dir_ + "/member.log");
  }
  void TearDown() override {
    member_.stop();
    if (HasFailure()) {
      std::fprintf(stderr, "member log:\n%s\n", readFile(dir_ + "/member.log").c_str());
    } else {
      fs::remove_all(dir_);
    }
  }

  bool startMember() {
    return member_.start(dir_, {"--nodes", "3", "--node-cpu", "2", "--node-memory", "4Gi",
                                "--pod-ready-delay", "200ms", "--job-duration", "1s"});
  }

  static std::string readFile(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  CommandResult kubectl(const std::string& args, const std::string& stdin_text = "") {
    std::string cmd = "KUBECONFIG=" + dir_ + "/data/admin.kubeconfig KUBECACHEDIR=" + dir_ +
                      "/cache " + kKubectl + " " + args;
    std::string input_file;
    if (!stdin_text.empty()) {
      input_file = dir_ + "/stdin.yaml";
      std::ofstream(input_file) << stdin_text;
      cmd += " -f " + input_file;
    }
    cmd += " 2>&1";
    CommandResult r;
    FILE* f = popen(cmd.c_str(), "r");
    if (f == nullptr) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
    const int status = pclose(f);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }

  Json getJson(const std::string& args) {
    auto r = kubectl("get " + args + " -o json");
    Json j = Json::parse(r.out, nullptr, false);
    return j.is_discarded() ? Json() : j;
  }

  // Polls `check` until it holds (generous: the machine may be busy).
  static bool eventually(const std::function<bool()>& check, int seconds = 90) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (check()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return check();
  }

  // Ready endpoints of the Service's EndpointSlices.
  int readyEndpoints(const std::string& service) {
    Json slices = getJson("endpointslices -l kubernetes.io/service-name=" + service);
    int ready = 0;
    for (const auto& s : slices.value("items", Json::array())) {
      for (const auto& e : s.value("endpoints", Json::array())) {
        if (e.value("conditions", Json::object()).value("ready", false)) ++ready;
      }
    }
    return ready;
  }

  std::string dir_;
  MemberProcess member_;
};

const char* kWeb = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{name: http, containerPort: 8080}]
        resources:
          requests: {cpu: 100m, memory: 64Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
)";

const char* kJob = R"(apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  completions: 2
  parallelism: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: pi
        image: perl:5.34
)";

const char* kHuge = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: huge
spec:
  replicas: 1
  selector:
    matchLabels: {app: huge}
  template:
    metadata:
      labels: {app: huge}
    spec:
      containers:
      - name: c
        image: busybox
        resources:
          requests: {cpu: "64"}
)";

TEST_F(MemberTest, NodesDeploymentServiceJobAndRestart) {
  Json nodes = getJson("nodes");
  ASSERT_EQ(nodes.value("items", Json::array()).size(), 3u) << nodes.dump();
  EXPECT_EQ(nodes["items"][0]["status"]["nodeInfo"]["kubeletVersion"], "v1.32.0");

  auto applied = kubectl("apply", kWeb);
  ASSERT_EQ(applied.rc, 0) << applied.out;
  auto wait = kubectl("wait --for=condition=Available deployment/web --timeout=90s");
  ASSERT_EQ(wait.rc, 0) << wait.out;
  auto rollout = kubectl("rollout status deployment/web --timeout=90s");
  ASSERT_EQ(rollout.rc, 0) << rollout.out;

  Json pods = getJson("pods -l app=web");
  ASSERT_EQ(pods.value("items", Json::array()).size(), 3u) << pods.dump();
  for (const auto& p : pods["items"]) {
    EXPECT_EQ(p["status"]["phase"], "Running");
    EXPECT_EQ(p["status"]["podIP"].get<std::string>().rfind("10.7.", 0), 0u) << p["status"].dump();
    EXPECT_FALSE(p["spec"].value("nodeName", "").empty());
    EXPECT_EQ(p["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
  }
  Json svc = getJson("service web");
  EXPECT_EQ(svc["spec"].value("clusterIP", "").rfind("10.7.1", 0), 0u) << svc.dump();
  EXPECT_TRUE(eventually([&] { return readyEndpoints("web") == 3; })) << readyEndpoints("web");
  Json slices = getJson("endpointslices -l kubernetes.io/service-name=web");
  ASSERT_EQ(slices["items"].size(), 1u);
  EXPECT_EQ(slices["items"][0]["ports"][0]["port"], 8080);
  EXPECT_EQ(slices["items"][0]["addressType"], "IPv4");

  // Scale up and down: the EndpointSlice follows.
  ASSERT_EQ(kubectl("scale deployment/web --replicas=5").rc, 0);
  ASSERT_EQ(kubectl("rollout status deployment/web --timeout=90s").rc, 0);
  EXPECT_TRUE(eventually([&] { return readyEndpoints("web") == 5; })) << readyEndpoints("web");
  ASSERT_EQ(kubectl("scale deployment/web --replicas=1").rc, 0);
  EXPECT_TRUE(eventually([&] { return readyEndpoints("web") == 1; })) << readyEndpoints("web");
  EXPECT_TRUE(eventually([&] {
    Json d = getJson("deployment web");
    return d["status"].value("replicas", 0) == 1 && d["status"].value("availableReplicas", 0) == 1;
  }));

  // A pod that fits nowhere stays Pending and says why.
  ASSERT_EQ(kubectl("apply", kHuge).rc, 0);
  EXPECT_TRUE(eventually([&] {
    Json p = getJson("pods -l app=huge");
    for (const auto& pod : p.value("items", Json::array())) {
      for (const auto& c : pod["status"].value("conditions", Json::array())) {
        if (c.value("type", "") == "PodScheduled" && c.value("reason", "") == "Unschedulable" &&
            c.value("message", "") == "0/3 nodes are available: 3 Insufficient cpu.") {
          return true;
        }
      }
    }
    return false;
  })) << getJson("pods -l app=huge").dump();

  // A Job runs its pods to completion.
  ASSERT_EQ(kubectl("apply", kJob).rc, 0);
  auto done = kubectl("wait --for=condition=Complete job/pi --timeout=90s");
  ASSERT_EQ(done.rc, 0) << done.out;
  EXPECT_EQ(getJson("job pi")["status"].value("succeeded", 0), 2);

  // After a restart the member picks up where it was: nothing is duplicated or lost.
  member_.stop();
  ASSERT_TRUE(startMember());
  ASSERT_EQ(kubectl("scale deployment/web --replicas=2").rc, 0);
  EXPECT_TRUE(eventually([&] { return readyEndpoints("web") == 2; })) << readyEndpoints("web");
  ASSERT_EQ(kubectl("wait --for=condition=Available deployment/web --timeout=90s").rc, 0);
  EXPECT_EQ(getJson("pods -l app=web")["items"].size(), 2u);
  EXPECT_EQ(getJson("replicasets -l app=web")["items"].size(), 1u);
}

const char* kSets = R"(apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 3
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: postgres:16
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: fluent-bit:3
)";

TEST_F(MemberTest, StatefulSetDaemonSetAndLostNode) {
  ASSERT_EQ(kubectl("apply", kSets).rc, 0);
  auto sts = kubectl("rollout status statefulset/db --timeout=90s");
  ASSERT_EQ(sts.rc, 0) << sts.out;
  for (const char* name : {"db-0", "db-1", "db-2"}) {
    Json pod = getJson(std::string("pod ") + name);
    EXPECT_EQ(pod["status"].value("phase", ""), "Running") << name;
  }
  auto ds = kubectl("rollout status daemonset/agent --timeout=90s");
  ASSERT_EQ(ds.rc, 0) << ds.out;
  Json agents = getJson("pods -l app=agent");
  std::set<std::string> nodes;
  for (const auto& p : agents.value("items", Json::array())) nodes.insert(p["spec"].value("nodeName", ""));
  EXPECT_EQ(nodes, (std::set<std::string>{"node-0", "node-1", "node-2"}));

  // A node disappears: its DaemonSet pod goes, StatefulSet pods come back on other nodes.
  ASSERT_EQ(kubectl("delete node node-1").rc, 0);
  EXPECT_TRUE(eventually([&] {
    Json a = getJson("pods -l app=agent");
    Json d = getJson("daemonset agent");
    return a.value("items", Json::array()).size() == 2 &&
           d["status"].value("desiredNumberScheduled", 0) == 2;
  }));
  EXPECT_TRUE(eventually([&] {
    Json pods = getJson("pods -l app=db");
    int running = 0;
    for (const auto& p : pods.value("items", Json::array())) {
      if (p["spec"].value("nodeName", "") == "node-1") return false;
      if (p["status"].value("phase", "") == "Running") ++running;
    }
    return running == 3;
  })) << getJson("pods -l app=db").dump();
}

}  // namespace
