// federation_bench: the issue-5 figures for a whole federation on this machine.
//  1. Starts `flotilla up` with a generated config of --members simulated members in a temporary
//     directory (or uses a running federation with --dir DIR --no-up).
//  2. Burst: creates one Divided PropagationPolicy and --templates Deployments (replicas =
//     --replicas, default one per member) as fast as --create-threads writers go, and reports the
//     time until every member object exists (watched by one informer per member on Deployments of
//     the bench namespace) as Works/s, plus the controller manager's RSS at that point.
//  3. Steady: creates --rate templates/s for --steady-seconds and reports the P50/P99/max of the
//     per-template latency from the create call to the object existing in every target member.
//  4. Reports the controller manager's peak RSS (VmHWM), threads and CPU time, and the requests it
//     sent to the host and to the members during the run (its rest_client_requests_total metric),
//     per Work.
// Usage: federation_bench [--members 10] [--templates 2000] [--rate 50] [--steady-seconds 30]
//        [--replicas N] [--paused] [--dir DIR --no-up] [--keep] [--flotilla PATH]
// Figures go to stdout; `flotilla up` logs stay in DIR/logs (DIR is printed).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/federation_process.h"
#include "client/informer.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"

using namespace flotilla;
using bench::Clock;
using bench::clientFrom;
using bench::clusterReady;
using bench::cpuByRole;
using bench::federationProcesses;
using bench::loadAvg;
using bench::percentile;
using bench::procCpuSeconds;
using bench::procStatusKiB;
using bench::secondsSince;
using bench::waitForReadyLine;
namespace fs = std::filesystem;

namespace {

const client::GroupVersionResource kDeployments{"apps", "v1", "deployments"};
const client::GroupVersionResource kNamespaces{"", "v1", "namespaces"};
const client::GroupVersionResource kClusters{"cluster.karmada.io", "v1alpha1", "clusters"};
const client::GroupVersionResource kPolicies{"policy.karmada.io", "v1alpha1",
                                             "propagationpolicies"};
constexpr const char* kNamespace = "bench";

struct Options {
  int members = 10;
  int templates = 2000;
  double rate = 50;
  int steady_seconds = 30;
  int replicas = 0;  // 0 = members
  int create_threads = 8;
  bool paused = false;
  bool up = true;
  bool keep = false;
  std::string dir;
  std::string flotilla = FLOTILLA_BINARY_DIR "/bin/flotilla";
};







// The controller manager of the federation in `dir`: DIR/pids/controller-manager.pid when
// `flotilla up` wrote it, else the process whose command line runs controller-manager with
// DIR/host.kubeconfig.
pid_t findControllerManager(const fs::path& dir) {
  std::ifstream pidfile(dir / "pids" / "controller-manager.pid");
  long from_file = 0;
  if (pidfile >> from_file && from_file > 0 && fs::exists("/proc/" + std::to_string(from_file))) {
    return static_cast<pid_t>(from_file);
  }
  const std::string kubeconfig = (dir / "host.kubeconfig").string();
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(" controller-manager ") != std::string::npos &&
        cmdline.find(kubeconfig) != std::string::npos) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return -1;
}

// The controller manager's metrics port, from the "metrics port N" line of its log; 0 if unknown.
int metricsPort(const fs::path& dir) {
  std::ifstream in(dir / "logs" / "controller-manager.log");
  std::string line;
  int port = 0;
  while (std::getline(in, line)) {
    const auto at = line.find("metrics port ");
    if (at != std::string::npos) port = std::atoi(line.c_str() + at + 13);
  }
  return port;
}

// GET http://127.0.0.1:port/metrics with a bare socket (the bench needs no HTTP client for this).
std::string scrapeMetrics(int port) {
  if (port <= 0) return "";
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string req = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size())) {
      char buf[65536];
      ssize_t n;
      while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) out.append(buf, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  return out;
}

// rest_client_requests_total summed by (host or "members", method).
std::map<std::string, double> requestCounts(const std::string& metrics,
                                            const std::string& host_address) {
  std::map<std::string, double> out;
  std::istringstream in(metrics);
  std::string line;
  auto label = [](const std::string& l, const std::string& name) {
    const auto at = l.find(name + "=\"");
    if (at == std::string::npos) return std::string();
    const auto start = at + name.size() + 2;
    return l.substr(start, l.find('"', start) - start);
  };
  while (std::getline(in, line)) {
    if (line.rfind("rest_client_requests_total{", 0) != 0) continue;
    const std::string where = label(line, "host") == host_address ? "host" : "members";
    const double v = std::atof(line.substr(line.rfind(' ') + 1).c_str());
    out[where + " " + label(line, "method")] += v;
    out[where + " all"] += v;
  }
  return out;
}

std::string federationConfig(int members) {
  std::string out = "apiVersion: flotilla.io/v1alpha1\nkind: Federation\nhost:\n  storage: "
                    "sqlite\nmembers:\n";
  for (int i = 0; i < members; ++i) {
    out += "  - name: m" + std::to_string(i) + "\n    provider: sim\n    region: r" +
           std::to_string(i % 3) + "\n    nodes: 3\n";
  }
  return out;
}

nlohmann::json policy(int members) {
  nlohmann::json names = nlohmann::json::array();
  for (int i = 0; i < members; ++i) names.push_back("m" + std::to_string(i));
  return {{"apiVersion", "policy.karmada.io/v1alpha1"},
          {"kind", "PropagationPolicy"},
          {"metadata", {{"name", "bench-divided"}, {"namespace", kNamespace}}},
          {"spec",
           {{"resourceSelectors", {{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}}}},
            {"placement",
             {{"clusterAffinity", {{"clusterNames", names}}},
              {"replicaScheduling",
               {{"replicaSchedulingType", "Divided"},
                {"replicaDivisionPreference", "Weighted"},
                {"weightPreference",
                 {{"staticWeightList",
                   {{{"targetCluster", {{"clusterNames", names}}}, {"weight", 1}}}}}}}}}}}}};
}

nlohmann::json deployment(const std::string& name, int replicas, bool paused) {
  nlohmann::json d = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", name}, {"namespace", kNamespace}, {"labels", {{"app", name}}}}},
      {"spec",
       {{"replicas", replicas},
        {"selector", {{"matchLabels", {{"app", name}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", name}}}}},
          {"spec",
           {{"containers",
             {{{"name", "web"},
               {"image", "registry.example.com/web:1.0"},
               {"resources", {{"requests", {{"cpu", "10m"}, {"memory", "16Mi"}}}}}}}}}}}}}}};
  if (paused) d["spec"]["paused"] = true;
  return d;
}

// Which member objects exist: name → (members seen, time the last target member got it).
class Arrivals {
 public:
  explicit Arrivals(int targets) : targets_(targets) {}
  void seen(const std::string& name) {
    const auto now = Clock::now();
    std::lock_guard lock(mu_);
    auto& e = entries_[name];
    if (++e.members == targets_) {
      e.complete = now;
      ++complete_;
    }
    ++objects_;
  }
  int complete() const {
    std::lock_guard lock(mu_);
    return complete_;
  }
  long objects() const {
    std::lock_guard lock(mu_);
    return objects_;
  }
  // When `name` reached every target member, if it has.
  std::optional<Clock::time_point> completedAt(const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = entries_.find(name);
    if (it == entries_.end() || it->second.members < targets_) return std::nullopt;
    return it->second.complete;
  }

 private:
  struct Entry {
    int members = 0;
    Clock::time_point complete;
  };
  const int targets_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  int complete_ = 0;
  long objects_ = 0;
};



bool parseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--members") {
      o->members = std::atoi(next().c_str());
    } else if (a == "--templates") {
      o->templates = std::atoi(next().c_str());
    } else if (a == "--rate") {
      o->rate = std::atof(next().c_str());
    } else if (a == "--steady-seconds") {
      o->steady_seconds = std::atoi(next().c_str());
    } else if (a == "--replicas") {
      o->replicas = std::atoi(next().c_str());
    } else if (a == "--create-threads") {
      o->create_threads = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--paused") {
      o->paused = true;
    } else if (a == "--dir") {
      o->dir = next();
    } else if (a == "--no-up") {
      o->up = false;
    } else if (a == "--keep") {
      o->keep = true;
    } else if (a == "--flotilla") {
      o->flotilla = next();
    } else {
      std::fprintf(stderr,
                   "usage: federation_bench [--members N] [--templates N] [--rate R] "
                   "[--steady-seconds S] [--replicas N] [--create-threads N] [--paused] "
                   "[--dir DIR [--no-up]] [--keep] [--flotilla PATH]\n");
      return false;
    }
  }
  if (o->members < 1 || o->templates < 1 || o->rate <= 0) return false;
  if (!o->up && o->dir.empty()) {
    std::fprintf(stderr, "--no-up needs --dir of a running federation\n");
    return false;
  }
  return true;
}

// `flotilla up` as a child process; stopped with SIGTERM at the end.
pid_t startUp(const Options& o, const fs::path& dir) {
  return bench::startFlotillaUp(o.flotilla, dir, federationConfig(o.members));
}



int run(const Options& o) {
  fs::path dir = o.dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/federation-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = tmpl;
  }
  dir = fs::absolute(dir);
  std::printf("federation_bench: %d members, %d templates, steady %.0f/s for %d s, dir %s\n",
              o.members, o.templates, o.rate, o.steady_seconds, dir.c_str());
  std::printf("load at start: %s\n", loadAvg().c_str());
  std::fflush(stdout);

  pid_t up = -1;
  struct StopUp {
    pid_t& pid;
    ~StopUp() {
      if (pid <= 0) return;
      kill(pid, SIGTERM);
      int st;
      waitpid(pid, &st, 0);
    }
  } stop_up{up};
  if (o.up) {
    fs::create_directories(dir);
    const auto t0 = Clock::now();
    up = startUp(o, dir);
    if (up < 0 || !waitForReadyLine(up, dir / "up.log", std::chrono::seconds(600))) {
      std::fprintf(stderr, "flotilla up did not become ready; see %s/up.log\n", dir.c_str());
      return 1;
    }
    std::printf("flotilla up ready in %.1f s\n", secondsSince(t0));
  }

  auto host = clientFrom(dir / "host.kubeconfig", 2000);
  if (!host) {
    std::fprintf(stderr, "host client: %s\n", host.status().toString().c_str());
    return 1;
  }
  const pid_t cm = findControllerManager(dir);
  if (cm < 0) std::fprintf(stderr, "warning: controller manager process not found\n");

  // Every member Ready, so the scheduler sees them all.
  {
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    int ready = 0;
    while (Clock::now() < deadline) {
      auto list = (*host)->list(kClusters, "");
      ready = 0;
      if (list) {
        for (const auto& c : list->items) ready += clusterReady(c) ? 1 : 0;
      }
      if (ready >= o.members) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    if (ready < o.members) {
      std::fprintf(stderr, "only %d of %d clusters Ready\n", ready, o.members);
      return 1;
    }
  }

  // One informer per member on Deployments of the bench namespace.
  const int replicas = o.replicas > 0 ? o.replicas : o.members;
  Arrivals arrivals(std::min(replicas, o.members));
  std::vector<std::unique_ptr<client::Informer>> informers;
  for (int i = 0; i < o.members; ++i) {
    auto member = clientFrom(dir / ("m" + std::to_string(i) + ".kubeconfig"), 0);
    if (!member) {
      std::fprintf(stderr, "member m%d client: %s\n", i, member.status().toString().c_str());
      return 1;
    }
    client::InformerOptions io;
    io.gvr = kDeployments;
    io.namespace_name = kNamespace;
    auto inf = std::make_unique<client::Informer>(*member, io);
    inf->addEventHandler(
        {[&arrivals](const client::ObjectPtr& d) { arrivals.seen(d->name()); }, nullptr, nullptr});
    inf->start();
    if (!inf->waitForSync(std::chrono::seconds(60))) {
      std::fprintf(stderr, "member m%d informer did not sync\n", i);
      return 1;
    }
    informers.push_back(std::move(inf));
  }

  // Peak RSS of the controller manager, sampled (VmHWM is the kernel's own peak).
  std::atomic<bool> sampling{true};
  std::atomic<long> peak_rss{0};
  std::thread sampler([&] {
    while (sampling && cm > 0) {
      const long rss = procStatusKiB(cm, "VmRSS");
      if (rss > peak_rss) peak_rss = rss;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  struct StopSampler {
    std::atomic<bool>& flag;
    std::thread& t;
    ~StopSampler() {
      flag = false;
      if (t.joinable()) t.join();
    }
  } stop_sampler{sampling, sampler};

  auto ns = (*host)->create(kNamespaces, "",
                            {{"apiVersion", "v1"},
                             {"kind", "Namespace"},
                             {"metadata", {{"name", kNamespace}}}},
                            {});
  if (!ns && ns.status().code() != core::Code::AlreadyExists) {
    std::fprintf(stderr, "namespace: %s\n", ns.status().toString().c_str());
    return 1;
  }
  auto pp = (*host)->create(kPolicies, kNamespace, policy(o.members), {});
  if (!pp && pp.status().code() != core::Code::AlreadyExists) {
    std::fprintf(stderr, "policy: %s\n", pp.status().toString().c_str());
    return 1;
  }

  // Requests the controller manager sends, from its own metrics (before and after the run).
  std::string host_address;
  if (auto kc = client::loadKubeconfigFile((dir / "host.kubeconfig").string())) {
    if (auto rc = kc->restConfig()) {
      host_address = rc->server.substr(rc->server.find("://") + 3);
      if (!host_address.empty() && host_address.back() == '/') host_address.pop_back();
    }
  }
  const int cm_metrics_port = metricsPort(dir);
  const auto requests0 = requestCounts(scrapeMetrics(cm_metrics_port), host_address);

  // Burst.
  const double cm_cpu0 = cm > 0 ? procCpuSeconds(cm) : 0;
  const auto processes = federationProcesses(dir);
  const auto role_cpu0 = cpuByRole(processes);
  const long expected = static_cast<long>(o.templates) * std::min(replicas, o.members);
  const auto burst0 = Clock::now();
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < o.create_threads; ++t) {
    writers.emplace_back([&] {
      for (int i = next++; i < o.templates; i = next++) {
        auto r = (*host)->create(kDeployments, kNamespace,
                                 deployment("burst-" + std::to_string(i), replicas, o.paused), {});
        if (!r && r.status().code() != core::Code::AlreadyExists) {
          if (failed++ < 5) std::fprintf(stderr, "create: %s\n", r.status().toString().c_str());
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  const double create_s = secondsSince(burst0);
  std::printf("burst: %d Deployments created on the host in %.2f s (%.0f/s, %d failed), load %s\n",
              o.templates, create_s, o.templates / create_s, failed.load(), loadAvg().c_str());
  std::fflush(stdout);
  long last = -1;
  auto last_change = Clock::now();
  while (arrivals.objects() < expected) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const long now_objects = arrivals.objects();
    if (now_objects != last) {
      last = now_objects;
      last_change = Clock::now();
    } else if (secondsSince(last_change) > 120) {
      std::printf("burst: stalled at %ld of %ld member objects for 120 s\n", now_objects,
                  expected);
      break;
    }
    static int ticks = 0;
    if (++ticks % 50 == 0) {
      std::printf("  %.0f s: %ld of %ld member objects, load %s\n", secondsSince(burst0),
                  now_objects, expected, loadAvg().c_str());
      std::fflush(stdout);
    }
  }
  const double burst_s = secondsSince(burst0);
  const long got = arrivals.objects();
  const double cm_cpu1 = cm > 0 ? procCpuSeconds(cm) : 0;
  std::printf("burst: %ld of %ld member objects (Works) in %.2f s = %.0f Works/s; controller "
              "manager RSS %.1f MiB, CPU %.1f s; load %s\n",
              got, expected, burst_s, static_cast<double>(got) / burst_s,
              cm > 0 ? static_cast<double>(procStatusKiB(cm, "VmRSS")) / 1024 : -1,
              cm_cpu1 - cm_cpu0, loadAvg().c_str());
  {
    // Where the CPU went: the target is about 2 ms of CPU per Work on two cores for 1,000 Works/s.
    std::printf("burst CPU: %s\n", bench::cpuReport(role_cpu0, cpuByRole(processes), got, "Work").c_str());
  }
  std::fflush(stdout);
  {
    // Work a controller defers (status held through a settle window, member status reflected
    // after the object exists) is not in "burst CPU"; this figure waits until the federation is
    // quiet (under 0.1 CPU-s per second in all roles together, at most 30 s) and counts it too,
    // so that moving work past the last arrival does not look like saving it. The steady phase
    // then starts on a quiet federation.
    auto total = [](const std::map<std::string, double>& m) {
      double sum = 0;
      for (const auto& [role, cpu] : m) sum += cpu;
      return sum;
    };
    const auto settle0 = Clock::now();
    double prev = total(cpuByRole(processes));
    while (secondsSince(settle0) < 30) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      const double now_cpu = total(cpuByRole(processes));
      if (now_cpu - prev < 0.1) break;
      prev = now_cpu;
    }
    std::printf("burst CPU until quiet (%.1f s after the last arrival): %s\n", secondsSince(settle0),
                bench::cpuReport(role_cpu0, cpuByRole(processes), got, "Work").c_str());
    std::fflush(stdout);
  }

  // Steady.
  std::vector<std::pair<std::string, Clock::time_point>> created;
  if (o.steady_seconds > 0) {
    const int n = static_cast<int>(o.rate * o.steady_seconds);
    const auto period = std::chrono::duration<double>(1.0 / o.rate);
    const auto steady0 = Clock::now();
    std::mutex created_mu;
    std::atomic<int> steady_next{0};
    std::vector<std::thread> steady_writers;
    // Several writers so that one slow create does not delay the next one's start.
    for (int t = 0; t < std::min(o.create_threads, 8); ++t) {
      steady_writers.emplace_back([&] {
        for (int i = steady_next++; i < n; i = steady_next++) {
          const auto due = steady0 + std::chrono::duration_cast<Clock::duration>(period * i);
          std::this_thread::sleep_until(due);
          const std::string name = "steady-" + std::to_string(i);
          const auto t_create = Clock::now();
          auto r = (*host)->create(kDeployments, kNamespace, deployment(name, replicas, o.paused),
                                   {});
          if (!r) {
            std::fprintf(stderr, "create %s: %s\n", name.c_str(), r.status().toString().c_str());
            continue;
          }
          std::lock_guard lock(created_mu);
          created.emplace_back(name, t_create);
        }
      });
    }
    for (auto& w : steady_writers) w.join();
    const double steady_create_s = secondsSince(steady0);
    // Let the tail arrive.
    const auto tail_deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < tail_deadline) {
      bool all = true;
      for (const auto& [name, t] : created) all = all && arrivals.completedAt(name).has_value();
      if (all) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::vector<double> latencies;
    int missing = 0;
    for (const auto& [name, t] : created) {
      auto done = arrivals.completedAt(name);
      if (!done) {
        ++missing;
        continue;
      }
      latencies.push_back(std::chrono::duration<double>(*done - t).count());
    }
    std::printf("steady: %zu templates at %.1f/s (asked %.0f/s); create->in all %d target members "
                "latency P50 %.3f s, P99 %.3f s, max %.3f s; %d never arrived within 60 s; load "
                "%s\n",
                created.size(), static_cast<double>(created.size()) / steady_create_s, o.rate,
                std::min(replicas, o.members), percentile(latencies, 0.50),
                percentile(latencies, 0.99), percentile(latencies, 1.0), missing,
                loadAvg().c_str());
  }
  if (cm > 0) {
    std::printf("controller manager (pid %d): peak RSS %.1f MiB (VmHWM %.1f MiB), now %.1f MiB, "
                "%ld threads, CPU %.1f s total (%.1f s since the burst began); member objects "
                "seen %ld\n",
                cm, static_cast<double>(peak_rss.load()) / 1024,
                static_cast<double>(procStatusKiB(cm, "VmHWM")) / 1024,
                static_cast<double>(procStatusKiB(cm, "VmRSS")) / 1024,
                procStatusKiB(cm, "Threads"), procCpuSeconds(cm), procCpuSeconds(cm) - cm_cpu0,
                arrivals.objects());
    const auto requests1 = requestCounts(scrapeMetrics(cm_metrics_port), host_address);
    const double works = static_cast<double>(std::max<long>(1, arrivals.objects()));
    std::string line;
    for (const auto& [what, after] : requests1) {
      auto before = requests0.find(what);
      const double n = after - (before == requests0.end() ? 0 : before->second);
      char buf[128];
      std::snprintf(buf, sizeof(buf), "%s%s %.0f (%.2f/Work)", line.empty() ? "" : ", ",
                    what.c_str(), n, n / works);
      line += buf;
    }
    std::printf("controller manager requests during the run: %s\n",
                line.empty() ? "(metrics unavailable)" : line.c_str());
  }
  std::printf("load at end: %s\n", loadAvg().c_str());
  std::fflush(stdout);
  for (auto& inf : informers) inf->stop();
  if (!o.keep && o.up && o.dir.empty()) {
    // Stop first (StopUp runs on return) and leave the logs; data dirs are large.
    kill(up, SIGTERM);
    int st;
    waitpid(up, &st, 0);
    up = -1;
    std::error_code ec;
    fs::remove_all(dir / "host", ec);
    fs::remove_all(dir / "members", ec);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parseArgs(argc, argv, &o)) return 2;
  signal(SIGPIPE, SIG_IGN);
  return run(o);
}
