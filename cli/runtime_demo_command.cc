// `flotilla runtime-demo`: a small controller manager for exercising the controller runtime
// against a real API server — leader election on a Lease, a ConfigMap controller that stamps each
// ConfigMap with the identity of the replica that reconciled it, /metrics, /healthz and /readyz.
// It prints "leading <id>", "stopped leading <id>" and "acted <ns/name> by <id>" lines, which the
// leader-election integration tests read.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/flags.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "core/duration.h"
#include "core/logging.h"
#include "runtime/manager.h"

namespace flotilla::cli {
namespace {

// Shares the Go-style parser every command uses.
bool parseDuration(const std::string& text, std::chrono::milliseconds* out) {
  auto d = core::parseDuration(text);
  if (!d.isOk()) return false;
  *out = *d;
  return true;
}

int runDemo(const std::vector<std::string>& args) {
  Flags flags("runtime-demo", "--kubeconfig FILE --identity ID [flags]",
              {{"kubeconfig", "kubeconfig file (default: KUBECONFIG or ~/.kube/config)", ""},
               {"context", "kubeconfig context", ""},
               {"identity", "leader-election identity of this replica", ""},
               {"namespace", "namespace of the ConfigMaps to reconcile", "default"},
               {"lease-namespace", "namespace of the Lease", "default"},
               {"lease-name", "name of the Lease", "runtime-demo"},
               {"lease-duration", "lease duration", "15s"},
               {"renew-deadline", "renew deadline", "10s"},
               {"retry-period", "retry period", "2s"},
               {"no-leader-election", "act without a lease", "", true},
               {"workers", "reconcile workers", "2"},
               {"metrics-port", "port for /metrics, /healthz, /readyz (0 picks one)", "0"},
               {"log-level", "trace, debug, info, warn, error", "info"}});
  auto st = flags.parse(args);
  if (!st.isOk()) {
    std::fprintf(stderr, "runtime-demo: %s\n", st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  core::setupLogging(flags.get("log-level"), "text");
  const std::string identity = flags.get("identity");
  if (identity.empty() && !flags.getBool("no-leader-election")) {
    std::fprintf(stderr, "runtime-demo: --identity is required with leader election\n");
    return 2;
  }
  core::Result<client::RestConfig> rc = core::Status(core::Code::NotFound, "");
  if (!flags.get("kubeconfig").empty()) {
    auto kc = client::loadKubeconfigFile(flags.get("kubeconfig"));
    rc = kc ? kc->restConfig(flags.get("context")) : core::Result<client::RestConfig>(kc.status());
  } else {
    rc = client::loadDefaultRestConfig(flags.get("context"));
  }
  if (!rc) {
    std::fprintf(stderr, "runtime-demo: %s\n", rc.status().toString().c_str());
    return 1;
  }
  auto metrics = std::make_shared<runtime::MetricsRegistry>();
  auto rest = client::RestClient::create(*rc, {nullptr, nullptr, metrics.get()});
  if (!rest) {
    std::fprintf(stderr, "runtime-demo: %s\n", rest.status().toString().c_str());
    return 1;
  }
  client::ClientPtr cli = rest.value();

  runtime::ManagerOptions mo;
  mo.name = "runtime-demo";
  mo.metrics_port = static_cast<uint16_t>(std::stoi(flags.get("metrics-port")));
  if (!flags.getBool("no-leader-election")) {
    runtime::LeaderElectionConfig le;
    le.identity = identity;
    le.lease_namespace = flags.get("lease-namespace");
    le.lease_name = flags.get("lease-name");
    if (!parseDuration(flags.get("lease-duration"), &le.lease_duration) ||
        !parseDuration(flags.get("renew-deadline"), &le.renew_deadline) ||
        !parseDuration(flags.get("retry-period"), &le.retry_period)) {
      std::fprintf(stderr, "runtime-demo: bad duration flag\n");
      return 2;
    }
    le.on_started_leading = [identity] { std::printf("leading %s\n", identity.c_str()); };
    le.on_stopped_leading = [identity] { std::printf("stopped leading %s\n", identity.c_str()); };
    mo.leader_election = le;
  }
  runtime::Manager manager(cli, mo, metrics);
  const client::GroupVersionResource cms{"", "v1", "configmaps"};
  const std::string ns = flags.get("namespace");
  auto informer = manager.informers().informerFor(cms, ns);
  auto reconciler = std::make_shared<runtime::FuncReconciler>(
      [&, informer](const runtime::Request& req) -> core::Result<runtime::ReconcileResult> {
        auto obj = informer->indexer().get(req.key());
        if (!obj) return runtime::ReconcileResult{};
        const auto& j = obj->json();
        const auto ann = j["metadata"].value("annotations", nlohmann::json::object());
        const std::string want = j.value("data", nlohmann::json::object()).dump();
        if (ann.value("flotilla.io/reconciled-by", "") == identity &&
            ann.value("flotilla.io/observed-data", "") == want) {
          return runtime::ReconcileResult{};
        }
        // The last check before writing: a replica that lost its lease while paused stops here.
        if (!manager.leading()) {
          return core::Status(core::Code::Unavailable, "not leading");
        }
        std::printf("acted %s by %s\n", req.key().c_str(), identity.c_str());
        nlohmann::json patch = {{"metadata",
                                 {{"annotations",
                                   {{"flotilla.io/reconciled-by", identity},
                                    {"flotilla.io/observed-data", want}}}}}};
        auto r = cli->patch(cms, req.namespace_name, req.name, client::PatchType::Merge,
                            patch.dump(), {"runtime-demo", false, false}, "");
        if (!r && r.status().code() != core::Code::NotFound) return r.status();
        return runtime::ReconcileResult{};
      });
  runtime::ControllerOptions co;
  co.name = "configmap-stamper";
  co.workers = std::stoi(flags.get("workers"));
  auto& controller = manager.addController(co, reconciler);
  controller.watch(*informer);
  manager.installSignalHandlers();
  std::thread announce([&] {
    for (int i = 0; i < 200 && manager.metricsPort() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::printf("metrics port %u\n", static_cast<unsigned>(manager.metricsPort()));
  });
  auto result = manager.run();
  announce.join();
  if (!result.isOk()) {
    std::fprintf(stderr, "runtime-demo: %s\n", result.toString().c_str());
    return 1;
  }
  std::printf("stopped %s\n", identity.c_str());
  return 0;
}

}  // namespace

FLOTILLA_COMMAND("runtime-demo", "Run a demo controller manager (leader election, metrics)",
                 runDemo);

}  // namespace flotilla::cli
