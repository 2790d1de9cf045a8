// client_bench: throughput and memory figures for the client and the runtime.
//  1. informer decode: one watch stream of ~10 KB Deployments, fed in 64 KiB reads through the
//     watch decoder into the informer cache on one thread (objects/s per core); also end to end
//     through RestClient::watch + Informer over an in-memory transport, and with a full nlohmann
//     parse of every object for comparison.
//  2. informer cache RSS: 100,000 ~2 KB objects listed in pages of 500 into an Informer; RSS growth
//     against the JSON size.
//  3. work queue: adds + gets per second with 8 workers.
//  4. tls: RestClient against a real `flotilla apiserver` over TLS (bearer token; the server asks
//     for a client certificate, as in production): GET and CREATE of ~1 KB ConfigMaps with 1 and
//     16 callers sharing one client (one transport, as a controller's workers do), and GET with a
//     new client per request (every request pays a full connection and TLS handshake). Reports
//     requests/s and CPU per request of the client process and of the server process (/proc).
// Usage: client_bench [decode|rss|queue|tls|all] [--seconds N] (default all, 3 s per TLS case).
// The flotilla binary comes from $FLOTILLA_BIN, else this build's bin/flotilla.
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/decode.h"
#include "client/fake_http_transport.h"
#include "client/indexer.h"
#include "client/informer.h"
#include "client/rest_client.h"
#include "client/testing/apiserver_process.h"
#include "runtime/work_queue.h"

using namespace flotilla;
using Clock = std::chrono::steady_clock;

namespace {

// CPU seconds of this thread / of the whole process: on a shared machine wall time depends on
// the neighbours, CPU time does not ("per core" figures use it).
double threadCpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double processCpu() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

long rssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// A realistic Deployment padded to about `target` bytes with containers, env and annotations.
std::string deployment(int i, std::size_t target) {
  nlohmann::json d = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", "deployment-" + std::to_string(i)},
        {"namespace", "ns-" + std::to_string(i % 50)},
        {"uid", "6f1c2d9e-0000-4000-8000-" + std::to_string(100000000000 + i)},
        {"resourceVersion", std::to_string(1000 + i)},
        {"generation", 3},
        {"creationTimestamp", "2026-11-25T10:00:00Z"},
        {"labels", {{"app", "web-" + std::to_string(i % 100)}, {"tier", "frontend"}, {"team", "payments"}}},
        {"annotations", {{"deployment.kubernetes.io/revision", "3"}}}}},
      {"spec",
       {{"replicas", 3},
        {"selector", {{"matchLabels", {{"app", "web-" + std::to_string(i % 100)}}}}},
        {"template", {{"metadata", {{"labels", {{"app", "web-" + std::to_string(i % 100)}}}}},
                      {"spec", {{"containers", nlohmann::json::array()}}}}}}},
      {"status", {{"replicas", 3}, {"readyReplicas", 3}, {"observedGeneration", 3}}}};
  auto& containers = d["spec"]["template"]["spec"]["containers"];
  int c = 0;
  while (d.dump().size() < target) {
    nlohmann::json ctr = {{"name", "container-" + std::to_string(c)},
                          {"image", "registry.example.com/team/app:v1.2." + std::to_string(c)},
                          {"ports", {{{"containerPort", 8080 + c}, {"protocol", "TCP"}}}},
                          {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}},
                                         {"limits", {{"cpu", "500m"}, {"memory", "512Mi"}}}}},
                          {"env", nlohmann::json::array()}};
    for (int e = 0; e < 8; ++e) {
      ctr["env"].push_back({{"name", "ENV_VAR_" + std::to_string(e)},
                            {"value", "value-for-environment-variable-" + std::to_string(e)}});
    }
    containers.push_back(ctr);
    ++c;
    if (d.dump().size() >= target) break;
  }
  return d.dump();
}

std::string configMap(int i, std::size_t target) {
  nlohmann::json cm = {{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata",
                        {{"name", "config-" + std::to_string(i)},
                         {"namespace", "ns-" + std::to_string(i % 100)},
                         {"uid", "0a1b2c3d-0000-4000-8000-" + std::to_string(100000000000 + i)},
                         {"resourceVersion", std::to_string(10 + i)},
                         {"creationTimestamp", "2026-11-25T10:00:00Z"},
                         {"labels", {{"app", "a" + std::to_string(i % 10)}}}}},
                       {"data", nlohmann::json::object()}};
  std::size_t size = cm.dump().size();
  int k = 0;
  while (size < target) {
    const std::size_t room = target - size;
    std::string v(std::min<std::size_t>(room > 16 ? room - 16 : 1, 200), 'x');
    cm["data"]["key" + std::to_string(k++)] = v;
    size = cm.dump().size();
  }
  return cm.dump();
}

void benchDecode() {
  constexpr int kObjects = 20000;
  std::vector<std::string> docs;
  for (int i = 0; i < 16; ++i) docs.push_back(deployment(i, 10 * 1024));
  std::string stream;
  stream.reserve(static_cast<std::size_t>(kObjects) * 10400);
  for (int i = 0; i < kObjects; ++i) {
    // Distinct names so the cache holds every object.
    std::string doc = docs[static_cast<std::size_t>(i % 16)];
    const std::string from = "\"deployment-" + std::to_string(i % 16) + "\"";
    doc.replace(doc.find(from), from.size(), "\"d-" + std::to_string(i) + "\"");
    stream += "{\"type\":\"ADDED\",\"object\":" + doc + "}\n";
  }
  const double mb = static_cast<double>(stream.size()) / (1024 * 1024);
  std::printf("decode: %d Deployments of ~%zu bytes, %.1f MiB stream\n", kObjects, docs[0].size(),
              mb);

  {
    client::Indexer cache;
    client::WatchDecoder decoder;
    const auto t0 = Clock::now();
    const double c0 = threadCpu();
    bool keep = true;
    for (std::size_t off = 0; off < stream.size(); off += 65536) {
      auto st = decoder.feed(std::string_view(stream).substr(off, 65536),
                             [&](client::WatchEvent&& ev) {
                               cache.upsert(ev.object);
                               return true;
                             },
                             &keep);
      if (!st.isOk()) {
        std::printf("decode error: %s\n", st.toString().c_str());
        return;
      }
    }
    const double s = secondsSince(t0);
    const double cpu = threadCpu() - c0;
    std::printf("decode+cache (scan metadata, lazy tree): %.0f objects/CPU-s (%.0f MiB/CPU-s); "
                "wall %.0f objects/s (cache %zu)\n",
                kObjects / cpu, mb / cpu, kObjects / s, cache.size());
  }
  {
    client::Indexer cache;
    client::WatchDecoder decoder;
    const double c0 = threadCpu();
    bool keep = true;
    std::size_t fields = 0;
    for (std::size_t off = 0; off < stream.size(); off += 65536) {
      (void)decoder.feed(std::string_view(stream).substr(off, 65536),
                         [&](client::WatchEvent&& ev) {
                           fields += ev.object->json().size();  // force the full tree
                           cache.upsert(ev.object);
                           return true;
                         },
                         &keep);
    }
    const double cpu = threadCpu() - c0;
    std::printf("decode+cache+full nlohmann tree:         %.0f objects/CPU-s (%.0f MiB/CPU-s)\n",
                kObjects / cpu, mb / cpu);
  }
  {
    // End to end: RestClient::watch over an in-memory transport into an Informer.
    auto transport = std::make_shared<client::FakeHttpTransport>();
    transport->setHandler([](const client::HttpRequest&) {
      return core::Result<client::HttpResponse>(client::HttpResponse{
          200, {}, R"({"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{"resourceVersion":"1"},"items":[]})"});
    });
    std::vector<std::string> chunks;
    for (std::size_t off = 0; off < stream.size(); off += 65536) {
      chunks.push_back(stream.substr(off, 65536));
    }
    transport->enqueueStream(200, std::move(chunks));
    client::RestConfig rc;
    rc.server = "http://bench";
    rc.qps = 0;
    auto rest = std::make_shared<client::RestClient>(rc, transport);
    client::InformerOptions io;
    io.gvr = {"apps", "v1", "deployments"};
    io.min_backoff = std::chrono::milliseconds(1000);
    client::Informer inf(rest, io);
    std::atomic<int> adds{0};
    inf.addEventHandler({[&](const client::ObjectPtr&) { ++adds; }, nullptr, nullptr});
    const auto t0 = Clock::now();
    const double c0 = processCpu();
    inf.start();
    while (adds.load() < kObjects) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double s = secondsSince(t0);
    const double cpu = processCpu() - c0;
    inf.stop();
    std::printf("end to end RestClient::watch -> Informer: %.0f objects/CPU-s (process CPU); wall "
                "%.0f objects/s\n",
                kObjects / cpu, kObjects / s);
  }
}

void benchRss() {
  constexpr int kObjects = 100000;
  constexpr int kPage = 500;
  // Pages are generated on demand so that the benchmark's own copy of the data is not resident.
  std::atomic<std::size_t> json_bytes{0};
  auto transport = std::make_shared<client::FakeHttpTransport>();
  transport->setHandler([&](const client::HttpRequest& r) -> core::Result<client::HttpResponse> {
    int start = 0;
    if (auto p = r.target.find("continue="); p != std::string::npos) {
      start = std::stoi(r.target.substr(p + 9));
    }
    std::string body = R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"999999")";
    const int end = std::min(kObjects, start + kPage);
    if (end < kObjects) body += ",\"continue\":\"" + std::to_string(end) + "\"";
    body += "},\"items\":[";
    for (int i = start; i < end; ++i) {
      std::string doc = configMap(i, 2048);
      json_bytes += doc.size();
      if (i > start) body += ",";
      body += doc;
    }
    body += "]}";
    return client::HttpResponse{200, {}, std::move(body)};
  });
  client::RestConfig rc;
  rc.server = "http://bench";
  rc.qps = 0;
  auto rest = std::make_shared<client::RestClient>(rc, transport);
  malloc_trim(0);
  const long before = rssKiB();
  client::InformerOptions io;
  io.gvr = {"", "v1", "configmaps"};
  io.page_size = kPage;
  io.min_backoff = std::chrono::milliseconds(60000);  // the fake has no watch stream scripted
  auto inf = std::make_unique<client::Informer>(rest, io);
  const auto t0 = Clock::now();
  inf->start();
  inf->waitForSync(std::chrono::minutes(10));
  const double s = secondsSince(t0);
  malloc_trim(0);
  const long after = rssKiB();
  const double json_mib = static_cast<double>(json_bytes.load()) / (1024 * 1024);
  const double rss_mib = static_cast<double>(after - before) / 1024;
  std::printf("rss: %zu objects cached, JSON %.1f MiB, RSS growth %.1f MiB (%.2fx JSON), target "
              "<= %.1f MiB (1.5x JSON + 32 MiB); list+cache %.1f s\n",
              inf->indexer().size(), json_mib, rss_mib, rss_mib / json_mib, 1.5 * json_mib + 32, s);
  inf->stop();
}

void benchQueue() {
  constexpr int kKeys = 1000000;
  constexpr int kWorkers = 8;
  std::vector<std::string> keys;
  keys.reserve(kKeys);
  for (int i = 0; i < kKeys; ++i) keys.push_back("namespace-" + std::to_string(i % 100) + "/object-" + std::to_string(i));
  runtime::WorkQueue q;
  std::atomic<int> got{0};
  std::vector<std::thread> workers;
  const auto t0 = Clock::now();
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto k = q.get()) {
        q.done(*k);
        ++got;
      }
    });
  }
  std::thread producer([&] {
    for (const auto& k : keys) q.add(k);
  });
  producer.join();
  while (got.load() < kKeys) std::this_thread::sleep_for(std::chrono::microseconds(100));
  const double s = secondsSince(t0);
  q.shutDown();
  for (auto& t : workers) t.join();
  std::printf("queue: %d distinct keys, 1 producer, %d workers: %.0f adds+gets/s (%.2f s)\n", kKeys,
              kWorkers, kKeys / s, s);
}

// utime + stime of another process, in seconds (clock ticks of /proc/<pid>/stat).
double otherProcessCpu(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  double ticks = 0;
  // After the command name: state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

const client::GroupVersionResource kConfigMaps{"", "v1", "configmaps"};

// Runs `op` from `callers` threads for `seconds` and prints the figures of one TLS case.
void tlsCase(const char* name, int callers, double seconds, pid_t server,
             const std::function<core::Status(int caller, int i)>& op) {
  std::atomic<bool> stop{false};
  std::atomic<long> done{0};
  std::atomic<long> failed{0};
  std::string first_error;
  std::mutex error_mu;
  const double c0 = processCpu();
  const double s0 = otherProcessCpu(server);
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; !stop.load(); ++i) {
        core::Status st = op(c, i);
        if (st.isOk()) {
          ++done;
        } else {
          ++failed;
          std::lock_guard lock(error_mu);
          if (first_error.empty()) first_error = st.toString();
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double wall = secondsSince(t0);
  const double client_cpu = processCpu() - c0;
  const double server_cpu = otherProcessCpu(server) - s0;
  const double n = static_cast<double>(std::max(1L, done.load()));
  std::printf("tls %-28s callers %2d: %7.0f req/s; CPU per request: client %6.0f us, server %6.0f "
              "us, total %6.0f us; %ld failed%s%s\n",
              name, callers, static_cast<double>(done.load()) / wall, client_cpu / n * 1e6,
              server_cpu / n * 1e6, (client_cpu + server_cpu) / n * 1e6, failed.load(),
              first_error.empty() ? "" : " (first: ", first_error.empty() ? "" : (first_error + ")").c_str());
}

void benchTls(double seconds) {
  auto server = client::testing::ApiServerProcess::start({false, {"--log-level", "warn"}});
  if (!server) {
    std::printf("tls: skipped (%s)\n", server.status().toString().c_str());
    return;
  }
  const pid_t pid = (*server)->process()->pid();
  client::RestConfig rc = (*server)->config();
  rc.qps = 0;  // measure the transport, not the client-side throttle
  std::printf("tls: %s (flotilla apiserver pid %d, %.0f s per case)\n", rc.server.c_str(),
              static_cast<int>(pid), seconds);
  auto shared = client::RestClient::create(rc);
  if (!shared) {
    std::printf("tls: %s\n", shared.status().toString().c_str());
    return;
  }
  const std::string data(1000, 'x');
  auto configMapJson = [&](const std::string& name) {
    return nlohmann::json{{"apiVersion", "v1"},
                          {"kind", "ConfigMap"},
                          {"metadata", {{"name", name}}},
                          {"data", {{"payload", data}}}};
  };
  if (auto st = (*shared)->create(kConfigMaps, std::string("default"), configMapJson("bench-get"), {}); !st) {
    std::printf("tls: setup failed: %s\n", st.status().toString().c_str());
    return;
  }
  int round = 0;
  for (int callers : {1, 16}) {
    tlsCase("GET", callers, seconds, pid, [&](int, int) {
      return (*shared)->get(kConfigMaps, "default", "bench-get", "").status();
    });
    ++round;
    tlsCase("CREATE", callers, seconds, pid, [&, round](int c, int i) {
      const std::string name =
          "bench-" + std::to_string(round) + "-" + std::to_string(c) + "-" + std::to_string(i);
      return (*shared)->create(kConfigMaps, std::string("default"), configMapJson(name), {}).status();
    });
  }
  tlsCase("GET, new client per request", 1, seconds, pid, [&](int, int) {
    auto fresh = client::RestClient::create(rc);
    if (!fresh) return fresh.status();
    return (*fresh)->get(kConfigMaps, "default", "bench-get", "").status();
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::string which = "all";
  double seconds = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: client_bench [decode|rss|queue|tls|all] [--seconds N]\n"
                  "  decode  watch decoding into the informer cache (objects per CPU-second)\n"
                  "  rss     informer cache memory for 100,000 ConfigMaps\n"
                  "  queue   work queue adds+gets per second, 8 workers\n"
                  "  tls     RestClient GET/CREATE against `flotilla apiserver` over TLS, 1 and 16\n"
                  "          callers: requests/s, client and server CPU per request\n"
                  "          ($FLOTILLA_BIN or this build's bin/flotilla)\n"
                  "  --seconds N  length of each TLS case (default 3)\n");
      return 0;
    }
    if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      which = a;
    }
  }
  std::printf("hardware threads: %u\n", std::thread::hardware_concurrency());
  if (which == "decode" || which == "all") benchDecode();
  if (which == "queue" || which == "all") benchQueue();
  if (which == "rss" || which == "all") benchRss();
  if (which == "tls" || which == "all") benchTls(seconds);
  return 0;
}
