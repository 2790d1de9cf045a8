// `flotilla mcs status [NAMESPACE/NAME] --kubeconfig HOST [-o table|json]`: what every
// multi-cluster service looks like across the federation — mode (ServiceImport or
// MultiClusterService), providers, consumers, ready endpoints per cluster, export conflicts and
// endpoint drift — computed by the same pure views the consistency controller uses
// (mcs/consistency). It reads the host and, through each Cluster's apiEndpoint and credentials
// Secret, every member. Exit status: 0 when consistent, 1 when a service drifts or a member
// cannot be read (the table says which), 2 for usage errors and an unknown service.
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/flags.h"
#include "cli/host_client.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "controllers/membership/member_clients.h"
#include "controllers/wire/karmada_names.h"
#include "core/clock.h"
#include "mcs/consistency/federation_reader.h"
#include "mcs/consistency/service_view.h"
#include "mcs/consistency/status_report.h"

namespace flotilla::cli {
namespace {

// Member clients for a one-shot command: the Cluster and its credentials Secret read from the
// host on first use (no informers).
class HostReadMemberClients final : public controllers::MemberClients {
 public:
  explicit HostReadMemberClients(client::ClientPtr host) : host_(std::move(host)) {}
  core::Result<client::ClientPtr> clientFor(const std::string& cluster) override {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(cluster); it != cache_.end()) return it->second;
    auto c = host_->get(controllers::kClustersGvr, "", cluster);
    if (!c) return c.status();
    const nlohmann::json& cj = (*c)->json();
    client::ObjectPtr secret;
    const nlohmann::json ref =
        cj.value("spec", nlohmann::json::object()).value("secretRef", nlohmann::json());
    if (ref.is_object()) {
      auto s = host_->get(controllers::kSecretsGvr, ref.value("namespace", ""),
                          ref.value("name", ""));
      if (!s) return s.status().withContext("credentials of cluster " + cluster);
      secret = *s;
    }
    auto config = controllers::memberRestConfig(cj, secret ? &secret->json() : nullptr);
    if (!config) return config.status();
    config->timeout = std::chrono::seconds(5);
    auto rest = client::RestClient::create(*config);
    if (!rest) return rest.status();
    cache_[cluster] = *rest;
    return client::ClientPtr(*rest);
  }

 private:
  client::ClientPtr host_;
  std::mutex mu_;
  std::map<std::string, client::ClientPtr> cache_;
};

int runStatus(const std::vector<std::string>& args) {
  Flags flags("mcs status", "[NAMESPACE/NAME] --kubeconfig HOST [-o table|json]",
              {{"kubeconfig", "kubeconfig of the host (Flotilla) API server", ""},
               {"context", "context in --kubeconfig", ""},
               {"output", "table or json", "table", false, false, "o"},
               {"endpoint-grace",
                "how long a NotReady provider keeps its endpoints (the sync controller's setting)",
                "10s"}});
  auto st = flags.parse(args);
  if (!st.isOk()) {
    std::fprintf(stderr, "mcs status: %s\n", st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  const std::string output = flags.get("output");
  if (output != "table" && output != "json") {
    std::fprintf(stderr, "mcs status: --output must be table or json, got \"%s\"\n",
                 output.c_str());
    return 2;
  }
  std::string ns, name;
  if (flags.positional().size() > 1) {
    std::fprintf(stderr, "mcs status: at most one NAMESPACE/NAME\n");
    return 2;
  }
  if (!flags.positional().empty()) {
    const std::string& key = flags.positional()[0];
    const auto slash = key.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) {
      std::fprintf(stderr, "mcs status: expected NAMESPACE/NAME, got \"%s\"\n", key.c_str());
      return 2;
    }
    ns = key.substr(0, slash);
    name = key.substr(slash + 1);
  }
  std::chrono::milliseconds grace{10000};
  {
    const std::string g = flags.get("endpoint-grace");
    try {
      std::size_t used = 0;
      const double v = std::stod(g, &used);
      const std::string unit = g.substr(used);
      const double ms = unit == "ms" ? v : unit == "m" ? v * 60000 : v * 1000;
      if (!unit.empty() && unit != "s" && unit != "ms" && unit != "m") throw std::invalid_argument(g);
      grace = std::chrono::milliseconds(static_cast<int64_t>(ms));
    } catch (...) {
      std::fprintf(stderr, "mcs status: bad --endpoint-grace \"%s\"\n", g.c_str());
      return 2;
    }
  }

  auto host = hostClientFromFlags(flags, 1);
  if (!host) {
    std::fprintf(stderr, "mcs status: %s\n", host.status().toString().c_str());
    return 1;
  }
  HostReadMemberClients members(*host);
  auto state = mcs::readFederation(**host, members, mcs::ReadOptions{ns});
  if (!state) {
    std::fprintf(stderr, "mcs status: cannot read the host: %s\n",
                 state.status().toString().c_str());
    return 1;
  }
  auto views = mcs::buildServiceViews(*state, core::RealClock().wallNow(),
                                      mcs::ViewOptions{grace});
  if (!name.empty()) {
    std::vector<mcs::ServiceView> picked;
    for (auto& v : views) {
      if (v.target.service == name) picked.push_back(std::move(v));
    }
    views = std::move(picked);
    if (views.empty()) {
      std::fprintf(stderr,
                   "mcs status: no multi-cluster service %s/%s (no ServiceExport, ServiceImport "
                   "or CrossCluster MultiClusterService of that name)\n",
                   ns.c_str(), name.c_str());
      return 2;
    }
  }
  std::vector<std::string> unreachable;
  for (const auto& m : state->members) {
    if (!m.reachable) unreachable.push_back(m.name + ": " + m.error);
  }
  if (output == "json") {
    nlohmann::json j = mcs::statusJson(views);
    j["unreachableClusters"] = unreachable;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%s", mcs::renderStatusTable(views).c_str());
    for (const auto& u : unreachable) std::printf("cluster %s (cannot be read)\n", u.c_str());
  }
  for (const auto& u : unreachable) std::fprintf(stderr, "mcs status: cluster %s\n", u.c_str());
  bool drift = false;
  for (const auto& v : views) drift = drift || v.drifted();
  return drift || !unreachable.empty() ? 1 : 0;
}

int runMcs(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::printf("Usage: flotilla mcs status [NAMESPACE/NAME] --kubeconfig HOST [-o table|json]\n"
                "  Providers, consumers, endpoints per cluster, conflicts and drift of every\n"
                "  multi-cluster service.\n");
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "status") return runStatus({args.begin() + 1, args.end()});
  std::fprintf(stderr, "mcs: unknown subcommand \"%s\" (expected: status)\n", args[0].c_str());
  return 2;
}

}  // namespace

FLOTILLA_COMMAND("mcs", "Multi-cluster services: status of exports, imports, endpoints and drift",
                 runMcs);

}  // namespace flotilla::cli
