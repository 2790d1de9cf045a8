// `flotilla join` and `flotilla unjoin`: register a Push-mode member cluster with the host (the
// Cluster, its credentials Secret and its execution namespace) and remove it again, deleting
// what Flotilla put in the member. The work is done by controllers/membership/registration.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/flags.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "controllers/membership/member_clients.h"
#include "controllers/membership/registration.h"
#include "controllers/wire/karmada_names.h"

namespace flotilla::cli {
namespace {

core::Result<client::RestConfig> restConfigOf(const std::string& kubeconfig,
                                              const std::string& context) {
  if (kubeconfig.empty()) return client::loadDefaultRestConfig(context);
  auto kc = client::loadKubeconfigFile(kubeconfig);
  if (!kc) return kc.status();
  return kc->restConfig(context);
}

core::Result<client::ClientPtr> clientOf(const client::RestConfig& config) {
  auto rest = client::RestClient::create(config);
  if (!rest) return rest.status();
  return client::ClientPtr(*rest);
}

std::vector<std::string> splitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (!item.empty()) out.push_back(item);
    }
  }
  return out;
}

int fail(const char* command, const std::string& message, int code = 1) {
  std::fprintf(stderr, "%s: %s\n", command, message.c_str());
  return code;
}

int runJoin(const std::vector<std::string>& args) {
  Flags flags("join", "NAME --kubeconfig HOST --cluster-kubeconfig MEMBER [flags]",
              {{"kubeconfig", "kubeconfig of the host (Flotilla) API server", ""},
               {"context", "context in --kubeconfig", ""},
               {"cluster-kubeconfig", "kubeconfig of the member cluster", ""},
               {"cluster-context", "context in --cluster-kubeconfig", ""},
               {"provider", "cloud provider of the member", ""},
               {"region", "region of the member", ""},
               {"zones", "zones of the member (comma-separated, repeatable)", "", false, true},
               {"labels", "labels k=v of the Cluster (comma-separated, repeatable)", "", false,
                true}});
  auto st = flags.parse(args);
  if (!st.isOk()) return fail("join", st.message(), 2);
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  if (flags.positional().size() != 1) return fail("join", "exactly one cluster NAME is required", 2);
  if (flags.get("cluster-kubeconfig").empty()) {
    return fail("join", "--cluster-kubeconfig is required", 2);
  }
  controllers::JoinOptions o;
  o.name = flags.positional()[0];
  o.provider = flags.get("provider");
  o.region = flags.get("region");
  o.zones = splitList(flags.getAll("zones"));
  for (const auto& kv : splitList(flags.getAll("labels"))) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) return fail("join", "bad label " + kv + ": want k=v", 2);
    o.labels[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto member = restConfigOf(flags.get("cluster-kubeconfig"), flags.get("cluster-context"));
  if (!member) return fail("join", member.status().toString());
  o.member = *member;
  auto host_config = restConfigOf(flags.get("kubeconfig"), flags.get("context"));
  if (!host_config) return fail("join", host_config.status().toString());
  auto host = clientOf(*host_config);
  if (!host) return fail("join", host.status().toString());
  // The member's identity (kube-system uid), when it answers.
  if (auto member_client = clientOf(o.member); member_client) {
    auto ks = (*member_client)->get(controllers::kNamespacesGvr, "", "kube-system");
    if (ks) o.cluster_id = (*ks)->uid();
  }
  auto joined = controllers::joinCluster(**host, o);
  if (!joined.isOk()) return fail("join", joined.toString());
  std::printf("cluster(%s) is joined successfully\n", o.name.c_str());
  return 0;
}

int runUnjoin(const std::vector<std::string>& args) {
  Flags flags("unjoin", "NAME --kubeconfig HOST [--cluster-kubeconfig MEMBER]",
              {{"kubeconfig", "kubeconfig of the host (Flotilla) API server", ""},
               {"context", "context in --kubeconfig", ""},
               {"cluster-kubeconfig",
                "kubeconfig of the member (default: the credentials the Cluster was joined with)",
                ""},
               {"cluster-context", "context in --cluster-kubeconfig", ""}});
  auto st = flags.parse(args);
  if (!st.isOk()) return fail("unjoin", st.message(), 2);
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  if (flags.positional().size() != 1) {
    return fail("unjoin", "exactly one cluster NAME is required", 2);
  }
  const std::string name = flags.positional()[0];
  auto host_config = restConfigOf(flags.get("kubeconfig"), flags.get("context"));
  if (!host_config) return fail("unjoin", host_config.status().toString());
  auto host = clientOf(*host_config);
  if (!host) return fail("unjoin", host.status().toString());

  client::ClientPtr member;
  if (!flags.get("cluster-kubeconfig").empty()) {
    auto mc = restConfigOf(flags.get("cluster-kubeconfig"), flags.get("cluster-context"));
    if (!mc) return fail("unjoin", mc.status().toString());
    auto c = clientOf(*mc);
    if (c) member = *c;
  } else if (auto cluster = (*host)->get(controllers::kClustersGvr, "", name); cluster) {
    const auto& cj = (*cluster)->json();
    client::ObjectPtr secret;
    if (cj.contains("spec") && cj["spec"].contains("secretRef")) {
      auto s = (*host)->get(controllers::kSecretsGvr,
                            cj["spec"]["secretRef"].value("namespace", ""),
                            cj["spec"]["secretRef"].value("name", ""));
      if (s) secret = *s;
    }
    auto mc = controllers::memberRestConfig(cj, secret ? &secret->json() : nullptr);
    if (mc) {
      auto c = clientOf(*mc);
      if (c) member = *c;
    }
  }
  if (member) {
    if (auto probe = member->getPath("/version"); !probe) {
      std::fprintf(stderr, "unjoin: member unreachable (%s); its objects are left in place\n",
                   probe.status().message().c_str());
      member.reset();
    }
  }
  auto removed = controllers::unjoinCluster(**host, member.get(), name);
  if (!removed) return fail("unjoin", removed.status().toString());
  std::printf("cluster(%s) is unjoined successfully (%d member objects deleted)\n", name.c_str(),
              *removed);
  return 0;
}

}  // namespace

FLOTILLA_COMMAND("join", "Register a member cluster with the host (Push mode)", runJoin);
FLOTILLA_COMMAND("unjoin", "Remove a member cluster and what Flotilla put in it", runUnjoin);

}  // namespace flotilla::cli
