// mcs_bench: the issue-6 figures for multi-cluster services on this machine.
//  1. Starts `flotilla up` with --members simulated members (or uses --dir DIR --no-up).
//  2. Export: for --services Services (spread over the members as sources, created at --rate/s),
//     writes the Service, one source EndpointSlice with --endpoints ready endpoints (the bench
//     plays the member's endpoint controller, so the figures measure Flotilla, not pod start-up)
//     and the ServiceExport; reports P50/P99/max from the ServiceExport create call until every
//     member (all are consumers of a ServiceImport, the source included) holds the imported slice
//     with exactly those ready addresses.
//  3. Churn: for --churn-seconds flips the ready condition of one endpoint of a source slice
//     --churn-rate times per second (services round robin) and reports P50/P99/max from the
//     slice update until every consumer shows the new ready set.
//  Observation: one informer per member on Flotilla-managed EndpointSlices of the bench
//  namespace. Figures go to stdout with the load average; `flotilla up` logs stay in DIR/logs.
// Usage: mcs_bench [--members 10] [--services 1000] [--rate 50] [--endpoints 3]
//        [--churn-rate 100] [--churn-seconds 20] [--dir DIR --no-up] [--keep] [--flotilla PATH]
//        [--mcs-workers N (the controller manager's --mcs-workers; default: its own default)]
#include <signal.h>
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
#include <optional>
#include <set>
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
using bench::loadAvg;
using bench::pace;
using bench::percentile;
using bench::pidOf;
using bench::procCpuSeconds;
using bench::waitForReadyLine;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const client::GroupVersionResource kNamespaces{"", "v1", "namespaces"};
const client::GroupVersionResource kServices{"", "v1", "services"};
const client::GroupVersionResource kSlices{"discovery.k8s.io", "v1", "endpointslices"};
const client::GroupVersionResource kExports{"multicluster.x-k8s.io", "v1alpha1",
                                            "serviceexports"};
const client::GroupVersionResource kClusters{"cluster.karmada.io", "v1alpha1", "clusters"};
constexpr const char* kNs = "mcsbench";

struct Options {
  int members = 10;
  int services = 1000;
  double rate = 50;
  int endpoints = 3;
  double churn_rate = 100;
  int churn_seconds = 20;
  bool up = true;
  bool keep = false;
  std::string dir;
  std::string flotilla = FLOTILLA_BINARY_DIR "/bin/flotilla";
  int mcs_workers = 0;  // > 0: passed to the controller manager as --mcs-workers
};




std::string member(int i) { return "m" + std::to_string(i); }
std::string service(int i) { return "svc-" + std::to_string(i); }


// Ready addresses of a slice, sorted and joined: the value consumers must converge to.
std::string readySignature(const Json& slice) {
  std::vector<std::string> out;
  for (const auto& ep : slice.value("endpoints", Json::array())) {
    if (!ep.value("conditions", Json::object()).value("ready", true)) continue;
    for (const auto& a : ep.value("addresses", Json::array())) out.push_back(a.get<std::string>());
  }
  std::sort(out.begin(), out.end());
  std::string s;
  for (const auto& a : out) s += a + ",";
  return s;
}

// Per service: the signature every consumer must show, since when, and which consumers show it.
class Tracker {
 public:
  explicit Tracker(int consumers) : consumers_(consumers) {}
  void expect(const std::string& svc, const std::string& sig, Clock::time_point t0) {
    std::lock_guard lock(mu_);
    auto& e = entries_[svc];
    if (e.pending) ++superseded_;
    e.expected = sig;
    e.t0 = t0;
    e.pending = true;
    e.done.clear();
    for (const auto& [m, s] : e.seen) {
      if (s == sig) e.done.insert(m);
    }
    finishLocked(e, Clock::now());
  }
  void observe(const std::string& member, const std::string& svc, const std::string& sig) {
    const auto now = Clock::now();
    std::lock_guard lock(mu_);
    auto& e = entries_[svc];
    e.seen[member] = sig;
    if (!e.pending) return;
    if (sig == e.expected) {
      e.done.insert(member);
    } else {
      e.done.erase(member);
    }
    finishLocked(e, now);
  }
  std::vector<double> takeLatencies() {
    std::lock_guard lock(mu_);
    std::vector<double> out;
    out.swap(latencies_);
    return out;
  }
  int pending() const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& [k, e] : entries_) n += e.pending ? 1 : 0;
    return n;
  }
  int superseded() const {
    std::lock_guard lock(mu_);
    return superseded_;
  }

 private:
  struct Entry {
    std::string expected;
    Clock::time_point t0;
    bool pending = false;
    std::map<std::string, std::string> seen;
    std::set<std::string> done;
  };
  void finishLocked(Entry& e, Clock::time_point now) {
    if (!e.pending || static_cast<int>(e.done.size()) < consumers_) return;
    e.pending = false;
    latencies_.push_back(std::chrono::duration<double, std::milli>(now - e.t0).count());
  }
  const int consumers_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::vector<double> latencies_;
  int superseded_ = 0;
};


void report(const char* what, const std::vector<double>& ms, int expected) {
  std::printf("%s: %zu/%d measured, P50 %.0f ms, P99 %.0f ms, max %.0f ms (load %s)\n", what,
              ms.size(), expected, percentile(ms, 0.5), percentile(ms, 0.99),
              ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()), loadAvg().c_str());
  std::fflush(stdout);
}

Json sourceSlice(int svc, int source, const std::vector<bool>& ready) {
  Json eps = Json::array();
  for (size_t k = 0; k < ready.size(); ++k) {
    // Unique per (service, endpoint) for up to 1,000 services; the second octet names the source.
    const std::string ip = "10." + std::to_string(source + 1) + "." + std::to_string(svc % 250) +
                           "." + std::to_string(k + 1 + (svc / 250) * 10);
    eps.push_back({{"addresses", {ip}}, {"conditions", {{"ready", static_cast<bool>(ready[k])}}}});
  }
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata",
           {{"name", service(svc) + "-src"},
            {"namespace", kNs},
            {"labels",
             {{"kubernetes.io/service-name", service(svc)},
              {"endpointslice.kubernetes.io/managed-by", "mcs-bench"}}}}},
          {"addressType", "IPv4"},
          {"endpoints", eps},
          {"ports", {{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}}};
}

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
    } else if (a == "--services") {
      o->services = std::atoi(next().c_str());
    } else if (a == "--rate") {
      o->rate = std::atof(next().c_str());
    } else if (a == "--endpoints") {
      o->endpoints = std::max(2, std::atoi(next().c_str()));
    } else if (a == "--churn-rate") {
      o->churn_rate = std::atof(next().c_str());
    } else if (a == "--churn-seconds") {
      o->churn_seconds = std::atoi(next().c_str());
    } else if (a == "--dir") {
      o->dir = next();
    } else if (a == "--no-up") {
      o->up = false;
    } else if (a == "--keep") {
      o->keep = true;
    } else if (a == "--flotilla") {
      o->flotilla = next();
    } else if (a == "--mcs-workers") {
      o->mcs_workers = std::atoi(next().c_str());
    } else {
      std::fprintf(stderr,
                   "usage: mcs_bench [--members N] [--services N] [--rate R] [--endpoints N] "
                   "[--churn-rate R] [--churn-seconds S] [--dir DIR [--no-up]] [--keep] "
                   "[--flotilla PATH] [--mcs-workers N]\n");
      return false;
    }
  }
  return o->members >= 1 && o->services >= 1 && o->rate > 0 && (o->up || !o->dir.empty());
}

pid_t startUp(const Options& o, const fs::path& dir) {
  std::string config =
      "apiVersion: flotilla.io/v1alpha1\nkind: Federation\nhost:\n  storage: sqlite\nmembers:\n";
  for (int i = 0; i < o.members; ++i) config += "  - name: " + member(i) + "\n    nodes: 1\n";
  std::vector<std::string> extra;
  if (o.mcs_workers > 0) {
    extra.push_back("--controller-manager-arg=--mcs-workers=" + std::to_string(o.mcs_workers));
  }
  return bench::startFlotillaUp(o.flotilla, dir, config, extra);
}




int run(const Options& o) {
  fs::path dir = o.dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/mcs-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return 1;
    dir = tmpl;
  }
  dir = fs::absolute(dir);
  std::printf("mcs_bench: %d members, %d services at %.0f/s, %d endpoints each, churn %.0f/s "
              "for %d s, dir %s\nload at start: %s\n",
              o.members, o.services, o.rate, o.endpoints, o.churn_rate, o.churn_seconds,
              dir.c_str(), loadAvg().c_str());
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
    up = startUp(o, dir);
    if (!waitForReadyLine(up, dir / "up.log", std::chrono::seconds(600))) {
      std::fprintf(stderr, "flotilla up did not become ready; see %s/up.log\n", dir.c_str());
      return 1;
    }
  }
  auto host = clientFrom(dir / "host.kubeconfig", 0);
  if (!host) return 1;
  for (auto deadline = Clock::now() + std::chrono::seconds(120);;) {
    auto list = (*host)->list(kClusters, "");
    int ready = 0;
    if (list) {
      for (const auto& c : list->items) ready += clusterReady(c) ? 1 : 0;
    }
    if (ready >= o.members) break;
    if (Clock::now() > deadline) {
      std::fprintf(stderr, "only %d of %d clusters Ready\n", ready, o.members);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  const pid_t cm = pidOf(dir, "controller-manager");
  const double cm_cpu0 = cm > 0 ? procCpuSeconds(cm) : 0;
  const auto processes = bench::federationProcesses(dir);
  auto cpu_mark = bench::cpuByRole(processes);

  Tracker tracker(o.members);
  std::vector<client::ClientPtr> members;
  std::vector<std::unique_ptr<client::Informer>> informers;
  for (int i = 0; i < o.members; ++i) {
    auto m = clientFrom(dir / (member(i) + ".kubeconfig"), 0);
    if (!m) {
      std::fprintf(stderr, "%s: %s\n", member(i).c_str(), m.status().toString().c_str());
      return 1;
    }
    members.push_back(*m);
    (void)(*m)->create(kNamespaces, "",
                       {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kNs}}}});
    client::InformerOptions io;
    io.gvr = kSlices;
    io.namespace_name = kNs;
    io.label_selector = "endpointslice.kubernetes.io/managed-by=mcs.flotilla.io";
    auto inf = std::make_unique<client::Informer>(*m, io);
    const std::string name = member(i);
    auto seen = [&tracker, name](const client::ObjectPtr& s) {
      const std::string* svc = s->label("multicluster.kubernetes.io/service-name");
      if (svc) tracker.observe(name, *svc, readySignature(s->json()));
    };
    inf->addEventHandler({seen, [seen](const client::ObjectPtr&, const client::ObjectPtr& n) {
                            seen(n);
                          },
                          [&tracker, name](const client::ObjectPtr& s) {
                            const std::string* svc =
                                s->label("multicluster.kubernetes.io/service-name");
                            if (svc) tracker.observe(name, *svc, "<gone>");
                          }});
    inf->start();
    if (!inf->waitForSync(std::chrono::seconds(60))) return 1;
    informers.push_back(std::move(inf));
  }

  // Phase 1: export.
  std::vector<std::vector<bool>> ready(o.services, std::vector<bool>(o.endpoints, true));
  std::atomic<int> errors{0};
  {
    const auto start = Clock::now();
    const int writers = 8;
    std::vector<std::thread> threads;
    std::atomic<int> next{0};
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&] {
        for (int i = next++; i < o.services; i = next++) {
          pace(start, i, o.rate);
          const int src = i % o.members;
          auto& c = *members[src];
          auto svc = c.create(kServices, kNs,
                              {{"apiVersion", "v1"},
                               {"kind", "Service"},
                               {"metadata", {{"name", service(i)}, {"namespace", kNs}}},
                               {"spec", {{"ports", {{{"name", "http"}, {"port", 80},
                                                     {"protocol", "TCP"}}}}}}});
          Json slice = sourceSlice(i, src, ready[i]);
          auto sl = c.create(kSlices, kNs, slice);
          tracker.expect(service(i), readySignature(slice), Clock::now());
          auto ex = c.create(kExports, kNs,
                             {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
                              {"kind", "ServiceExport"},
                              {"metadata", {{"name", service(i)}, {"namespace", kNs}}}});
          if (!svc || !sl || !ex) ++errors;
        }
      });
    }
    for (auto& t : threads) t.join();
    for (auto deadline = Clock::now() + std::chrono::seconds(120);
         tracker.pending() > 0 && Clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::printf("export phase: %d services in %.1f s, %d write errors, %d still pending\n",
                o.services, std::chrono::duration<double>(Clock::now() - start).count(),
                errors.load(), tracker.pending());
    report("export -> endpoints in every consumer", tracker.takeLatencies(), o.services);
    const auto cpu = bench::cpuByRole(processes);
    std::printf("export CPU: %s\n", bench::cpuReport(cpu_mark, cpu, o.services, "service").c_str());
    cpu_mark = cpu;
  }

  // Phase 2: churn.
  if (o.churn_seconds > 0 && o.churn_rate > 0) {
    const long total = static_cast<long>(o.churn_rate * o.churn_seconds);
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    std::atomic<long> next{0};
    std::vector<std::mutex> locks(o.services);
    for (int w = 0; w < 8; ++w) {
      threads.emplace_back([&] {
        for (long n = next++; n < total; n = next++) {
          pace(start, n, o.churn_rate);
          const int i = static_cast<int>(n % o.services);
          std::lock_guard lock(locks[i]);
          const int src = i % o.members;
          const int k = static_cast<int>((n / o.services) % o.endpoints);
          ready[i][k] = !ready[i][k];
          Json slice = sourceSlice(i, src, ready[i]);
          auto cur = members[src]->get(kSlices, kNs, slice["metadata"]["name"]);
          if (!cur) {
            ++errors;
            continue;
          }
          slice["metadata"]["resourceVersion"] = (*cur)->resourceVersion();
          tracker.expect(service(i), readySignature(slice), Clock::now());
          if (!members[src]->update(kSlices, kNs, slice)) ++errors;
        }
      });
    }
    for (auto& t : threads) t.join();
    const double achieved =
        static_cast<double>(total) / std::chrono::duration<double>(Clock::now() - start).count();
    for (auto deadline = Clock::now() + std::chrono::seconds(60);
         tracker.pending() > 0 && Clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::printf("churn phase: %ld readiness flips at %.1f/s achieved, %d errors, %d superseded "
                "before converging, %d still pending\n",
                total, achieved, errors.load(), tracker.superseded(), tracker.pending());
    report("readiness change -> every consumer", tracker.takeLatencies(),
           static_cast<int>(total));
    std::printf("churn CPU: %s\n",
                bench::cpuReport(cpu_mark, bench::cpuByRole(processes), total, "flip").c_str());
  }
  if (cm > 0) {
    std::printf("controller manager CPU during the run: %.1f s\n", procCpuSeconds(cm) - cm_cpu0);
  }
  for (auto& inf : informers) inf->stop();
  if (!o.keep && o.up) {
    kill(up, SIGTERM);
    int st;
    waitpid(up, &st, 0);
    up = -1;
    fs::remove_all(dir);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parseArgs(argc, argv, &o)) return 2;
  return run(o);
}
