// `flotilla failback BINDING|--all [-n NAMESPACE] --kubeconfig HOST`: asks the scheduler for a
// Fresh reschedule of ResourceBindings (and ClusterResourceBindings) by setting
// `spec.rescheduleTriggeredAt`, so a workload that failed over to a later scheduling group goes
// back to the first group that fits (karmada.md §2d; what Karmada's WorkloadRebalancer does).
// BINDING is a ResourceBinding in NAMESPACE (default "default"), or a ClusterResourceBinding when
// no ResourceBinding has that name and -n was not given. --all takes every binding with a
// placement in NAMESPACE, or in every namespace plus every ClusterResourceBinding when -n is not
// given. Prints one line per binding it triggered.
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/flags.h"
#include "cli/host_client.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"
#include "controllers/wire/karmada_names.h"
#include "core/clock.h"
#include "failover/failback.h"

namespace flotilla::cli {
namespace {

std::string describe(const client::Object& b) {
  const auto& j = b.json();
  const auto status = j.value("status", nlohmann::json::object());
  std::string clusters;
  for (const auto& c : j.value("spec", nlohmann::json::object())
                           .value("clusters", nlohmann::json::array())) {
    clusters += (clusters.empty() ? "" : ",") + c.value("name", "");
  }
  std::string out = "was on " + (clusters.empty() ? std::string("no clusters") : clusters);
  const std::string group = status.value("schedulerObservingAffinityName", "");
  if (!group.empty()) out += " (group " + group + ")";
  return out;
}

int runFailback(const std::vector<std::string>& args) {
  Flags flags("failback", "BINDING|--all [-n NAMESPACE] --kubeconfig HOST",
              {{"kubeconfig", "kubeconfig of the host (Flotilla) API server", ""},
               {"context", "context in --kubeconfig", ""},
               {"namespace", "namespace of the ResourceBindings (default \"default\")", "",
                false, false, "n"},
               {"all", "every binding (in --namespace, or everywhere when not given)", "",
                true}});
  auto st = flags.parse(args);
  if (!st.isOk()) {
    std::fprintf(stderr, "failback: %s\n", st.message().c_str());
    return 2;
  }
  if (flags.helpRequested()) {
    std::printf("%s", flags.helpText().c_str());
    return 0;
  }
  const bool all = flags.getBool("all");
  const auto& pos = flags.positional();
  if (all == !pos.empty() || pos.size() > 1) {
    std::fprintf(stderr,
                 "failback: give one BINDING or --all (usage: flotilla failback "
                 "BINDING|--all [-n NAMESPACE] --kubeconfig HOST)\n");
    return 2;
  }
  const bool ns_given = flags.isSet("namespace");
  const std::string ns = ns_given ? flags.get("namespace") : "default";
  auto host = hostClientFromFlags(flags);
  if (!host) {
    std::fprintf(stderr, "failback: %s\n", host.status().toString().c_str());
    return 1;
  }
  client::Client& c = **host;
  using controllers::kClusterResourceBindingsGvr;
  using controllers::kResourceBindingsGvr;

  struct Target {
    const client::GroupVersionResource* gvr;
    client::ObjectPtr obj;
  };
  std::vector<Target> targets;
  if (all) {
    auto rbs = c.list(kResourceBindingsGvr, ns_given ? ns : "", {});
    if (!rbs) {
      std::fprintf(stderr, "failback: %s\n", rbs.status().toString().c_str());
      return 1;
    }
    for (const auto& o : rbs->items) targets.push_back({&kResourceBindingsGvr, o});
    if (!ns_given) {
      auto crbs = c.list(kClusterResourceBindingsGvr, "", {});
      if (!crbs) {
        std::fprintf(stderr, "failback: %s\n", crbs.status().toString().c_str());
        return 1;
      }
      for (const auto& o : crbs->items) targets.push_back({&kClusterResourceBindingsGvr, o});
    }
  } else {
    auto rb = c.get(kResourceBindingsGvr, ns, pos[0]);
    if (rb) {
      targets.push_back({&kResourceBindingsGvr, *rb});
    } else if (rb.status().code() != core::Code::NotFound) {
      std::fprintf(stderr, "failback: %s\n", rb.status().toString().c_str());
      return 1;
    } else if (auto crb = ns_given ? rb : c.get(kClusterResourceBindingsGvr, "", pos[0]); crb) {
      targets.push_back({&kClusterResourceBindingsGvr, *crb});
    } else {
      std::fprintf(stderr,
                   "failback: no ResourceBinding \"%s\" in namespace \"%s\"%s (see kubectl get "
                   "resourcebindings -n %s)\n",
                   pos[0].c_str(), ns.c_str(),
                   ns_given ? "" : " and no ClusterResourceBinding of that name", ns.c_str());
      return 1;
    }
  }

  core::RealClock clock;
  int triggered = 0;
  for (const auto& t : targets) {
    const auto& j = t.obj->json();
    const auto spec = j.value("spec", nlohmann::json::object());
    if (!spec.contains("placement")) {
      if (!all) {
        std::fprintf(stderr,
                     "failback: %s has no placement (a dependency binding follows the bindings "
                     "that require it)\n",
                     t.obj->key().c_str());
        return 1;
      }
      continue;
    }
    const std::string at = failover::failbackTrigger(
        clock.wallNow(), j.value("status", nlohmann::json::object()).value("lastScheduledTime", ""));
    const nlohmann::json patch = {{"spec", {{"rescheduleTriggeredAt", at}}}};
    auto written = c.patch(*t.gvr, t.obj->namespaceName(), t.obj->name(), client::PatchType::Merge,
                           patch.dump(), {});
    if (!written) {
      std::fprintf(stderr, "failback: %s: %s\n", t.obj->key().c_str(),
                   written.status().toString().c_str());
      return 1;
    }
    std::printf("%s/%s: fresh reschedule triggered at %s; %s\n", t.gvr->resource.c_str(),
                t.obj->key().c_str(), at.c_str(), describe(*t.obj).c_str());
    ++triggered;
  }
  if (all && triggered == 0) {
    std::printf("no bindings to fail back%s\n",
                ns_given ? (" in namespace " + ns).c_str() : "");
  }
  return 0;
}

}  // namespace

FLOTILLA_COMMAND("failback",
                 "Reschedule bindings from scratch so workloads return to their first scheduling "
                 "group",
                 runFailback);

}  // namespace flotilla::cli
