// Integration tests of the controller runtime: two `runtime-demo` replicas electing a leader on
// a real `flotilla apiserver` (skipped while the binary has no apiserver command), and /metrics
// scraped by a real Prometheus.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "client/rest_client.h"
#include "client/testing/apiserver_process.h"
#include "client/testing/stub_http_server.h"
#include "runtime/event_recorder.h"
#include "runtime/metrics_server.h"
#include "runtime/work_queue.h"

namespace flotilla::runtime {
namespace {

using namespace std::chrono_literals;
using client::testing::ApiServerProcess;
using client::testing::ChildProcess;
namespace fs = std::filesystem;

const client::GroupVersionResource kCm{"", "v1", "configmaps"};

std::string demoBinary() { return FLOTILLA_BINARY_DIR "/bin/flotilla-runtime-demo"; }

std::unique_ptr<ChildProcess> startReplica(const ApiServerProcess& server, const std::string& id) {
  auto p = ChildProcess::start({demoBinary(), "runtime-demo", "--kubeconfig",
                                server.kubeconfigPath(), "--identity", id, "--namespace", "default",
                                "--lease-namespace", "default", "--lease-name", "itest",
                                "--lease-duration", "4s", "--renew-deadline", "3s",
                                "--retry-period", "500ms", "--log-level", "warn"});
  EXPECT_TRUE(p) << p.status().toString();
  return p ? std::move(p).value() : nullptr;
}

nlohmann::json configMap(const std::string& name, const std::string& v) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"data", {{"v", v}}}};
}

#define START_APISERVER(var)                                          \
  auto var##_r = ApiServerProcess::start();                           \
  if (!var##_r && var##_r.status().code() == core::Code::NotFound) {  \
    GTEST_SKIP() << var##_r.status().message();                       \
  }                                                                   \
  ASSERT_TRUE(var##_r) << var##_r.status().toString();                \
  auto& var = *var##_r

std::string dump(ChildProcess& p) {
  std::string out;
  for (const auto& l : p.lines()) out += "  | " + l + "\n";
  return out;
}

TEST(LeaderElectionIntegrationTest, OneLeaderAndFailoverOnSigkill) {
  START_APISERVER(server);
  auto client = client::RestClient::create(server->config());
  ASSERT_TRUE(client);
  auto a = startReplica(*server, "a");
  ASSERT_GE(a->waitForLine("leading a", 30s), 0) << dump(*a);
  auto b = startReplica(*server, "b");
  ASSERT_GE(b->waitForLine("metrics port", 30s), 0) << dump(*b);
  ASSERT_TRUE((*client)->create(kCm, "default", configMap("x", "1"), {}));
  ASSERT_GE(a->waitForLine("acted default/x by a", 30s), 0) << dump(*a);
  std::this_thread::sleep_for(2s);
  EXPECT_LT(b->waitForLine("leading b", 1ms), 0) << "two leaders:\n" << dump(*b);
  EXPECT_LT(b->waitForLine("acted", 1ms), 0) << "the standby acted:\n" << dump(*b);

  const auto t0 = std::chrono::steady_clock::now();
  a->kill();
  ASSERT_GE(b->waitForLine("leading b", 30s), 0) << dump(*b);
  const auto takeover = std::chrono::steady_clock::now() - t0;
  std::printf("takeover after SIGKILL: %lld ms (lease 4 s, retry 0.5 s)\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(takeover).count()));
  EXPECT_LE(takeover, 4s + 2 * 500ms + 1500ms) << "takeover within the lease duration";
  ASSERT_GE(b->waitForLine("acted default/x by b", 30s), 0) << dump(*b);
  auto lease = (*client)->get({"coordination.k8s.io", "v1", "leases"}, "default", "itest", "");
  ASSERT_TRUE(lease) << lease.status().toString();
  const auto& spec = (*lease)->json()["spec"];
  EXPECT_EQ(spec["holderIdentity"], "b");
  EXPECT_EQ(spec["leaseDurationSeconds"], 4);
  EXPECT_GE(spec["leaseTransitions"].get<int>(), 1);
  const std::string renew = spec["renewTime"];
  EXPECT_EQ(renew.size(), 27u) << renew;  // 2026-11-25T23:00:00.000000Z
  b->stop();
}

TEST(LeaderElectionIntegrationTest, PausedLeaderDoesNotActAfterResuming) {
  START_APISERVER(server);
  auto client = client::RestClient::create(server->config());
  ASSERT_TRUE(client);
  auto a = startReplica(*server, "a");
  ASSERT_GE(a->waitForLine("leading a", 30s), 0) << dump(*a);
  auto b = startReplica(*server, "b");
  ASSERT_GE(b->waitForLine("metrics port", 30s), 0) << dump(*b);
  a->signal(SIGSTOP);
  ASSERT_GE(b->waitForLine("leading b", 30s), 0) << dump(*b);
  ASSERT_TRUE((*client)->create(kCm, "default", configMap("y", "1"), {}));
  ASSERT_GE(b->waitForLine("acted default/y by b", 30s), 0) << dump(*b);
  const int a_lines = a->lineCount();
  a->signal(SIGCONT);
  // Work that a's informer will also see once it catches up.
  ASSERT_TRUE((*client)->create(kCm, "default", configMap("z", "1"), {}));
  ASSERT_GE(b->waitForLine("acted default/z by b", 30s), 0) << dump(*b);
  ASSERT_GE(a->waitForLine("stopped leading a", 30s, a_lines), 0) << dump(*a);
  std::this_thread::sleep_for(2s);
  auto lines = a->lines();
  for (std::size_t i = static_cast<std::size_t>(a_lines); i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].find("acted"), std::string::npos) << "paused leader acted: " << lines[i];
  }
  a->stop();
  b->stop();
}

uint16_t freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(PrometheusIntegrationTest, ScrapesWorkQueueMetrics) {
  if (!fs::exists("/usr/bin/prometheus")) GTEST_SKIP() << "no /usr/bin/prometheus";
  auto registry = std::make_shared<MetricsRegistry>();
  WorkQueueOptions qo;
  qo.name = "scraped";
  qo.metrics = prometheusQueueMetrics(*registry, "scraped");
  WorkQueue q(qo);
  for (int i = 0; i < 5; ++i) q.add("k" + std::to_string(i));
  auto server = MetricsServer::start(registry, {});
  ASSERT_TRUE(server) << server.status().toString();

  std::string dir = (fs::temp_directory_path() / "flotilla-prom-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  std::ofstream(dir + "/prometheus.yml")
      << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      << "scrape_configs:\n  - job_name: flotilla\n    static_configs:\n"
      << "      - targets: ['127.0.0.1:" << (*server)->port() << "']\n";
  const uint16_t prom_port = freePort();
  auto prom = ChildProcess::start({"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                                   "--storage.tsdb.path=" + dir + "/data",
                                   "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)});
  ASSERT_TRUE(prom) << prom.status().toString();
  client::RestConfig rc;
  rc.server = "http://127.0.0.1:" + std::to_string(prom_port);
  rc.max_retries = 0;
  auto api = client::RestClient::create(rc);
  ASSERT_TRUE(api);
  double value = -1;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < deadline && value < 0) {
    auto r = (*api)->getPath("/api/v1/query?query=workqueue_adds_total");
    if (r && (*r)["status"] == "success" && !(*r)["data"]["result"].empty()) {
      const auto& first = (*r)["data"]["result"][0];
      EXPECT_EQ(first["metric"]["name"], "scraped");
      EXPECT_EQ(first["metric"]["job"], "flotilla");
      value = std::stod(first["value"][1].get<std::string>());
      break;
    }
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(value, 5) << dump(**prom);
  auto up = (*api)->getPath("/api/v1/query?query=up");
  ASSERT_TRUE(up);
  EXPECT_EQ((*up)["data"]["result"][0]["value"][1], "1");
  (*prom)->stop();
  (*server)->stop();
  fs::remove_all(dir);
}

// SIGTERM: the demo manager (against a stub API server with one ConfigMap) syncs, serves /readyz,
// reconciles, then exits 0 on SIGTERM after draining.
TEST(ManagerIntegrationTest, ServesProbesAndStopsOnSigterm) {
  using client::testing::StubHttpServer;
  using client::testing::StubRequest;
  using client::testing::StubResponse;
  StubHttpServer api([](const StubRequest& r) {
    if (r.method == "GET" && r.target.find("watch=true") != std::string::npos) {
      return StubResponse{200, {}, ""};  // an empty stream: the informer re-watches
    }
    if (r.method == "GET" && r.target.find("/configmaps") != std::string::npos) {
      return StubResponse{200, {}, R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"x","namespace":"default","resourceVersion":"4"},"data":{"v":"1"}}]})"};
    }
    if (r.method == "PATCH") {
      return StubResponse{200, {}, R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","namespace":"default","resourceVersion":"6"}})"};
    }
    return StubResponse{404, {}, R"({"kind":"Status","reason":"NotFound","code":404})"};
  });
  std::string dir = (fs::temp_directory_path() / "flotilla-demo-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  std::ofstream(dir + "/kubeconfig") << "current-context: c\nclusters: [{name: k, cluster: {server: '"
                                     << api.url() << "'}}]\ncontexts: [{name: c, context: {cluster: k}}]\n";
  auto demo = ChildProcess::start({demoBinary(), "runtime-demo", "--kubeconfig", dir + "/kubeconfig",
                                   "--no-leader-election", "--identity", "solo"});
  ASSERT_TRUE(demo) << demo.status().toString();
  ASSERT_GE((*demo)->waitForLine("acted default/x by solo", 30s), 0) << dump(**demo);
  const int port_line = (*demo)->waitForLine("metrics port", 30s);
  ASSERT_GE(port_line, 0);
  const std::string port = (*demo)->lines()[static_cast<std::size_t>(port_line)].substr(13);
  client::RestConfig rc;
  rc.server = "http://127.0.0.1:" + port;
  auto probe = client::makeHttpTransport(rc);
  ASSERT_TRUE(probe);
  auto ready = (*probe)->send({"GET", "/readyz", {}, {}, {}});
  ASSERT_TRUE(ready) << ready.status().toString();
  EXPECT_EQ(ready->status, 200);
  // "acted" is printed before the PATCH: poll until the reconcile has been counted.
  core::Result<client::HttpResponse> metrics = core::Status(core::Code::Unavailable, "");
  for (int i = 0; i < 300; ++i) {
    metrics = (*probe)->send({"GET", "/metrics", {}, {}, {}});
    ASSERT_TRUE(metrics);
    if (metrics->body.find("result=\"success\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(metrics->body.find("controller_runtime_reconcile_total{controller=\"configmap-stamper\",result=\"success\"} 1"),
            std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("rest_client_requests_total{code=\"200\",method=\"PATCH\""),
            std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("workqueue_adds_total{name=\"configmap-stamper\"}"), std::string::npos);
  (*demo)->signal(SIGTERM);
  ASSERT_GE((*demo)->waitForLine("stopped solo", 30s), 0) << dump(**demo);
  const int status = (*demo)->stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  fs::remove_all(dir);
}

TEST(EventRecorderIntegrationTest, AggregatesIntoOneEvent) {
  START_APISERVER(server);
  auto client = client::RestClient::create(server->config());
  ASSERT_TRUE(client);
  auto cm = (*client)->create(kCm, "default", configMap("evt", "1"), {});
  ASSERT_TRUE(cm) << cm.status().toString();
  EventRecorder recorder(*client, "itest-controller");
  for (int i = 0; i < 3; ++i) {
    auto st = recorder.record(**cm, EventType::Warning, "SyncFailed", "cluster m1 unreachable");
    ASSERT_TRUE(st.isOk()) << st.toString();
  }
  ASSERT_TRUE(recorder.record(**cm, EventType::Normal, "Synced", "ok").isOk());
  client::ListOptions lo;
  lo.field_selector = "involvedObject.name=evt";
  auto events = (*client)->list({"", "v1", "events"}, "default", lo);
  ASSERT_TRUE(events) << events.status().toString();
  ASSERT_EQ(events->items.size(), 2u);
  for (const auto& e : events->items) {
    const auto& j = e->json();
    EXPECT_EQ(j["involvedObject"]["uid"], (*cm)->uid());
    EXPECT_EQ(j["source"]["component"], "itest-controller");
    if (j["reason"] == "SyncFailed") {
      EXPECT_EQ(j["count"], 3);
      EXPECT_EQ(j["type"], "Warning");
    } else {
      EXPECT_EQ(j["count"], 1);
    }
  }
}

}  // namespace
}  // namespace flotilla::runtime
