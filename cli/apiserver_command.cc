// `flotilla apiserver`: the Kubernetes-compatible host API server.
#include <csignal>
#include <cstdio>
#include <sstream>
#include <thread>

#include "apiserver/server.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "core/duration.h"
#include "core/logging.h"
#include "spdlog/spdlog.h"

namespace flotilla::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

int runApiserver(const std::vector<std::string>& args) {
  Flags flags("apiserver", "--data-dir DIR [flags]",
              {{"listen", "address to listen on (port 0 picks a free port)", "127.0.0.1:6443"},
               {"data-dir", "directory for the database, PKI and admin.kubeconfig", ""},
               {"storage", "storage backend: sqlite or etcd", "sqlite"},
               {"compaction-interval",
                "sqlite: how often revisions older than the previous run are compacted (0 = never)",
                "5m"},
               {"durable-commits",
                "sqlite: fsync every commit; false survives a crash of the process but may lose "
                "the last writes on power loss",
                "true", true},
               {"etcd-endpoints", "comma-separated etcd client URLs (with --storage etcd)", ""},
               {"insecure-http", "serve plain HTTP (loopback only, no authentication)", "", true},
               {"log-level", "trace, debug, info, warn, error", "info"},
               {"log-format", "text or json", "text"}});
  auto st = flags.parse(args);
  if (!st.isOk()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  if (!core::setupLogging(flags.get("log-level"), flags.get("log-format"))) {
    std::fprintf(stderr, "apiserver: bad --log-level or --log-format\n");
    return 2;
  }
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
    std::fprintf(stderr, "%s: --compaction-interval: %s\n", "apiserver",
                 interval.status().message().c_str());
    return 2;
  }
  if (opts.data_dir.empty()) {
    std::fprintf(stderr, "apiserver: --data-dir is required\n");
    return 2;
  }
  if (opts.storage != "sqlite" && opts.storage != "etcd") {
    std::fprintf(stderr, "apiserver: --storage must be sqlite or etcd, got %s\n",
                 opts.storage.c_str());
    return 2;
  }
  if (opts.storage == "etcd" && opts.etcd_endpoints.empty()) {
    std::fprintf(stderr, "apiserver: --storage etcd needs --etcd-endpoints\n");
    return 2;
  }
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  std::signal(SIGPIPE, SIG_IGN);
  auto server = apiserver::ApiServer::start(opts);
  if (!server.isOk()) {
    std::fprintf(stderr, "apiserver: %s\n", server.status().toString().c_str());
    return 1;
  }
  std::printf("flotilla apiserver ready at %s (kubeconfig %s)\n", (*server)->url().c_str(),
              (*server)->kubeconfigPath().c_str());
  std::fflush(stdout);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  core::logger("apiserver")->info("shutting down");
  (*server)->stop();
  return 0;
}

}  // namespace

FLOTILLA_COMMAND("apiserver", "Run the Kubernetes-compatible host API server", runApiserver);

}  // namespace flotilla::cli
