// `flotilla member`: one simulated member cluster — the Kubernetes-compatible API server with
// simulated nodes, scheduler, kubelet and workload controllers in one process, so federation
// tests can kill (SIGKILL) or pause (SIGSTOP) a whole cluster.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "apiserver/server.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "core/duration.h"
#include "core/logging.h"
#include "member/member_config.h"
#include "member/simulator.h"
#include "spdlog/spdlog.h"

namespace flotilla::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

int fail(const std::string& message) {
  std::fprintf(stderr, "member: %s\n", message.c_str());
  return 2;
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

int runMember(const std::vector<std::string>& args) {
  Flags flags(
      "member", "--name NAME --data-dir DIR [flags]",
      {{"name", "the member cluster's name", ""},
       {"data-dir", "directory for the database, PKI and admin.kubeconfig", ""},
       {"listen", "address to listen on (port 0 picks a free port)", "127.0.0.1:0"},
       {"insecure-http", "serve plain HTTP (loopback only, no authentication)", "", true},
       {"nodes", "number of simulated nodes (node-0 .. node-N-1)", "3"},
       {"node-cpu", "cpu of each node", "8"},
       {"node-memory", "memory of each node", "32Gi"},
       {"node-pods", "pod capacity of each node", "110"},
       {"node-gpus", "nvidia.com/gpu of each node", "0"},
       {"node-labels", "extra node labels k=v,...", ""},
       {"node-taints", "node taints k=v:Effect,...", ""},
       {"region", "topology.kubernetes.io/region of the nodes", ""},
       {"zones", "zones the nodes are spread over (topology.kubernetes.io/zone), comma-separated", ""},
       {"member-index", "1..254: picks the address ranges 10.<index>.0.0/16 (default from the name)", ""},
       {"pod-cidr", "pod IP range (default 10.<index>.0.0/17)", ""},
       {"service-cidr", "Service ClusterIP range (default 10.<index>.128.0/17)", ""},
       {"config", "YAML file with node pools and ranges (see member/README.md)", ""},
       {"pod-ready-delay", "time from binding until a pod is Running and Ready", "500ms"},
       {"job-duration", "how long a Job's pod runs before it succeeds", "2s"},
       {"storage", "storage backend: sqlite or etcd", "sqlite"},
       {"compaction-interval",
        "sqlite: how often revisions older than the previous run are compacted (0 = never)", "5m"},
       {"durable-commits",
        "sqlite: fsync every commit (a simulated member only needs to survive its own crash)",
        "false", true},
       {"etcd-endpoints", "comma-separated etcd client URLs (with --storage etcd)", ""},
       {"log-level", "trace, debug, info, warn, error", "info"},
       {"log-format", "text or json", "text"}});
  auto st = flags.parse(args);
  if (!st.isOk()) return fail(st.message());
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  if (!core::setupLogging(flags.get("log-level"), flags.get("log-format"))) {
    return fail("bad --log-level or --log-format");
  }
  member::MemberConfig config;
  config.name = flags.get("name");
  if (config.name.empty()) return fail("--name is required");
  if (flags.get("data-dir").empty()) return fail("--data-dir is required");
  config.index = member::defaultMemberIndex(config.name);
  if (flags.isSet("member-index")) {
    try {
      config.index = std::stoi(flags.get("member-index"));
    } catch (...) {
      config.index = 0;
    }
    if (config.index < 1 || config.index > 254) return fail("--member-index must be 1..254");
  }
  config.region = flags.get("region");
  config.zones = splitList(flags.get("zones"));
  member::NodePool pool;
  try {
    pool.count = std::stoi(flags.get("nodes"));
  } catch (...) {
    return fail("--nodes must be a number");
  }
  if (pool.count < 0) return fail("--nodes must not be negative");
  pool.cpu = flags.get("node-cpu");
  pool.memory = flags.get("node-memory");
  pool.pods = flags.get("node-pods");
  if (flags.get("node-gpus") != "0") pool.extended["nvidia.com/gpu"] = flags.get("node-gpus");
  auto labels = member::parseLabelList(flags.get("node-labels"));
  if (!labels.isOk()) return fail("--node-labels: " + labels.status().message());
  pool.labels = *labels;
  auto taints = member::parseTaintList(flags.get("node-taints"));
  if (!taints.isOk()) return fail("--node-taints: " + taints.status().message());
  pool.taints = *taints;
  config.pools = {pool};
  for (const auto& [flag, target] :
       {std::pair<const char*, std::chrono::milliseconds*>{"pod-ready-delay", &config.pod_ready_delay},
        {"job-duration", &config.job_duration}}) {
    auto d = core::parseDuration(flags.get(flag));
    if (!d.isOk()) return fail(std::string("--") + flag + ": " + d.status().message());
    *target = *d;
  }
  for (const auto& [flag, target] : {std::pair<const char*, member::Ipv4Range*>{"pod-cidr", &config.pod_range},
                                     {"service-cidr", &config.service_range}}) {
    if (flags.get(flag).empty()) continue;
    auto r = member::parseCidr(flags.get(flag));
    if (!r.isOk()) return fail(std::string("--") + flag + ": " + r.status().message());
    *target = *r;
  }
  if (!flags.get("config").empty()) {
    std::ifstream in(flags.get("config"));
    if (!in) return fail("cannot read --config " + flags.get("config"));
    std::stringstream text;
    text << in.rdbuf();
    auto applied = member::applyConfigYaml(text.str(), config);
    if (!applied.isOk()) return fail("--config " + flags.get("config") + ": " + applied.message());
  }
  member::applyDefaultRanges(config);

  apiserver::ApiServerOptions opts;
  opts.listen = flags.get("listen");
  opts.data_dir = flags.get("data-dir");
  opts.storage = flags.get("storage");
  opts.etcd_endpoints = splitList(flags.get("etcd-endpoints"));
  opts.insecure_http = flags.getBool("insecure-http");
  opts.durable_commits = flags.getBool("durable-commits");
  if (auto interval = core::parseDuration(flags.get("compaction-interval")); interval.isOk()) {
    opts.compaction_interval = *interval;
  } else {
    std::fprintf(stderr, "%s: --compaction-interval: %s\n", "member",
                 interval.status().message().c_str());
    return 2;
  }
  opts.install_crds = true;  // MCS ServiceExport/ServiceImport live in members too
  opts.embedded_controllers.push_back(member::MemberSimulator::factory(config));

  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  std::signal(SIGPIPE, SIG_IGN);
  auto server = apiserver::ApiServer::start(opts);
  if (!server.isOk()) {
    std::fprintf(stderr, "member: %s\n", server.status().toString().c_str());
    return 1;
  }
  std::printf("flotilla member %s ready at %s (kubeconfig %s)\n", config.name.c_str(),
              (*server)->url().c_str(), (*server)->kubeconfigPath().c_str());
  std::fflush(stdout);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  core::logger("member")->info("[{}] shutting down", config.name);
  (*server)->stop();
  return 0;
}

}  // namespace

FLOTILLA_COMMAND("member", "Run a simulated member cluster (API server, nodes, controllers)",
                 runMember);

}  // namespace flotilla::cli
